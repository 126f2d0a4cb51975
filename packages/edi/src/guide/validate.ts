/**
 * Guide validation: segment order, loops and their repeats, mandatory
 * segments, element syntax, X12 HL hierarchy; and, in the same pass, the loop
 * tree maps address by name.
 *
 * Placement follows the usual reading of X12.6 / ISO 9735 segment tables: a
 * segment is matched first in the innermost open loop at or after the current
 * position, then in each enclosing loop (which closes the inner ones); a
 * loop's first segment starts a new instance of that loop. A segment that
 * matches nowhere is reported and kept in the tree where it stood, without
 * moving the position.
 */

import type {
  Composite,
  EdiIssue,
  ElementValue,
  Interchange,
  LoopNode,
  Segment,
  SegmentNode,
  SetTree,
  Standard,
  TransactionSet,
} from '../types.js';
import { componentOf, elementText } from '../values.js';
import { checkValue, isValidEdifactDateTime, type ValueCheckOptions } from './check.js';
import { compiledSegment, type CompiledElement, type CompiledGuide, type CompiledLoop, type CompiledSegment } from './compile.js';
import type { SyntaxNote } from './format.js';
import { elementProblems, segmentProblems, setProblems, type ElementProblem, type SegmentProblem } from './problems.js';
import { findGuide, findDictionary } from './registry.js';

/** Where a set sits and what the interchange says about its syntax. */
export interface SetContext {
  standard: Standard;
  /** EDIFACT decimal mark from UNA (`.` when absent). */
  decimalMark?: string;
  interchangeIndex?: number;
  groupIndex?: number;
  setIndex?: number;
}

/** The result of validating one set against its guide. */
export interface SetValidation {
  /** Findings at set, segment and element level, in segment order. */
  issues: EdiIssue[];
  /** The set arranged in loops; absent when no guide supports the set. */
  tree?: SetTree;
  /** Whether a guide for the set id and version exists. */
  supported: boolean;
}

interface Frame {
  loop: CompiledLoop;
  node: LoopNode;
  /** Index of the entry last used; -1 before the first. */
  pos: number;
  /** Uses per entry (segments) or instances (loops). */
  counts: number[];
  /** 0 for the set's root, otherwise the loop id (AK303). */
  isRoot: boolean;
}

const wellFormedTag = /^[A-Z][A-Z0-9]{1,2}$/;

class SetValidator {
  readonly issues: EdiIssue[] = [];
  private readonly x12: boolean;
  private readonly v4010: boolean;
  private readonly options: ValueCheckOptions;
  private readonly hlById = new Map<string, LoopNode>();
  private lastHlId = -1;
  readonly hierarchyRoots: LoopNode[] = [];

  constructor(
    private readonly guide: CompiledGuide,
    private readonly context: SetContext,
  ) {
    this.x12 = guide.standard === 'x12';
    this.v4010 = guide.version === '004010';
    this.options = { decimalMark: context.decimalMark ?? '.' };
  }

  private base(position: number, tag: string, loopId: string | undefined, offset: number | undefined): Partial<EdiIssue> {
    const issue: Partial<EdiIssue> = { segmentPosition: position, segmentTag: tag };
    if (this.context.interchangeIndex !== undefined) issue.interchangeIndex = this.context.interchangeIndex;
    if (this.context.groupIndex !== undefined) issue.groupIndex = this.context.groupIndex;
    if (this.context.setIndex !== undefined) issue.setIndex = this.context.setIndex;
    if (loopId !== undefined) issue.loopId = loopId;
    if (offset !== undefined) issue.offset = offset;
    return issue;
  }

  segmentIssue(problem: SegmentProblem, at: { position: number; tag: string; loopId?: string; offset?: number }, detail: string): void {
    const p = segmentProblems[problem];
    this.issues.push({
      ...this.base(at.position, at.tag, at.loopId, at.offset),
      code: problem,
      severity: 'error',
      level: 'segment',
      message: `${at.tag} at position ${at.position}: ${p.text}${detail === '' ? '' : ` (${detail})`}`,
      codes: this.x12 ? { ak304: p.ak304 } : { contrl: p.contrl },
    });
  }

