/**
 * The loop structure and segment sizes of the transaction sets edigate has
 * maps for, as far as the map engine needs them: to check a map against the
 * guide when it is loaded (unknown segment, element past the segment's end,
 * loop that does not exist) and to arrange a set into loops when the syntax
 * core gave no tree (`set.tree` absent). Written by hand from the X12 004010
 * and UN/EDIFACT D96A set tables because the engine needs only this outline,
 * not the full element dictionary. The outlines and sizes follow the
 * syntax core's guide files (packages/edi/guides, X12 004010 and D96A), so
 * loop ids agree with the trees it builds.
 *
 * Notation: segment tags in order; `ID(…)` is a loop whose first listed
 * segment is its head (X12 loop ids are the head's tag; EDIFACT groups are
 * named `SGn`).
 */
import type { CompiledElement, CompiledLoop, CompiledSegment, LoopNode, Segment, TreeNode } from '@edigate/edi';
import { elementText, findGuide } from '@edigate/edi';
import type { ElementRef } from './path.js';

/** One loop in a set outline. */
export interface LoopOutline {
  id: string;
  head: string;
  /** Segment tags allowed in the loop, its head included. */
  segments: Set<string>;
  loops: LoopOutline[];
}

/** A set's outline plus the segment sizes of its standard. */
export interface SetOutline {
  root: LoopOutline;
  /** Every loop id in the set, with its head tag. */
  loopIds: Map<string, string>;
  /** Every segment tag that may occur anywhere in the set. */
  segmentTags: Set<string>;
  /** Highest element position a segment tag has (X12 4010 / EDIFACT D96A). */
  elementCount: (tag: string) => number | undefined;
  /** Implied decimal places of an element by its guide type (X12 N2 → 2); 0 when none or unknown. */
  impliedDecimals: (ref: ElementRef) => number;
  /** What the guide says about an element (component), when the outline comes from a guide. */
  elementInfo: (ref: ElementRef) => ElementInfo | undefined;
  /** The simple elements of a segment with their positions, for hints; empty without a guide. */
  elementsOf: (tag: string) => (ElementInfo & { ref: string })[];
}

/** An element as the guide describes it. */
export interface ElementInfo {
  name: string;
  /** X12 `AN`, `ID`, `DT`, `TM`, `R`, `N0`…`N9`; EDIFACT `an`, `n`, `a`. */
  type: string;
  /** Codes allowed, only when the guide's list is complete. */
  codes?: ReadonlySet<string>;
}

const x12Sizes: Record<string, number> = {
  ACK: 29,
  AMT: 3,
  BAK: 9,
  BEG: 12,
  BIA: 5,
  BIG: 10,
  BSN: 7,
  CAD: 9,
  CSH: 9,
  CTP: 11,
  CTT: 7,
  CUR: 21,
  DTM: 6,
  FOB: 9,
  HL: 4,
  ISS: 8,
  IT1: 25,
  ITD: 15,
  LDT: 4,
  LIN: 31,
  MAN: 6,
  MEA: 10,
  MSG: 3,
  N1: 6,
  N2: 2,
  N3: 2,
  N4: 6,
  N9: 7,
  NTE: 2,
  PER: 9,
  PID: 9,
  PKG: 6,
  PO1: 25,
  PO4: 18,
  PRF: 7,
  QTY: 4,
  REF: 4,
  SAC: 16,
  SCH: 12,
  SE: 2,
  SN1: 8,
  ST: 2,
  TC2: 2,
  TD1: 10,
  TD3: 8,
  TD4: 5,
  TD5: 14,
  TDS: 4,
  TXI: 10,
};
const edifactSizes: Record<string, number> = {
  AJT: 2,
  ALC: 5,
  ALI: 7,
  APR: 3,
  BGM: 4,
  CAV: 1,
  CCI: 4,
  CNT: 1,
  COM: 1,
  CPS: 3,
  CTA: 2,
  CUX: 4,
  DGS: 13,
  DLM: 4,
  DOC: 5,
  DTM: 1,
  EQA: 2,
  EQD: 6,
  FII: 4,
  FTX: 5,
  GIN: 6,
  GIR: 6,
  HAN: 2,
  IMD: 4,
  INP: 4,
  INV: 5,
  LIN: 6,
  LOC: 5,
  MEA: 4,
  MOA: 1,
  NAD: 9,
  PAC: 5,
  PAI: 1,
  PAT: 3,
  PCD: 1,
  PCI: 4,
  PIA: 6,
  PRI: 2,
  QTY: 1,
  QVR: 3,
  RCS: 3,
  RFF: 1,
  RNG: 2,
  RTE: 1,
  SCC: 3,
  SEL: 3,
  SGP: 2,
  STG: 3,
  TAX: 7,
  TDT: 9,
  TOD: 3,
  UNH: 4,
  UNS: 1,
  UNT: 2,
};

