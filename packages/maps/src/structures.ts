/**
 * The loop structure and segment sizes of the transaction sets edigate has
 * maps for, as far as the map engine needs them: to check a map against the
 * guide when it is loaded (unknown segment, element past the segment's end,
 * loop that does not exist) and to arrange a set into loops when the syntax
 * core gave no tree (`set.tree` absent). Written by hand from the X12 004010
 * and UN/EDIFACT D96A set tables because the engine needs only this outline,
 * not the full element dictionary.
 *
 * Notation: segment tags in order; `ID(…)` is a loop whose first listed
 * segment is its head (X12 loop ids are the head's tag; EDIFACT groups are
 * named `SGn`).
 */
import type { LoopNode, Segment, TreeNode } from '@edigate/edi';
import { elementText } from '@edigate/edi';

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
}

const x12Sizes: Record<string, number> = {
  ST: 3, SE: 2, BEG: 12, CUR: 21, REF: 4, PER: 9, TAX: 12, FOB: 9, CTP: 11, SAC: 16, ITD: 15, DTM: 6, TD1: 10, TD5: 15,
  TD3: 9, TD4: 5, MAN: 6, N9: 7, MSG: 3, N1: 6, N2: 2, N3: 2, N4: 6, PO1: 25, PID: 9, MEA: 10, PO4: 18, CTT: 7, AMT: 3,
  BSN: 7, HL: 4, PRF: 6, LIN: 31, SN1: 8, PKG: 9, BIG: 10, IT1: 25, TDS: 4, TXI: 10, ISS: 6, CAD: 10, BIA: 6, QTY: 4,
  SLN: 28, BAK: 10, ACK: 29, LM: 2, LQ: 2, SDQ: 23, DTP: 3, SCH: 12, CN1: 6, PWK: 9, PCT: 5, NTE: 2,
};
const edifactSizes: Record<string, number> = {
  UNH: 5, UNT: 2, BGM: 4, DTM: 1, PAI: 1, ALI: 7, FTX: 5, RFF: 1, NAD: 9, LOC: 5, FII: 3, CTA: 2, COM: 1, TAX: 7,
  MOA: 1, CUX: 4, PAT: 4, PCD: 2, TDT: 8, TOD: 3, LIN: 6, PIA: 5, IMD: 3, MEA: 4, QTY: 1, PRI: 2, ALC: 5, UNS: 1,
  CNT: 1, CPS: 3, PAC: 4, GIN: 5, INV: 7, GIS: 1, PCI: 4, SCC: 4, DOC: 5, EQD: 6, SEL: 4, HAN: 2, GIR: 6, RNG: 2,
  APR: 3, DLM: 4, PGI: 2, RCS: 4, MTD: 0,
};