  elementIssue(
    problem: ElementProblem,
    at: { segment: Segment; position: number; loopId: string | undefined },
    where: { element: number; component?: number; repetition?: number; ref: string; value?: string },
  ): void {
    const p = elementProblems[problem];
    const issue: EdiIssue = {
      ...this.base(at.position, at.segment.tag, at.loopId, at.segment.offset),
      code: problem,
      severity: 'error',
      level: 'element',
      element: where.element,
      message: `${at.segment.tag}${String(where.element).padStart(2, '0')}${where.component === undefined ? '' : `-${where.component}`} (${where.ref}) at position ${at.position}: ${p.text}`,
      codes: this.x12 ? { ak304: '8', ak403: this.v4010 ? p.ak403v4010 : p.ak403 } : { contrl: p.contrl },
    };
    if (where.ref !== '') issue.elementRef = where.ref;
    if (where.component !== undefined) issue.component = where.component;
    if (where.repetition !== undefined) issue.repetition = where.repetition;
    if (where.value !== undefined) issue.value = where.value.length > 80 ? where.value.slice(0, 80) : where.value;
    this.issues.push(issue);
  }

  /** Check a placed segment's elements against its definition. */
  checkSegment(segment: Segment, definition: CompiledSegment, position: number, loopId: string | undefined): void {
    const values = segment.elements;
    const defs = definition.elements;
    const at = { segment, position, loopId };
    let last = values.length;
    while (last > 0 && isEmpty(values[last - 1])) last--;
    const n = Math.max(last, defs.length);
    for (let i = 0; i < n; i++) {
      const def = defs[i];
      const value = values[i];
      if (def === undefined) {
        if (!isEmpty(value)) this.elementIssue('ELEMENT_TOO_MANY', at, { element: i + 1, ref: '', value: componentOf(value) });
        continue;
      }
      if (value === undefined || isEmpty(value)) {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', at, { element: i + 1, ref: def.ref });
        continue;
      }
      this.checkElement(value, def, at, i + 1);
    }
    if (definition.syntax.length > 0) this.checkSyntax(definition.syntax, (k) => !isEmpty(values[k - 1]), at, defs, undefined);
  }

  private checkElement(value: ElementValue, def: CompiledElement, at: { segment: Segment; position: number; loopId: string | undefined }, element: number): void {
    if (typeof value === 'string') {
      this.checkOne(value, def, at, element, undefined);
      return;
    }
    if ('repeats' in value) {
      const repeats = value.repeats;
      for (let r = 0; r < repeats.length; r++) {
        const rep = repeats[r];
        if (rep === undefined || rep === '') continue;
        if (r >= def.repeat) {
          this.elementIssue('ELEMENT_TOO_MANY_REPETITIONS', at, { element, repetition: r + 1, ref: def.ref });
          return;
        }
        this.checkOne(rep, def, at, element, repeats.length > 1 ? r + 1 : undefined);
      }
      return;
    }
    this.checkOne(value, def, at, element, undefined);
  }