const outlines: Record<string, string> = {
  'x12/850':
    'ST BEG CUR REF PER TXI FOB CTP CSH TC2 SAC(SAC CUR) ITD DTM LDT LIN PID MEA PKG TD1 TD5 TD3 TD4 MAN N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER FOB TD1 TD5 TD3 TD4 PKG) PO1(PO1 LIN CUR CTP MEA PID(PID MEA) PO4 REF PER SAC(SAC CUR) CSH ITD TXI FOB DTM LDT TC2 TD1 TD5 TD3 TD4 MAN MSG QTY SCH(SCH TD1 TD5 TD3 TD4 REF) PKG N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER DTM FOB SCH TD1 TD5 TD3 TD4 PKG)) CTT(CTT AMT) SE',
  'x12/855':
    'ST BAK CUR REF PER TXI FOB CTP CSH TC2 SAC(SAC CUR) ITD DTM LDT LIN PID MEA PKG TD1 TD5 TD3 TD4 MAN N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER FOB TD1 TD5 TD3 TD4 PKG) PO1(PO1 LIN CUR CTP MEA PID(PID MEA) PO4 REF PER SAC(SAC CUR) CSH ITD TXI FOB DTM LDT TC2 TD1 TD5 TD3 TD4 MAN MSG QTY ACK(ACK DTM) SCH(SCH TD1 TD5 TD3 TD4 REF) PKG N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER DTM FOB SCH TD1 TD5 TD3 TD4 PKG)) CTT(CTT AMT) SE',
  'x12/856':
    'ST BSN DTM HL(HL LIN SN1 PRF PO4 PID MEA PKG TD1 TD5 TD3 TD4 REF PER MAN DTM FOB N1(N1 N2 N3 N4 REF PER FOB) CUR SAC(SAC CUR)) CTT SE',
  'x12/810':
    'ST BIG NTE CUR REF PER N1(N1 N2 N3 N4 REF PER FOB) ITD DTM FOB PID MEA PKG N9(N9 DTM MSG) IT1(IT1 QTY CUR TXI CTP MEA PID(PID MEA) PKG PO4 ITD REF PER DTM CAD SAC(SAC TXI) N1(N1 N2 N3 N4 REF PER)) TDS TXI CAD AMT SAC(SAC TXI) ISS(ISS PID) CTT SE',
  'x12/846':
    'ST BIA CUR REF PER MEA DTM N1(N1 N2 N3 N4 REF PER) LIN(LIN PID DTM MEA PKG CTP REF LDT QTY(QTY SCH) N1(N1 N2 N3 N4 REF PER)) CTT(CTT AMT) SE',
  'edifact/ORDERS':
    'UNH BGM DTM PAI ALI IMD FTX SG1(RFF DTM) SG2(NAD LOC FII SG3(RFF DTM) SG4(DOC DTM) SG5(CTA COM)) SG6(TAX MOA LOC) SG7(CUX PCD DTM) SG8(PAT DTM PCD MOA) SG9(TDT SG10(LOC DTM)) SG11(TOD LOC) SG12(PAC MEA SG13(PCI RFF DTM GIN)) SG14(EQD HAN MEA FTX) SG15(SCC FTX RFF SG16(QTY DTM)) SG17(APR DTM RNG) SG18(ALC ALI DTM SG19(QTY RNG) SG20(PCD RNG) SG21(MOA RNG) SG22(RTE RNG) SG23(TAX MOA)) SG24(RCS RFF DTM FTX) SG25(LIN PIA IMD MEA QTY PCD ALI DTM MOA GIN GIR QVR DOC PAI FTX SG26(CCI CAV MEA) SG27(PAT DTM PCD MOA) SG28(PRI CUX APR RNG DTM) SG29(RFF DTM) SG30(PAC MEA QTY DTM SG31(RFF DTM) SG32(PCI RFF DTM GIN)) SG33(LOC QTY DTM) SG34(TAX MOA LOC) SG35(NAD LOC SG36(RFF DTM) SG37(DOC DTM) SG38(CTA COM)) SG39(ALC ALI DTM SG40(QTY RNG) SG41(PCD RNG) SG42(MOA RNG) SG43(RTE RNG) SG44(TAX MOA)) SG45(TDT SG46(LOC DTM)) SG47(TOD LOC) SG48(EQD HAN MEA FTX) SG49(SCC FTX RFF SG50(QTY DTM)) SG51(RCS RFF DTM FTX) SG52(STG SG53(QTY MOA))) UNS MOA CNT SG54(ALC ALI MOA) UNT',
  'edifact/ORDRSP':
    'UNH BGM DTM PAI ALI IMD FTX SG1(RFF DTM) SG2(NAD LOC FII SG3(RFF DTM) SG4(DOC DTM) SG5(CTA COM)) SG6(TAX MOA LOC) SG7(CUX PCD DTM) SG8(PAT DTM PCD MOA) SG9(TDT SG10(LOC DTM)) SG11(TOD LOC) SG12(PAC MEA SG13(PCI RFF DTM GIN)) SG14(EQD HAN MEA FTX) SG15(SCC FTX RFF SG16(QTY DTM)) SG17(APR DTM RNG) SG18(ALC ALI DTM SG19(QTY RNG) SG20(PCD RNG) SG21(MOA RNG) SG22(RTE RNG) SG23(TAX MOA)) SG24(RCS RFF DTM FTX) SG25(LIN PIA IMD MEA QTY PCD ALI DTM MOA GIN GIR QVR DOC PAI FTX SG26(CCI CAV MEA) SG27(PAT DTM PCD MOA) SG28(PRI CUX APR RNG DTM) SG29(RFF DTM) SG30(PAC MEA QTY DTM SG31(RFF DTM) SG32(PCI RFF DTM GIN)) SG33(LOC QTY DTM) SG34(TAX MOA LOC) SG35(NAD LOC SG36(RFF DTM) SG37(DOC DTM) SG38(CTA COM)) SG39(ALC ALI DTM SG40(QTY RNG) SG41(PCD RNG) SG42(MOA RNG) SG43(RTE RNG) SG44(TAX MOA)) SG45(TDT SG46(LOC DTM)) SG47(TOD LOC) SG48(EQD HAN MEA FTX) SG49(SCC FTX RFF SG50(QTY DTM)) SG51(RCS RFF DTM FTX) SG52(STG SG53(QTY MOA))) UNS MOA CNT SG54(ALC ALI MOA) UNT',
  'edifact/DESADV':
    'UNH BGM DTM ALI MEA MOA SG1(RFF DTM) SG2(NAD LOC SG3(RFF DTM) SG4(CTA COM)) SG5(TOD LOC FTX) SG6(TDT PCD SG7(LOC DTM)) SG8(EQD MEA SEL EQA SG9(HAN FTX)) SG10(CPS FTX SG11(PAC MEA QTY SG12(HAN FTX) SG13(PCI RFF DTM GIR SG14(GIN DLM))) SG15(LIN PIA IMD MEA QTY ALI GIN GIR DLM DTM FTX MOA SG16(RFF DTM) SG17(DGS QTY FTX) SG18(LOC NAD DTM QTY) SG19(SGP QTY) SG20(PCI DTM MEA QTY SG21(GIN DLM) SG22(HAN FTX GIN)) SG23(QVR DTM))) CNT UNT',
  'edifact/INVOIC':
    'UNH BGM DTM PAI ALI IMD FTX SG1(RFF DTM) SG2(NAD LOC FII SG3(RFF DTM) SG4(DOC DTM) SG5(CTA COM)) SG6(TAX MOA LOC) SG7(CUX DTM) SG8(PAT DTM PCD MOA PAI FII) SG9(TDT SG10(LOC DTM) SG11(RFF DTM)) SG12(TOD LOC) SG13(PAC MEA SG14(PCI RFF DTM GIN)) SG15(ALC ALI SG16(RFF DTM) SG17(QTY RNG) SG18(PCD RNG) SG19(MOA RNG) SG20(RTE RNG) SG21(TAX MOA)) SG22(RCS RFF DTM FTX) SG23(AJT FTX) SG24(INP FTX) SG25(LIN PIA IMD MEA QTY PCD ALI DTM GIN GIR QVR EQD FTX SG26(MOA CUX) SG27(PAT DTM PCD MOA) SG28(PRI APR RNG DTM) SG29(RFF DTM) SG30(PAC MEA SG31(PCI RFF DTM GIN)) SG32(LOC QTY DTM) SG33(TAX MOA LOC) SG34(NAD LOC SG35(RFF DTM) SG36(DOC DTM) SG37(CTA COM)) SG38(ALC ALI DTM SG39(QTY RNG) SG40(PCD RNG) SG41(MOA RNG) SG42(RTE RNG) SG43(TAX MOA)) SG44(TDT SG45(LOC DTM)) SG46(TOD LOC) SG47(RCS RFF DTM FTX)) UNS CNT SG48(MOA SG49(RFF DTM)) SG50(TAX MOA) SG51(ALC ALI MOA) UNT',
  'edifact/INVRPT':
    'UNH BGM DTM SG1(RFF DTM) SG2(NAD LOC SG3(RFF DTM) SG4(CTA COM)) SG5(CUX DTM) SG9(LIN PIA IMD NAD MEA ALI LOC DTM FTX SG10(RFF DTM) SG11(INV QTY GIN LOC DTM SG12(NAD LOC) SG13(PRI CUX DTM) SG14(RFF DTM))) UNT',
};

