/**
 * The loop structure and segment sizes of a transaction set, as far as the
 * map engine needs them: to check a map against the guide when it is loaded
 * (unknown segment, element past the segment's end, loop that does not
 * exist) and to arrange a set into loops when the syntax core gave no tree
 * (`set.tree` absent). Everything here is read from the syntax core's
 * transaction-set guides (`findGuide`, packages/edi/guides) — the single
 * source of truth — so loop ids agree with the trees the core builds.
 */
import type {
  CompiledElement,
  CompiledGuide,
  CompiledLoop,
  CompiledSegment,
  LoopNode,
  Segment,
  TreeNode,
} from '@edigate/edi';
import { elementText, findGuide, guideVersion, listGuides } from '@edigate/edi';
import type { ElementRef } from './path.js';

/** One loop in a set outline. */
export interface LoopOutline {
  id: string;
  head: string;
  /** Segment tags allowed in the loop, its head included. */
  segments: Set<string>;
  loops: LoopOutline[];
  /** The loop's entries in guide order: a segment, or a child loop by its first segment's tag. */
  entries: { tag: string; loop?: LoopOutline }[];
}

/** A set's outline plus the segment sizes of its standard. */
export interface SetOutline {
  root: LoopOutline;
  /** Every loop id in the set, with its head tag. */
  loopIds: Map<string, string>;
  /** Every segment tag that may occur anywhere in the set. */
  segmentTags: Set<string>;
  /** The version of the guide the outline was read from (`004010`, `D96A`). */
  guideVersion: string;
  /** Highest element position a segment tag has in the guide's version dictionary. */
  elementCount: (tag: string) => number | undefined;
  /** Implied decimal places of an element by its guide type (X12 N2 → 2); 0 when none or unknown. */
  impliedDecimals: (ref: ElementRef) => number;
  /** What the guide says about an element (component). */
  elementInfo: (ref: ElementRef) => ElementInfo | undefined;
  /** The simple elements of a segment with their positions, for hints; empty for a tag outside the set. */
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

/** The outline of one compiled guide: its loops, segment tags and element facts. */
function outlineOf(guide: CompiledGuide): SetOutline {
  const loopIds = new Map<string, string>();
  const segmentTags = new Set<string>();
  // The first place a tag occurs in the set gives its element facts (a tag has one layout per version).
  const segmentByTag = new Map<string, CompiledSegment>();
  const toOutline = (loop: CompiledLoop, id: string): LoopOutline => {
    const out: LoopOutline = { id, head: loop.entries[0]?.tag ?? '', segments: new Set(), loops: [], entries: [] };
    for (const e of loop.entries) {
      if (e.loop) {
        const child = toOutline(e.loop, e.loop.id);
        loopIds.set(child.id, child.head);
        out.loops.push(child);
        out.entries.push({ tag: child.head, loop: child });
        continue;
      }
      out.entries.push({ tag: e.tag });
      out.segments.add(e.tag);
      segmentTags.add(e.tag);
      if (e.segment && !segmentByTag.has(e.tag)) segmentByTag.set(e.tag, e.segment);
    }
    return out;
  };
  const root = toOutline(guide.root, guide.id);
  const segments = guide.dictionary.segments as Record<string, { elements: unknown[] } | undefined>;
  const resolve = (ref: ElementRef): CompiledElement | undefined => {
    const el = segmentByTag.get(ref.tag)?.elements[ref.element - 1];
    return ref.component !== undefined && el?.composite ? el.composite.components[ref.component - 1] : el;
  };
  const info = (el: CompiledElement | undefined): ElementInfo | undefined => {
    if (!el || el.composite) return undefined;
    const out: ElementInfo = { name: el.name, type: el.type };
    if (el.codes) out.codes = el.codes;
    return out;
  };
  return {
    root,
    loopIds,
    segmentTags,
    guideVersion: guide.version,
    elementCount: (tag) => segments[tag]?.elements.length,
    impliedDecimals: (ref) => resolve(ref)?.decimals ?? 0,
    elementInfo: (ref) => info(resolve(ref)),
    elementsOf: (tag) =>
      (segmentByTag.get(tag)?.elements ?? []).flatMap((el, i) => {
        const e = info(el);
        return e ? [{ ...e, ref: `${tag}${String(i + 1).padStart(2, '0')}` }] : [];
      }),
  };
}

/** A version label as a key that sorts in release order: X12 `004010` as is; EDIFACT `D96A` → `1996A`, `D01B` → `2001B`. */
function releaseKey(standard: 'x12' | 'edifact', version: string): string {
  if (standard === 'x12') return version;
  const m = /^[DS](\d\d)([A-Z])$/.exec(version);
  return m ? `${Number(m[1]) >= 88 ? '19' : '20'}${m[1]}${m[2]}` : version;
}

/**
 * The guide of the same set in the version nearest to `version`: the newest
 * one not after it, else the oldest one after it.
 */
function nearestGuide(standard: 'x12' | 'edifact', version: string, setId: string): CompiledGuide | undefined {
  const wanted = releaseKey(standard, guideVersion(standard, version));
  const versions = listGuides()
    .filter((g) => g.standard === standard && g.id === setId)
    .map((g) => ({ version: g.version, key: releaseKey(standard, g.version) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const pick = versions.filter((v) => v.key <= wanted).at(-1) ?? versions[0];
  return pick === undefined ? undefined : findGuide(standard, pick.version, setId);
}

const outlines = new WeakMap<CompiledGuide, SetOutline>();
/** Declared versions without a guide of their own → the guide used instead (bounded: versions come from partner data). */
const nearest = new Map<string, CompiledGuide | null>();

/**
 * The outline of a set, read from the syntax core's guide for `version`
 * (a map's version, or the set's declared one: `004010VICS`, `D96A`). When
 * edigate has no guide for that version, the guide of the same set in the
 * nearest version is used and `guideVersion` says which; undefined when
 * there is no guide for the set at all.
 */
export function setOutline(standard: 'x12' | 'edifact', setId: string, version: string): SetOutline | undefined {
  let guide = findGuide(standard, version, setId);
  if (!guide) {
    const key = `${standard}|${version}|${setId}`;
    let found = nearest.get(key);
    if (found === undefined) {
      found = nearestGuide(standard, version, setId) ?? null;
      if (nearest.size < 1000) nearest.set(key, found);
    }
    guide = found ?? undefined;
  }
  if (!guide) return undefined;
  let o = outlines.get(guide);
  if (!o) {
    o = outlineOf(guide);
    outlines.set(guide, o);
  }
  return o;
}

interface Open {
  outline: LoopOutline;
  node: { kind: 'loop'; id: string; children: TreeNode[] };
  /** Index in `outline.entries` of the last entry a segment took. */
  pos: number;
}

/**
 * Arranges a set's flat segments into loops by its outline — the fallback
 * when the syntax core gave no tree — placing them the way the core's guide
 * validator does: from the innermost open loop outwards, a segment takes the
 * first entry with its tag at or after the loop's current entry (a loop
 * entry by its first segment, which opens the loop); a loop's own first
 * segment starts a new instance, which the enclosing loop decides. A segment
 * no open loop takes stays in the innermost one. HL loops are nested by
 * HL01/HL02.
 */
export function arrangeByOutline(
  segments: readonly Segment[],
  outline: SetOutline,
): { root: LoopNode; hierarchyRoots: LoopNode[] } {
  const root = { kind: 'loop' as const, id: outline.root.id, children: [] as TreeNode[] };
  const stack: Open[] = [{ outline: outline.root, node: root, pos: 0 }];
  segments.forEach((segment, index) => {
    const position = index + 1;
    const leaf: TreeNode = { kind: 'segment', segment, position };
    for (let d = stack.length - 1; d >= 0; d--) {
      const open = stack[d]!;
      const entries = open.outline.entries;
      let k = Math.max(open.pos, d === 0 ? 0 : 1);
      while (k < entries.length && entries[k]!.tag !== segment.tag) k++;
      if (k === entries.length) continue;
      stack.length = d + 1;
      open.pos = k;
      const loop = entries[k]!.loop;
      if (loop) {
        const node = { kind: 'loop' as const, id: loop.id, children: [leaf] };
        open.node.children.push(node);
        stack.push({ outline: loop, node, pos: 0 });
      } else open.node.children.push(leaf);
      return;
    }
    stack[stack.length - 1]!.node.children.push(leaf);
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