  private checkOne(
    value: string | Composite,
    def: CompiledElement,
    at: { segment: Segment; position: number; loopId: string | undefined },
    element: number,
    repetition: number | undefined,
  ): void {
    const composite = def.composite;
    if (composite === undefined) {
      let simple: string;
      if (typeof value === 'string') simple = value;
      else {
        for (let k = 1; k < value.components.length; k++) {
          if (value.components[k] !== '') {
            this.elementIssue('ELEMENT_TOO_MANY_COMPONENTS', at, { element, component: k + 1, ref: def.ref, ...(repetition === undefined ? {} : { repetition }) });
            return;
          }
        }
        simple = value.components[0] ?? '';
      }
      if (simple === '') {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', at, { element, ref: def.ref });
        return;
      }
      const problem = checkValue(simple, def, this.options);
      if (problem !== undefined) this.elementIssue(problem, at, { element, ref: def.ref, value: simple, ...(repetition === undefined ? {} : { repetition }) });
      return;
    }
    const components = typeof value === 'string' ? [value] : value.components;
    const defs = composite.components;
    let last = components.length;
    while (last > 0 && components[last - 1] === '') last--;
    for (let k = 0; k < Math.max(last, defs.length); k++) {
      const cdef = defs[k];
      const c = components[k] ?? '';
      const where = { element, component: k + 1, ref: cdef?.ref ?? def.ref, ...(repetition === undefined ? {} : { repetition }) };
      if (cdef === undefined) {
        if (c !== '') {
          this.elementIssue('ELEMENT_TOO_MANY_COMPONENTS', at, where);
          return;
        }
        continue;
      }
      if (c === '') {
        if (cdef.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', at, where);
        continue;
      }
      const problem = checkValue(c, cdef, this.options);
      if (problem !== undefined) {
        this.elementIssue(problem, at, { ...where, value: c });
        continue;
      }
      if (cdef.dateFormatFrom !== undefined) {
        const format = components[cdef.dateFormatFrom - 1] ?? '';
        if (format !== '' && !isValidEdifactDateTime(c, format)) this.elementIssue('ELEMENT_INVALID_DATE', at, { ...where, value: c });
      }
    }
    if (composite.syntax.length > 0) {
      this.checkSyntax(composite.syntax, (k) => (components[k - 1] ?? '') !== '', at, defs, element);
    }
  }

  /** X12.6 relational conditions (syntax notes) over element or component positions. */
  private checkSyntax(
    notes: readonly SyntaxNote[],
    present: (position: number) => boolean,
    at: { segment: Segment; position: number; loopId: string | undefined },
    defs: readonly CompiledElement[],
    compositeElement: number | undefined,
  ): void {
    const report = (problem: ElementProblem, k: number): void => {
      const ref = defs[k - 1]?.ref ?? '';
      if (compositeElement === undefined) this.elementIssue(problem, at, { element: k, ref });
      else this.elementIssue(problem, at, { element: compositeElement, component: k, ref });
    };
    for (const note of notes) {
      const els = note.elements;
      const first = els[0] ?? 0;
      switch (note.rule) {
        case 'P': {
          const any = els.some(present);
          if (any) for (const k of els) if (!present(k)) report('ELEMENT_CONDITIONAL_MISSING', k);
          break;
        }
        case 'R':
          if (!els.some(present)) report('ELEMENT_CONDITIONAL_MISSING', first);
          break;
        case 'C':
          if (present(first)) for (const k of els.slice(1)) if (!present(k)) report('ELEMENT_CONDITIONAL_MISSING', k);
          break;
        case 'L':
          if (present(first) && !els.slice(1).some(present)) report('ELEMENT_CONDITIONAL_MISSING', els[1] ?? first);
          break;
        case 'E': {
          let seen = 0;
          for (const k of els) {
            if (!present(k)) continue;
            seen++;
            if (seen === 2) report('ELEMENT_EXCLUSION_VIOLATED', k);
          }
          break;
        }
      }
    }
  }

  /** HL: record links, nest by HL02, check HL01/HL02 consistency (see docs/guides.md). */
  hierarchy(node: LoopNode, segment: Segment, position: number): void {
    const id = elementText(segment, 1);
    const parentId = elementText(segment, 2);
    node.hierarchy = { id, parentId, levelCode: elementText(segment, 3), children: [] };
    const at = { segment, position, loopId: 'HL' };
    const numeric = /^\d+$/.test(id) ? Number(id) : NaN;
    if (id !== '') {
      if (this.hlById.has(id)) this.elementIssue('HL_ID_DUPLICATE', at, { element: 1, ref: '628', value: id });
      else if (!Number.isNaN(numeric) && numeric <= this.lastHlId) this.elementIssue('HL_ID_NOT_INCREASING', at, { element: 1, ref: '628', value: id });
      if (!Number.isNaN(numeric)) this.lastHlId = Math.max(this.lastHlId, numeric);
    }
    if (parentId === '') this.hierarchyRoots.push(node);
    else {
      const parent = parentId === id ? undefined : this.hlById.get(parentId);
      if (parent?.hierarchy === undefined) this.elementIssue('HL_PARENT_UNKNOWN', at, { element: 2, ref: '734', value: parentId });
      else parent.hierarchy.children.push(node);
    }
    if (id !== '' && !this.hlById.has(id)) this.hlById.set(id, node);
  }
}

function isEmpty(value: ElementValue | undefined): boolean {
  if (value === undefined || value === '') return true;
  if (typeof value === 'string') return false;
  if ('components' in value) return value.components.every((c) => c === '');
  return value.repeats.every((r) => r === '' || (typeof r !== 'string' && r.components.every((c) => c === '')));
}

/** Close a loop instance: report its mandatory entries after the current position that never came. */
function reportMissing(v: SetValidator, frame: Frame, from: number, to: number, at: { position: number; offset: number }): void {
  for (let k = from; k < to; k++) {
    const entry = frame.loop.entries[k];
    if (entry === undefined || entry.req !== 'M' || frame.counts[k] !== 0) continue;
    const loopId = entry.loop !== undefined ? entry.loop.id : frame.isRoot ? undefined : frame.loop.id;
    v.segmentIssue('SEGMENT_MANDATORY_MISSING', { position: at.position, tag: entry.tag, ...(loopId === undefined ? {} : { loopId }), offset: at.offset }, `expected before this position`);
  }
}

function newFrame(loop: CompiledLoop, node: LoopNode, isRoot: boolean): Frame {
  return { loop, node, pos: -1, counts: new Array<number>(loop.entries.length).fill(0), isRoot };
}

/** Whether a tag could have been placed earlier in one of the open loops (AK304 7 rather than 2). */
function seenEarlier(stack: readonly Frame[], tag: string): boolean {
  for (const frame of stack) {
    const list = frame.loop.byTag.get(tag);
    if (list !== undefined && list.some((k) => k < frame.pos || (k === frame.pos && !frame.isRoot && k === 0))) return true;
  }
  return false;
}

function run(guide: CompiledGuide, set: TransactionSet, context: SetContext): { issues: EdiIssue[]; tree: SetTree } {
  const v = new SetValidator(guide, context);
  const root: LoopNode = { kind: 'loop', id: set.id, children: [] };
  const stack: Frame[] = [newFrame(guide.root, root, true)];
  const segments = set.segments;
  const lastIndex = segments.length - 1;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const tag = segment.tag;
    const position = i + 1;
    const segmentNode: SegmentNode = { kind: 'segment', segment, position };
    let placed = false;
    for (let d = stack.length - 1; d >= 0; d--) {
      const frame = stack[d]!;
      const list = frame.loop.byTag.get(tag);
      if (list === undefined) continue;
      let found = -1;
      for (const k of list) {
        if (k < frame.pos) continue;
        // A loop's own first segment starts a new instance, which the enclosing loop decides.
        if (k === 0 && !frame.isRoot) continue;
        found = k;
        break;
      }
      if (found < 0) continue;
      while (stack.length - 1 > d) {
        const closed = stack.pop()!;
        reportMissing(v, closed, closed.pos + 1, closed.loop.entries.length, { position, offset: segment.offset });
      }
      reportMissing(v, frame, frame.pos + 1, found, { position, offset: segment.offset });
      frame.pos = found;
      const count = ++frame.counts[found]!;
      const entry = frame.loop.entries[found]!;
      const loopId = frame.isRoot ? undefined : frame.loop.id;
      if (entry.loop !== undefined) {
        const node: LoopNode = { kind: 'loop', id: entry.loop.id, children: [segmentNode] };
        frame.node.children.push(node);
        const child = newFrame(entry.loop, node, false);
        child.pos = 0;
        child.counts[0] = 1;
        stack.push(child);
        if (count > entry.max) {
          v.segmentIssue('LOOP_OVER_MAXIMUM', { position, tag, loopId: entry.loop.id, offset: segment.offset }, `loop ${entry.loop.id} allows ${entry.max}`);
        }
        if (tag === 'HL' && guide.standard === 'x12') v.hierarchy(node, segment, position);
        if (i !== 0 && i !== lastIndex) v.checkSegment(segment, entry.loop.entries[0]!.segment!, position, entry.loop.id);
      } else {
        frame.node.children.push(segmentNode);
        if (count > entry.max) {
          v.segmentIssue('SEGMENT_OVER_MAXIMUM_USE', { position, tag, ...(loopId === undefined ? {} : { loopId }), offset: segment.offset }, `maximum use ${entry.max}`);
        }
        // The header and trailer (ST/SE, UNH/UNT) belong to the envelope checker.
        if (i !== 0 && i !== lastIndex) v.checkSegment(segment, entry.segment!, position, loopId);
      }
      placed = true;
      break;
    }
    if (placed) continue;
    const top = stack[stack.length - 1]!;
    top.node.children.push(segmentNode);
    const loopId = top.isRoot ? undefined : top.loop.id;
    const at = { position, tag, ...(loopId === undefined ? {} : { loopId }), offset: segment.offset };
    if (!wellFormedTag.test(tag)) v.segmentIssue('SEGMENT_UNRECOGNIZED', at, '');
    else if (guide.tags.has(tag)) v.segmentIssue(seenEarlier(stack, tag) ? 'SEGMENT_OUT_OF_SEQUENCE' : 'SEGMENT_UNEXPECTED', at, '');
    else if (guide.coverage === 'full') v.segmentIssue('SEGMENT_NOT_IN_SET', at, '');
    else v.segmentIssue('SEGMENT_UNEXPECTED', at, compiledSegment(guide.dictionary, tag) === undefined ? 'not in the guide' : 'not in this set\'s guide');
  }
  if (set.complete) {
    const end = segments[lastIndex];
    const at = { position: segments.length, offset: end?.offset ?? set.offset };
    while (stack.length > 0) {
      const frame = stack.pop()!;
      reportMissing(v, frame, frame.pos + 1, frame.loop.entries.length, at);
    }
  }
  const issues = v.issues;
  if (issues.length > 1) issues.sort((a, b) => (a.segmentPosition ?? 0) - (b.segmentPosition ?? 0));
  return { issues, tree: { root, hierarchyRoots: v.hierarchyRoots } };
}