function parseOutline(text: string): LoopOutline {
  const tokens = text.match(/[A-Z0-9]+\(|\)|[A-Z0-9]+/g) ?? [];
  let i = 0;
  const readLoop = (id: string): LoopOutline => {
    const loop: LoopOutline = { id, head: '', segments: new Set(), loops: [] };
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t === ')') break;
      if (t.endsWith('(')) {
        const child = readLoop(t.slice(0, -1));
        loop.loops.push(child);
        continue;
      }
      if (loop.head === '') loop.head = t;
      loop.segments.add(t);
    }
    return loop;
  };
  return readLoop('');
}

const cache = new Map<string, SetOutline | null>();

function finish(
  root: LoopOutline,
  elementCount: SetOutline['elementCount'],
  impliedDecimals: SetOutline['impliedDecimals'],
  elementInfo: SetOutline['elementInfo'] = () => undefined,
  elementsOf: SetOutline['elementsOf'] = () => [],
): SetOutline {
  const loopIds = new Map<string, string>();
  const segmentTags = new Set<string>();
  const walk = (l: LoopOutline): void => {
    for (const s of l.segments) segmentTags.add(s);
    for (const c of l.loops) {
      loopIds.set(c.id, c.head);
      walk(c);
    }
  };
  walk(root);
  return { root, loopIds, segmentTags, elementCount, impliedDecimals, elementInfo, elementsOf };
}