const outlines: Record<string, string> = {
  'x12/850': `ST BEG CUR REF PER TAX FOB CTP SAC ITD DTM PID MEA PWK PKG TD1 TD5 TD3 TD4 MAN TXI
    N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER FOB TD1 TD5 TD3 TD4 PKG)
    PO1(PO1 LIN CUR CN1 CTP MEA PWK PO4 REF PER ITD TAX FOB SDQ DTM TD1 TD5 TD3 TD4 PCT MAN MSG TXI PID(PID MEA) SAC(SAC CUR) SCH(SCH TD1 TD5 TD3 TD4 REF) N9(N9 DTM MSG) N1(N1 N2 N3 N4 QTY REF PER DTM FOB SCH TD1 TD5 TD3 TD4 PKG) SLN(SLN MSG PID PO4 TAX N9 SAC QTY N1 N2 N3 N4 REF PER))
    CTT(CTT AMT) SE`,
  'x12/855': `ST BAK CUR REF PER TAX FOB CTP SAC ITD DTM PID MEA PWK PKG TD1 TD5 TD3 TD4 MAN TXI N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER FOB)
    PO1(PO1 LIN CUR PO3 CTP MEA PID PWK PO4 REF PER SAC ITD TAX FOB SDQ DTM TD1 TD5 TD3 TD4 MAN MSG ACK(ACK DTM SCH) SLN(SLN MSG PID) N9(N9 DTM MSG) N1(N1 N2 N3 N4 REF PER))
    CTT(CTT AMT) SE`,
  'x12/856': `ST BSN DTM HL(HL LIN SN1 SLN PRF PO4 PID MEA PWK PKG TD1 TD5 TD3 TD4 REF PER MAN DTM FOB N1(N1 N2 N3 N4 REF PER FOB) CUR ITD TXI) CTT SE`,
  'x12/810': `ST BIG NTE CUR REF PER ITD DTM FOB PID MEA PWK PKG TD1 TD5 TD3 TD4 N1(N1 N2 N3 N4 REF PER FOB)
    IT1(IT1 CRC QTY CUR IT3 TXI CTP PO4 ITD REF PER SDQ DTM CAD SR PID(PID MEA) SAC(SAC TXI) SLN(SLN DTM REF PID SAC TC2 TXI) N1(N1 N2 N3 N4 REF PER DMG))
    TDS TXI CAD AMT SAC(SAC TXI) ISS CTT SE`,
  'x12/846': `ST BIA CUR REF PER MEA PSD DTM PWK PKG TD1 TD5 TD3 TD4 MAN N1(N1 N2 N3 N4 REF PER)
    LIN(LIN SI PID DTM REF PER MEA PSD PKG PO4 QTY(QTY SCH DTM REF) N1(N1 N2 N3 N4 REF PER) SLN(SLN PID)) CTT SE`,
  'edifact/ORDERS': `UNH BGM DTM PAI ALI IMD FTX SG1(RFF DTM) SG2(NAD LOC FII SG3(RFF DTM) SG4(DOC DTM) SG5(CTA COM)) SG6(TAX MOA LOC) SG7(CUX PCD DTM) SG8(PAT DTM PCD MOA)
    SG10(TDT SG11(LOC DTM)) SG12(TOD LOC) SG13(PAC MEA SG14(PCI RFF DTM GIN)) SG16(ALC ALI DTM SG17(QTY RNG) SG18(PCD RNG) SG19(MOA RNG))
    SG25(LIN PIA IMD MEA QTY PCD ALI DTM MOA GIN QVR FTX SG26(PAT DTM PCD MOA) SG28(PRI CUX DTM) SG29(RFF DTM) SG30(PAC MEA QTY) SG33(LOC QTY DTM) SG34(TAX MOA LOC) SG35(NAD LOC SG36(RFF DTM) SG38(CTA COM)) SG39(ALC ALI DTM SG41(PCD RNG) SG42(MOA RNG)) SG45(TDT) SG47(TOD LOC) SG51(SCC FTX RFF SG52(QTY DTM)))
    UNS MOA CNT SG55(ALC ALI MOA) UNT`,
  'edifact/ORDRSP': `UNH BGM DTM PAI ALI IMD FTX SG1(RFF DTM) SG3(NAD LOC FII SG4(RFF DTM) SG6(CTA COM)) SG7(TAX MOA LOC) SG8(CUX PCD DTM) SG9(PAT DTM PCD MOA) SG10(TDT SG11(LOC DTM))
    SG26(LIN PIA IMD MEA QTY PCD ALI DTM MOA GIN QVR FTX SG30(PRI CUX DTM) SG31(RFF DTM) SG36(NAD LOC SG37(RFF DTM)) SG52(SCC FTX RFF SG53(QTY DTM)))
    UNS MOA CNT UNT`,
  'edifact/DESADV': `UNH BGM DTM ALI MEA MOA SG1(RFF DTM) SG2(NAD LOC SG3(RFF DTM) SG4(CTA COM)) SG5(TOD LOC FTX) SG6(TDT SG7(LOC DTM)) SG8(EQD MEA SEL)
    SG10(CPS FTX SG11(PAC MEA QTY SG12(HAN) SG13(PCI RFF DTM GIR GIN)) SG15(LIN PIA IMD MEA QTY ALI GIN GIR DLM DTM FTX MOA SG16(RFF DTM) SG17(DGS QTY FTX) SG20(QVR DTM))) CNT UNT`,
  'edifact/INVOIC': `UNH BGM DTM PAI FTX SG1(RFF DTM) SG2(NAD LOC FII SG3(RFF DTM) SG5(CTA COM)) SG6(TAX MOA LOC) SG7(CUX DTM) SG8(PAT DTM PCD MOA) SG12(TOD LOC)
    SG25(LIN PIA IMD MEA QTY PCD ALI DTM GIN GIR QVR EDT FTX SG26(MOA CUX) SG28(PRI CUX APR RNG DTM) SG29(RFF DTM) SG30(PAC MEA) SG33(TAX MOA LOC) SG34(NAD LOC) SG38(ALC ALI DTM SG40(PCD DTM) SG41(MOA CUX DTM)))
    UNS CNT SG48(MOA RFF DTM) SG50(TAX MOA) SG51(ALC ALI MOA) UNT`,
  'edifact/INVRPT': `UNH BGM DTM FTX SG1(RFF DTM) SG2(NAD LOC SG3(RFF DTM) SG4(CTA COM)) SG5(CUX DTM)
    SG9(LIN PIA IMD MEA QTY DTM PRI SG10(RFF DTM) SG11(LOC QTY DTM SG12(QTY DTM))) UNT`,
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
  const root = readLoop('');
  // A loop's head is its first segment; the loop's own id names X12 loops by that tag.
  const fix = (l: LoopOutline): void => {
    for (const c of l.loops) fix(c);
  };
  fix(root);
  return root;
}

const cache = new Map<string, SetOutline | null>();

/** The outline of a set (`x12`, `850`), or undefined when edigate has none. The version is not needed for the sets we map. */
export function setOutline(standard: 'x12' | 'edifact', setId: string): SetOutline | undefined {
  const key = `${standard}/${setId}`;
  let o = cache.get(key);
  if (o === undefined) {
    const text = outlines[key];
    if (text === undefined) o = null;
    else {
      const root = parseOutline(text);
      root.id = setId;
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
      const sizes = standard === 'x12' ? x12Sizes : edifactSizes;
      o = { root, loopIds, segmentTags, elementCount: (tag) => sizes[tag] };
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
export function arrangeByOutline(segments: readonly Segment[], outline: SetOutline): { root: LoopNode; hierarchyRoots: LoopNode[] } {
  const root = { kind: 'loop' as const, id: outline.root.id, children: [] as TreeNode[] };
  const stack: Open[] = [{ outline: outline.root, node: root }];
  segments.forEach((segment, index) => {
    const position = index + 1;
    for (;;) {
      const top = stack[stack.length - 1]!;
      const child = top.outline.loops.find((l) => l.head === segment.tag);
      if (child && !(stack.length > 1 && top.outline.head === segment.tag)) {
        const node = { kind: 'loop' as const, id: child.id, children: [{ kind: 'segment' as const, segment, position }] as TreeNode[] };
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
        c.hierarchy = { id: elementText(head.segment, 1), parentId: elementText(head.segment, 2), levelCode: elementText(head.segment, 3), children: [] };
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