function setIssue(problem: keyof typeof setProblems, set: TransactionSet, context: SetContext, detail: string): EdiIssue {
  const p = setProblems[problem];
  const issue: EdiIssue = {
    code: problem,
    severity: 'error',
    level: 'set',
    message: `${set.id} ${set.controlNumber}: ${p.text}${detail === '' ? '' : ` (${detail})`}`,
    // CONTRL has no 0085 code for these; the message-level action (UCM 0083) carries them.
    codes: context.standard === 'x12' ? { ak502: p.ak502 } : {},
    offset: set.offset,
  };
  if (context.interchangeIndex !== undefined) issue.interchangeIndex = context.interchangeIndex;
  if (context.groupIndex !== undefined) issue.groupIndex = context.groupIndex;
  if (context.setIndex !== undefined) issue.setIndex = context.setIndex;
  return issue;
}

/**
 * Validate one transaction set (message) against the guide for its set id and
 * version. Pure: the set is not changed (see {@link validateGuides} for the
 * in-place form). An unknown set id or version gives `supported: false` and
 * one set-level issue (AK502 1); otherwise segment and element issues, a set
 * issue with AK502 5 when there are any, and the loop tree.
 */
export function validateSet(set: TransactionSet, context: SetContext): SetValidation {
  const guide = findGuide(context.standard, set.version, set.id);
  if (guide === undefined) {
    return { issues: [setIssue('SET_NOT_SUPPORTED', set, context, `${set.id} version ${set.version === '' ? '(none)' : set.version}`)], supported: false };
  }
  const { issues, tree } = run(guide, set, context);
  if (issues.some((issue) => issue.severity === 'error')) issues.push(setIssue('SET_SEGMENTS_IN_ERROR', set, context, `${issues.length} finding(s)`));
  return { issues, tree, supported: true };
}