/** The outline of a set from the syntax core's guide, when it has one for the version. */
function fromGuide(standard: 'x12' | 'edifact', version: string, setId: string): SetOutline | undefined {
  const guide = findGuide(standard, version, setId);
  if (!guide) return undefined;
  const toOutline = (loop: CompiledLoop, id: string): LoopOutline => {
    const out: LoopOutline = { id, head: loop.entries[0]?.tag ?? '', segments: new Set(), loops: [] };
    for (const e of loop.entries) {
      if (e.loop) out.loops.push(toOutline(e.loop, e.loop.id));
      else out.segments.add(e.tag);
    }
    return out;
  };
  const segments = guide.dictionary.segments as Record<string, { elements: unknown[] } | undefined>;
  const compiled = (tag: string): CompiledSegment | undefined => {
    for (const entry of allEntries(guide.root)) if (entry.segment?.tag === tag) return entry.segment;
    return undefined;
  };
  const resolve = (ref: ElementRef): CompiledElement | undefined => {
    const el = compiled(ref.tag)?.elements[ref.element - 1];
    return ref.component !== undefined && el?.composite ? el.composite.components[ref.component - 1] : el;
  };
  const info = (el: CompiledElement | undefined): ElementInfo | undefined => {
    if (!el || el.composite) return undefined;
    const out: ElementInfo = { name: el.name, type: el.type };
    if (el.codes) out.codes = el.codes;
    return out;
  };
  return finish(
    toOutline(guide.root, setId),
    (tag) => segments[tag]?.elements.length,
    (ref) => resolve(ref)?.decimals ?? 0,
    (ref) => info(resolve(ref)),
    (tag) =>
      (compiled(tag)?.elements ?? []).flatMap((el, i) => {
        const e = info(el);
        return e ? [{ ...e, ref: `${tag}${String(i + 1).padStart(2, '0')}` }] : [];
      }),
  );
}

