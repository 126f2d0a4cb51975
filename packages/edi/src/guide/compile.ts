/**
 * Guides precompiled into lookup tables, once per guide: every segment
 * resolves its elements and composites up front, every loop knows by tag
 * which of its entries a segment can start, so validating a segment costs a
 * map lookup and no allocation beyond the tree.
 */

import type { Standard } from '../types.js';
import type {
  CompositeDefinition,
  Coverage,
  ElementType,
  ElementUse,
  Requirement,
  SegmentDictionary,
  SetGuideFile,
  StructureEntry,
  SyntaxNote,
} from './format.js';

/** Type classes, so the checker switches on a small integer. */
export const TypeClass = {
  Text: 0,
  Id: 1,
  Numeric: 2,
  Real: 3,
  Date: 4,
  Time: 5,
  Binary: 6,
  Alpha: 7,
  EdifactNumeric: 8,
} as const;
export type TypeClass = (typeof TypeClass)[keyof typeof TypeClass];

/** An element (or component) position, resolved. */
export interface CompiledElement {
  ref: string;
  name: string;
  req: Requirement;
  repeat: number;
  type: ElementType;
  typeClass: TypeClass;
  /** Implied decimals of Nn types; 0 otherwise. */
  decimals: number;
  min: number;
  max: number;
  /** Codes to check against, only when that list is complete. */
  codes?: ReadonlySet<string>;
  /** {@link codes} by their {@link codeKey} (the codes short enough to have one), set with `codes`. */
  codeKeys?: ReadonlySet<number>;
  dateFormatFrom?: number;
  /** Set when the position holds a composite. */
  composite?: CompiledComposite;
}

/**
 * A syntax note with its positions as a bit mask (bit k-1 for position k),
 * so that a segment's notes are decided from one presence mask.
 */
export interface CompiledNote extends SyntaxNote {
  /** Bits of the note's positions; 0 when a position is beyond {@link MASK_POSITIONS} or repeats (checked position by position). */
  mask: number;
  /** Bit of the note's first position. */
  firstBit: number;
}

/** Positions 1..30 fit a presence mask: small integers, clear of the sign bit. */
export const MASK_POSITIONS = 30;

export interface CompiledComposite {
  ref: string;
  name: string;
  components: CompiledElement[];
  syntax: readonly CompiledNote[];
}

export interface CompiledSegment {
  tag: string;
  name: string;
  elements: CompiledElement[];
  syntax: readonly CompiledNote[];
}

/** One entry of a loop: a segment position or a nested loop. */
export interface CompiledEntry {
  index: number;
  req: 'M' | 'O';
  max: number;
  /** The segment tag of a segment entry, the trigger tag of a loop entry. */
  tag: string;
  segment?: CompiledSegment;
  loop?: CompiledLoop;
}

export interface CompiledLoop {
  id: string;
  entries: CompiledEntry[];
  /** Tag → entry indices (ascending) that a segment with that tag can take. */
  byTag: ReadonlyMap<string, readonly number[]>;
  /** The same, indexed by the guide's tag number ({@link CompiledGuide.tagNumbers}): one map lookup per segment, not one per open loop. */
  byTagNumber: readonly (readonly number[] | undefined)[];
  /** A number unique to this loop in the process, to index per-loop scratch tables. */
  slot: number;
  /** At index k (0..entries.length): the first mandatory entry at or after k, entries.length when none. */
  nextMandatory: readonly number[];
}

/** Longest code {@link codeKey} packs (3 characters and the length stay a small integer). */
export const CODE_KEY_CHARS = 3;

/**
 * A code of up to {@link CODE_KEY_CHARS} characters below U+0100 as a small
 * integer (its characters and its length), so a value is looked up in a
 * code list without being cut out of the text; -1 for any other value.
 */
export function codeKey(text: string, from: number, to: number): number {
  const length = to - from;
  if (length > CODE_KEY_CHARS) return -1;
  let key = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return -1;
    key = key * 256 + c;
  }
  return key * 4 + length;
}