/** The dictionary version TA1 segments of an interchange are checked with. */
function ta1Version(isa12: string): string {
  return isa12 >= '00501' ? '005010' : '004010';
}

/** Options of {@link validateGuides}. */
export interface ValidateGuidesOptions {
  /** Index of the interchange in its file, copied into issue locations. */
  interchangeIndex?: number;
}

/**
 * Validate every transaction set of an interchange against its guide, in
 * place: sets `set.supported` and `set.tree`, and appends the findings to
 * `set.issues`. X12 TA1 segments among the interchange's service segments are
 * checked against the TA1 segment definition (findings on `interchange.issues`).
 */
export function validateGuides(interchange: Interchange, options: ValidateGuidesOptions = {}): void {
  const standard = interchange.standard;
  const decimalMark = interchange.delimiters.decimal ?? '.';
  interchange.groups.forEach((group, groupIndex) => {
    group.sets.forEach((set, setIndex) => {
      const context: SetContext = { standard, decimalMark, groupIndex, setIndex };
      if (options.interchangeIndex !== undefined) context.interchangeIndex = options.interchangeIndex;
      const result = validateSet(set, context);
      set.supported = result.supported;
      if (result.tree !== undefined) set.tree = result.tree;
      for (const issue of result.issues) set.issues.push(issue);
    });
  });
  if (standard !== 'x12') return;
  const ta1s = interchange.serviceSegments.filter((s) => s.tag === 'TA1');
  if (ta1s.length === 0) return;
  const dictionary = findDictionary('x12', ta1Version(interchange.version));
  const definition = dictionary === undefined ? undefined : compiledSegment(dictionary, 'TA1');
  if (definition === undefined) return;
  const pseudo = findGuide('x12', dictionary!.version, '997');
  if (pseudo === undefined) return;
  const v = new SetValidator(pseudo, { standard, ...(options.interchangeIndex === undefined ? {} : { interchangeIndex: options.interchangeIndex }) });
  ta1s.forEach((segment, k) => v.checkSegment(segment, definition, k + 1, undefined));
  for (const issue of v.issues) {
    // A TA1 is not inside a set: its findings have no set position and no 997 codes.
    delete issue.segmentPosition;
    issue.level = 'segment';
    issue.code = `TA1_${issue.code}`;
    issue.codes = {};
    interchange.issues.push(issue);
  }
}