function* allEntries(loop: CompiledLoop): Generator<CompiledLoop['entries'][number]> {
  for (const e of loop.entries) {
    yield e;
    if (e.loop) yield* allEntries(e.loop);
  }
}

/**
 * The outline of a set: from the syntax core's guide for that version when
 * there is one, else from the outlines above (004010 / D96A shapes), else
 * undefined.
 */
export function setOutline(standard: 'x12' | 'edifact', setId: string, version?: string): SetOutline | undefined {
  const key = `${standard}/${version ?? ''}/${setId}`;
  let o = cache.get(key);
  if (o === undefined) {
    o = (version ? fromGuide(standard, version, setId) : undefined) ?? null;
    const text = outlines[`${standard}/${setId}`];
    if (!o && text !== undefined) {
      const root = parseOutline(text);
      root.id = setId;
      const sizes = standard === 'x12' ? x12Sizes : edifactSizes;
      o = finish(
        root,
        (tag) => sizes[tag],
        () => 0,
      );
    }
    cache.set(key, o);
  }
  return o ?? undefined;
}

interface Open {
  outline: LoopOutline;
  node: { kind: 'loop'; id: string; children: TreeNode[] };
}

/**
 * Arranges a set's flat segments into loops by its outline — the fallback
 * when the syntax core gave no tree. A segment opens a child loop when it is
 * the head of one; stays in the current loop when the loop allows it; starts
 * a sibling when it is the current loop's head again; otherwise closes the
 * loop and is tried one level up. HL loops are nested by HL01/HL02.
 */
export function arrangeByOutline(
  segments: readonly Segment[],
  outline: SetOutline,
): { root: LoopNode; hierarchyRoots: LoopNode[] } {
  const root = { kind: 'loop' as const, id: outline.root.id, children: [] as TreeNode[] };
  const stack: Open[] = [{ outline: outline.root, node: root }];
  segments.forEach((segment, index) => {
    const position = index + 1;
    for (;;) {
      const top = stack[stack.length - 1]!;
      const child = top.outline.loops.find((l) => l.head === segment.tag);
      if (child && !(stack.length > 1 && top.outline.head === segment.tag)) {
        const node = {
          kind: 'loop' as const,
          id: child.id,
          children: [{ kind: 'segment' as const, segment, position }] as TreeNode[],
        };
        top.node.children.push(node);
        stack.push({ outline: child, node });
        return;
      }
      if (stack.length === 1 || (top.outline.segments.has(segment.tag) && top.outline.head !== segment.tag)) {
        top.node.children.push({ kind: 'segment', segment, position });
        return;
      }
      stack.pop();
    }
  });
  return { root, hierarchyRoots: nestHierarchy(root) };
}

/** Links HL loops by HL01 / HL02 (X12.5: HL02 names the parent's HL01) and returns the roots. */
export function nestHierarchy(root: LoopNode): LoopNode[] {
  const byId = new Map<string, LoopNode>();
  const all: LoopNode[] = [];
  const visit = (l: LoopNode): void => {
    for (const c of l.children) {
      if (c.kind !== 'loop') continue;
      const head = c.children[0];
      if (c.id === 'HL' && head?.kind === 'segment') {
        c.hierarchy = {
          id: elementText(head.segment, 1),
          parentId: elementText(head.segment, 2),
          levelCode: elementText(head.segment, 3),
          children: [],
        };
        byId.set(c.hierarchy.id, c);
        all.push(c);
      }
      visit(c);
    }
  };
  visit(root);
  const roots: LoopNode[] = [];
  for (const l of all) {
    const parent = l.hierarchy!.parentId ? byId.get(l.hierarchy!.parentId) : undefined;
    if (parent) parent.hierarchy!.children.push(l);
    else roots.push(l);
  }
  return roots;
}