/** A guide ready to validate with. */
export interface CompiledGuide {
  standard: Standard;
  version: string;
  id: string;
  name: string;
  coverage: Coverage;
  root: CompiledLoop;
  /** Every tag the set's structure uses anywhere. */
  tags: ReadonlySet<string>;
  /** Each of {@link tags} numbered 0..n-1, for {@link CompiledLoop.byTagNumber}. */
  tagNumbers: ReadonlyMap<string, number>;
  /** Version dictionary lookup, for segments outside the set. */
  dictionary: ResolvedDictionary;
}

/** A version dictionary with `base` resolved. */
export interface ResolvedDictionary {
  standard: Standard;
  version: string;
  elements: SegmentDictionary['elements'];
  composites: SegmentDictionary['composites'];
  segments: SegmentDictionary['segments'];
  compiledSegments: Map<string, CompiledSegment>;
}

const typeClasses: Record<ElementType, TypeClass> = {
  AN: TypeClass.Text,
  ID: TypeClass.Id,
  R: TypeClass.Real,
  DT: TypeClass.Date,
  TM: TypeClass.Time,
  B: TypeClass.Binary,
  N0: TypeClass.Numeric,
  N1: TypeClass.Numeric,
  N2: TypeClass.Numeric,
  N3: TypeClass.Numeric,
  N4: TypeClass.Numeric,
  N5: TypeClass.Numeric,
  N6: TypeClass.Numeric,
  N7: TypeClass.Numeric,
  N8: TypeClass.Numeric,
  N9: TypeClass.Numeric,
  a: TypeClass.Alpha,
  an: TypeClass.Text,
  n: TypeClass.EdifactNumeric,
};

/** Merge a dictionary over its base (whole entries replaced by key). */
export function resolveDictionary(dictionary: SegmentDictionary, base?: ResolvedDictionary): ResolvedDictionary {
  return {
    standard: dictionary.standard,
    version: dictionary.version,
    elements: { ...base?.elements, ...dictionary.elements },
    composites: { ...base?.composites, ...dictionary.composites },
    segments: { ...base?.segments, ...dictionary.segments },
    compiledSegments: new Map(),
  };
}

function compileUse(use: ElementUse, dictionary: ResolvedDictionary, where: string): CompiledElement {
  const composite: CompositeDefinition | undefined = dictionary.composites[use.ref];
  if (composite !== undefined) {
    return {
      ref: use.ref,
      name: composite.name,
      req: use.req,
      repeat: use.repeat ?? 1,
      type: 'AN',
      typeClass: TypeClass.Text,
      decimals: 0,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      composite: {
        ref: use.ref,
        name: composite.name,
        components: composite.components.map((c) => compileUse(c, dictionary, `${where}/${use.ref}`)),
        syntax: compileNotes(composite.syntax),
      },
    };
  }
  const element = dictionary.elements[use.ref];
  if (element === undefined) {
    // A guide error, caught by the guide well-formedness test; never input-dependent.
    throw new Error(`guide ${dictionary.standard}/${dictionary.version}: ${where} uses undefined element ${use.ref}`);
  }
  const codes = use.codes ?? element.codes;
  const complete = use.codes !== undefined ? use.codesComplete === true : element.codesComplete === true;
  const compiled: CompiledElement = {
    ref: use.ref,
    name: element.name,
    req: use.req,
    repeat: use.repeat ?? 1,
    type: element.type,
    typeClass: typeClasses[element.type],
    decimals: element.type.length === 2 && element.type[0] === 'N' ? Number(element.type[1]) : 0,
    min: element.min,
    max: element.max,
  };
  if (complete && codes !== undefined) {
    compiled.codes = new Set(codes);
    compiled.codeKeys = new Set(codes.map((code) => codeKey(code, 0, code.length)).filter((key) => key >= 0));
  }
  if (use.dateFormatFrom !== undefined) compiled.dateFormatFrom = use.dateFormatFrom;
  return compiled;
}

function compileNotes(notes: readonly SyntaxNote[] | undefined): CompiledNote[] {
  return (notes ?? []).map((note) => {
    let mask = 0;
    for (const k of note.elements) {
      if (k < 1 || k > MASK_POSITIONS || (mask & (1 << (k - 1))) !== 0) {
        mask = 0;
        break;
      }
      mask |= 1 << (k - 1);
    }
    const first = note.elements[0] ?? 0;
    return { rule: note.rule, elements: note.elements, mask, firstBit: mask === 0 ? 0 : 1 << (first - 1) };
  });
}

/** The compiled definition of a segment tag in a dictionary, or undefined when the dictionary lacks it. */
export function compiledSegment(dictionary: ResolvedDictionary, tag: string): CompiledSegment | undefined {
  const cached = dictionary.compiledSegments.get(tag);
  if (cached !== undefined) return cached;
  const definition = dictionary.segments[tag];
  if (definition === undefined) return undefined;
  const compiled: CompiledSegment = {
    tag,
    name: definition.name,
    elements: definition.elements.map((use) => compileUse(use, dictionary, tag)),
    syntax: compileNotes(definition.syntax),
  };
  dictionary.compiledSegments.set(tag, compiled);
  return compiled;
}

function compileLoop(
  id: string,
  structure: readonly StructureEntry[],
  dictionary: ResolvedDictionary,
  tags: Set<string>,
): CompiledLoop {
  const entries: CompiledEntry[] = [];
  const byTag = new Map<string, number[]>();
  structure.forEach((entry, index) => {
    let compiled: CompiledEntry;
    if ('segment' in entry) {
      const segment = compiledSegment(dictionary, entry.segment);
      if (segment === undefined) {
        throw new Error(
          `guide ${dictionary.standard}/${dictionary.version}: loop ${id} uses undefined segment ${entry.segment}`,
        );
      }
      tags.add(entry.segment);
      compiled = { index, req: entry.req, max: entry.max, tag: entry.segment, segment };
    } else {
      const loop = compileLoop(entry.loop, entry.structure, dictionary, tags);
      const trigger = loop.entries[0];
      if (trigger === undefined || trigger.segment === undefined) {
        throw new Error(
          `guide ${dictionary.standard}/${dictionary.version}: loop ${entry.loop} must start with a segment`,
        );
      }
      compiled = { index, req: entry.req, max: entry.max, tag: trigger.tag, loop };
    }
    entries.push(compiled);
    const list = byTag.get(compiled.tag);
    if (list === undefined) byTag.set(compiled.tag, [index]);
    else list.push(index);
  });
  const nextMandatory = new Array<number>(entries.length + 1).fill(entries.length);
  for (let k = entries.length - 1; k >= 0; k--) nextMandatory[k] = entries[k]!.req === 'M' ? k : nextMandatory[k + 1]!;
  const loop: CompiledLoop = { id, entries, byTag, byTagNumber: [], slot: loopsBySlot.length, nextMandatory };
  loopsBySlot.push(loop);
  return loop;
}

/** Every compiled loop, at its slot (guides are compiled once and kept, so this only grows with them). */
const loopsBySlot: CompiledLoop[] = [];

/** The compiled loop with a given {@link CompiledLoop.slot}. */
export function loopBySlot(slot: number): CompiledLoop {
  return loopsBySlot[slot]!;
}

/** Fill `byTagNumber` of a loop and its nested loops. */
function numberTags(loop: CompiledLoop, tagNumbers: ReadonlyMap<string, number>): void {
  const byTagNumber = new Array<readonly number[] | undefined>(tagNumbers.size).fill(undefined);
  for (const [tag, list] of loop.byTag) byTagNumber[tagNumbers.get(tag)!] = list;
  loop.byTagNumber = byTagNumber;
  for (const entry of loop.entries) if (entry.loop !== undefined) numberTags(entry.loop, tagNumbers);
}

/** Compile a set guide against its (resolved) version dictionary. */
export function compileGuide(
  file: SetGuideFile,
  structure: readonly StructureEntry[],
  dictionary: ResolvedDictionary,
): CompiledGuide {
  const tags = new Set<string>();
  const root = compileLoop(file.id, structure, dictionary, tags);
  const tagNumbers = new Map<string, number>();
  for (const tag of tags) tagNumbers.set(tag, tagNumbers.size);
  numberTags(root, tagNumbers);
  return {
    standard: file.standard,
    version: file.version,
    id: file.id,
    name: file.name,
    coverage: file.coverage,
    root,
    tags,
    tagNumbers,
    dictionary,
  };
}
