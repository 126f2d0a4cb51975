/**
 * Guide validation: segment order, loops and their repeats, mandatory
 * segments, element syntax, X12 HL hierarchy; and, in the same pass, the
 * placement of every segment in its loop instance, from which the loop tree
 * (what maps address by name) is built when it is first read.
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
  Repeated,
  Segment,
  SetTree,
  Standard,
  TransactionSet,
} from '../types.js';
import { keptSegments, type KeptSegments, type SegmentText } from '../envelope.js';
import { elementValue } from '../reader.js';
import { componentOf, elementText } from '../values.js';
import { checkText, checkValue, isValidEdifactDateTime, type ValueCheckOptions } from './check.js';
import {
  compiledSegment,
  loopBySlot,
  MASK_POSITIONS,
  type CompiledElement,
  type CompiledGuide,
  type CompiledLoop,
  type CompiledNote,
  type CompiledSegment,
} from './compile.js';
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
  /** The set arranged in loops, built on first read; absent when no guide supports the set. */
  readonly tree?: SetTree;
  /** Whether a guide for the set id and version exists. */
  supported: boolean;
}

interface Frame {
  readonly loop: CompiledLoop;
  /** The loop instance this frame fills (index into the set's instance table; 0 is the set itself). */
  inst: number;
  /** Index of the entry last used; -1 before the first. */
  pos: number;
  /** Uses per entry (segments) or instances (loops). */
  counts: number[];
  /** True for the set itself: its segments are in no loop (AK303 empty). */
  isRoot: boolean;
}

/** Where in a segment an element finding sits, and the value at fault. */
interface IssueWhere {
  element: number;
  component?: number;
  repetition?: number;
  /** Data element reference number; '' when the position has no definition. */
  ref: string;
  value?: string;
}

const wellFormedTag = /^[A-Z][A-Z0-9]{1,2}$/;

class SetValidator {
  readonly issues: EdiIssue[] = [];
  private readonly x12: boolean;
  private readonly v4010: boolean;
  private readonly options: ValueCheckOptions;

  constructor(
    private readonly guide: CompiledGuide,
    private readonly context: SetContext,
  ) {
    this.x12 = guide.standard === 'x12';
    this.v4010 = guide.version === '004010';
    this.options = { decimalMark: context.decimalMark ?? '.' };
  }

  private base(
    position: number,
    tag: string,
    loopId: string | undefined,
    offset: number | undefined,
  ): Partial<EdiIssue> {
    const issue: Partial<EdiIssue> = { segmentPosition: position, segmentTag: tag };
    if (this.context.interchangeIndex !== undefined) issue.interchangeIndex = this.context.interchangeIndex;
    if (this.context.groupIndex !== undefined) issue.groupIndex = this.context.groupIndex;
    if (this.context.setIndex !== undefined) issue.setIndex = this.context.setIndex;
    if (loopId !== undefined) issue.loopId = loopId;
    if (offset !== undefined) issue.offset = offset;
    return issue;
  }

  segmentIssue(
    problem: SegmentProblem,
    at: { position: number; tag: string; loopId?: string; offset?: number },
    detail: string,
  ): void {
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

  /** Tag and offset of the segment whose elements are being checked (fields, not an object per segment). */
  private tag = '';
  private offset = 0;
  private position = 0;
  private loopId: string | undefined;
  /** The segment's object, or undefined when it is read from its text ({@link text}). */
  private segment: Segment | undefined;
  /** Where the segment sits in the source when it has no object (filled by {@link KeptSegments.text}). */
  readonly text: SegmentText = {
    text: '',
    start: 0,
    end: -1,
    delimiters: { element: '', component: '', repetition: '' },
  };

  /** Elements of the segment text {@link checkSegmentText} scanned last (their bounds are in {@link bounds}). */
  private textCount = 0;

  /** The segment to check next: its object, or (undefined) the text `kept` is at. */
  moveTo(segment: Segment | undefined, kept: KeptSegments | undefined): void {
    this.segment = segment;
    if (segment !== undefined) {
      this.tag = segment.tag;
      this.offset = segment.offset;
    } else {
      this.tag = kept!.tag;
      this.offset = kept!.offset;
      kept!.text(this.text);
    }
  }

  /** Check the segment of {@link moveTo} against its definition. */
  check(definition: CompiledSegment, position: number, loopId: string | undefined): void {
    if (this.segment !== undefined) this.checkSegment(this.segment, definition, position, loopId);
    else this.checkSegmentText(definition, position, loopId);
  }

  elementIssue(problem: ElementProblem, where: IssueWhere): void {
    const p = elementProblems[problem];
    const tag = this.tag;
    const issue: EdiIssue = {
      ...this.base(this.position, tag, this.loopId, this.offset),
      code: problem,
      severity: 'error',
      level: 'element',
      element: where.element,
      message: `${tag}${String(where.element).padStart(2, '0')}${where.component === undefined ? '' : `-${where.component}`}${where.ref === '' ? '' : ` (${where.ref})`} at position ${this.position}: ${p.text}`,
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
    this.segment = segment;
    this.tag = segment.tag;
    this.offset = segment.offset;
    this.position = position;
    this.loopId = loopId;
    const values = segment.elements;
    const defs = definition.elements;
    let n = defs.length;
    if (values.length > n) {
      // Positions past the definition matter only up to the last non-empty value.
      let last = values.length;
      while (last > n) {
        const v = values[last - 1];
        if (typeof v === 'string' ? v !== '' : !isEmpty(v)) break;
        last--;
      }
      n = last;
    }
    // Bit i set when element i+1 is present (positions up to MASK_POSITIONS), for the syntax notes.
    let present = 0;
    for (let i = 0; i < n; i++) {
      const def = defs[i];
      const value = values[i];
      if (def === undefined) {
        if (!isEmpty(value)) {
          this.elementIssue('ELEMENT_TOO_MANY', { element: i + 1, ref: '', value: componentOf(value) });
          if (i < MASK_POSITIONS) present |= 1 << i;
        }
        continue;
      }
      if (value === undefined || value === '') {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element: i + 1, ref: def.ref });
        continue;
      }
      if (typeof value === 'string') {
        if (def.composite === undefined) {
          const problem = checkValue(value, def, this.options);
          if (problem !== undefined) this.elementIssue(problem, { element: i + 1, ref: def.ref, value });
        } else this.checkOne(value, def, i + 1, 0);
      } else if (isEmpty(value)) {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element: i + 1, ref: def.ref });
        continue;
      } else this.checkElement(value, def, i + 1);
      if (i < MASK_POSITIONS) present |= 1 << i;
    }
    if (definition.syntax.length > 0) this.checkSyntax(definition.syntax, present, values, defs, 0);
  }

  /**
   * {@link checkSegment} of a segment read from its text: simple values are
   * checked where they sit; only composites and repetitions (and values a
   * code list, a date or a finding needs) are cut out of the text.
   */
  private checkSegmentText(definition: CompiledSegment, position: number, loopId: string | undefined): void {
    this.position = position;
    this.loopId = loopId;
    const t = this.text;
    const count = scanElements(t);
    this.textCount = count;
    const b = bounds;
    const text = t.text;
    const defs = definition.elements;
    let n = defs.length;
    if (count > n) {
      // Positions past the definition matter only up to the last non-empty value.
      let last = count;
      while (last > n && emptyAt(t, last - 1)) last--;
      n = last;
    }
    // Bit i set when element i+1 is present (positions up to MASK_POSITIONS), for the syntax notes.
    let present = 0;
    for (let i = 0; i < n; i++) {
      const def = defs[i];
      if (def === undefined) {
        if (!emptyAt(t, i)) {
          this.elementIssue('ELEMENT_TOO_MANY', { element: i + 1, ref: '', value: componentOf(valueAt(t, i)) });
          if (i < MASK_POSITIONS) present |= 1 << i;
        }
        continue;
      }
      const from = i < count ? b[3 * i]! : 0;
      const to = i < count ? b[3 * i + 1]! : 0;
      if (from === to) {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element: i + 1, ref: def.ref });
        continue;
      }
      const separators = b[3 * i + 2]!;
      if (separators === 0 && def.composite === undefined) {
        const problem = checkText(text, from, to, def, this.options);
        if (problem !== undefined) {
          this.elementIssue(problem, { element: i + 1, ref: def.ref, value: text.slice(from, to) });
        }
      } else if (separators === 0) this.checkCompositeValue(text, from, to, def, i + 1);
      else if (separators === HAS_COMPONENT && def.composite !== undefined) {
        if (!this.checkCompositeText(text, from, to, def, i + 1)) {
          if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element: i + 1, ref: def.ref });
          continue;
        }
      } else {
        const value = valueAt(t, i);
        if (typeof value === 'string') {
          // Not reached: a value with a component or repetition separator is split.
          this.checkOne(value, def, i + 1, 0);
        } else if (isEmpty(value)) {
          if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element: i + 1, ref: def.ref });
          continue;
        } else this.checkElement(value, def, i + 1);
      }
      if (i < MASK_POSITIONS) present |= 1 << i;
    }
    if (definition.syntax.length > 0) this.checkSyntax(definition.syntax, present, undefined, defs, 0);
  }

  /** {@link checkOne} of a composite sent as one value (`text.slice(from, to)`, not empty, no separators): its first component. */
  private checkCompositeValue(text: string, from: number, to: number, def: CompiledElement, element: number): void {
    const defs = def.composite!.components;
    const cdef = defs[0];
    if (cdef !== undefined) {
      const problem = checkText(text, from, to, cdef, this.options);
      if (problem !== undefined) {
        this.elementIssue(problem, { element, component: 1, ref: cdef.ref, value: text.slice(from, to) });
      }
    }
    for (let k = 1; k < defs.length; k++) {
      if (defs[k]!.req === 'M') {
        this.elementIssue('ELEMENT_MANDATORY_MISSING', { element, component: k + 1, ref: defs[k]!.ref });
      }
    }
  }

  /**
   * {@link checkOne} of a composite (`text.slice(from, to)`, with component
   * separators and no repetition separator), its components checked where
   * they sit. Returns false, reporting nothing, when every component is empty.
   */
  private checkCompositeText(text: string, from: number, to: number, def: CompiledElement, element: number): boolean {
    const separator = this.text.delimiters.component.charCodeAt(0);
    let c = componentBounds;
    let n = 0;
    let start = from;
    let last = 0;
    for (let p = from; p <= to; p++) {
      if (p < to && text.charCodeAt(p) !== separator) continue;
      if (2 * n + 2 > c.length) c = growComponentBounds();
      c[2 * n] = start;
      c[2 * n + 1] = p;
      n++;
      if (p > start) last = n;
      start = p + 1;
    }
    if (last === 0) return false;
    const composite = def.composite!;
    const defs = composite.components;
    if (last > defs.length) {
      this.elementIssue('ELEMENT_TOO_MANY_COMPONENTS', { element, component: defs.length + 1, ref: def.ref });
      last = defs.length;
    }
    let present = 0;
    for (let k = 0; k < defs.length; k++) {
      const a = k < last ? c[2 * k]! : 0;
      const b = k < last ? c[2 * k + 1]! : 0;
      if (a === b) {
        if (defs[k]!.req === 'M') {
          this.elementIssue('ELEMENT_MANDATORY_MISSING', { element, component: k + 1, ref: defs[k]!.ref });
        }
        continue;
      }
      if (k < MASK_POSITIONS) present |= 1 << k;
      const cdef = defs[k]!;
      const problem = checkText(text, a, b, cdef, this.options);
      if (problem !== undefined) {
        this.elementIssue(problem, { element, component: k + 1, ref: cdef.ref, value: text.slice(a, b) });
        continue;
      }
      if (cdef.dateFormatFrom !== undefined) {
        const f = cdef.dateFormatFrom - 1;
        const format = f < n ? text.slice(c[2 * f], c[2 * f + 1]) : '';
        const value = text.slice(a, b);
        if (format !== '' && !isValidEdifactDateTime(value, format)) {
          this.elementIssue('ELEMENT_INVALID_DATE', { element, component: k + 1, ref: cdef.ref, value });
        }
      }
    }
    if (composite.syntax.length > 0 && !notesHold(composite.syntax, present)) {
      // A note that does not hold is checked position by position, on the split components.
      this.checkSyntax(
        composite.syntax,
        present,
        text.slice(from, to).split(this.text.delimiters.component),
        defs,
        element,
      );
    }
    return true;
  }

  private checkElement(value: Composite | Repeated, def: CompiledElement, element: number): void {
    if ('repeats' in value) {
      const repeats = value.repeats;
      for (let r = 0; r < repeats.length; r++) {
        const rep = repeats[r];
        if (rep === undefined || rep === '') continue;
        if (r >= def.repeat) {
          this.elementIssue('ELEMENT_TOO_MANY_REPETITIONS', { element, repetition: r + 1, ref: def.ref });
          return;
        }
        this.checkOne(rep, def, element, repeats.length > 1 ? r + 1 : 0);
      }
      return;
    }
    this.checkOne(value, def, element, 0);
  }

  /** Check one value (one repetition) of an element position; `repetition` 0 when not repeated. */
  private checkOne(value: string | Composite, def: CompiledElement, element: number, repetition: number): void {
    const composite = def.composite;
    if (composite === undefined) {
      let simple: string;
      if (typeof value === 'string') simple = value;
      else {
        for (let k = 1; k < value.components.length; k++) {
          if (value.components[k] !== '') {
            this.elementIssue(
              'ELEMENT_TOO_MANY_COMPONENTS',
              withRepetition({ element, component: k + 1, ref: def.ref }, repetition),
            );
            return;
          }
        }
        simple = value.components[0] ?? '';
      }
      if (simple === '') {
        if (def.req === 'M') this.elementIssue('ELEMENT_MANDATORY_MISSING', { element, ref: def.ref });
        return;
      }
      const problem = checkValue(simple, def, this.options);
      if (problem !== undefined)
        this.elementIssue(problem, withRepetition({ element, ref: def.ref, value: simple }, repetition));
      return;
    }
    const defs = composite.components;
    if (typeof value === 'string') {
      // A composite sent as one value: its first component.
      this.checkComponent(value, defs, 0, element, repetition);
      for (let k = 1; k < defs.length; k++) {
        if (defs[k]!.req === 'M')
          this.elementIssue(
            'ELEMENT_MANDATORY_MISSING',
            withRepetition({ element, component: k + 1, ref: defs[k]!.ref }, repetition),
          );
      }
      return;
    }
    const components = value.components;
    let last = components.length;
    while (last > 0 && components[last - 1] === '') last--;
    if (last > defs.length) {
      this.elementIssue(
        'ELEMENT_TOO_MANY_COMPONENTS',
        withRepetition({ element, component: defs.length + 1, ref: def.ref }, repetition),
      );
      last = defs.length;
    }
    let present = 0;
    for (let k = 0; k < defs.length; k++) {
      const c = k < last ? components[k]! : '';
      if (c === '') {
        if (defs[k]!.req === 'M')
          this.elementIssue(
            'ELEMENT_MANDATORY_MISSING',
            withRepetition({ element, component: k + 1, ref: defs[k]!.ref }, repetition),
          );
        continue;
      }
      if (k < MASK_POSITIONS) present |= 1 << k;
      const cdef = defs[k]!;
      const problem = checkValue(c, cdef, this.options);
      if (problem !== undefined) {
        this.elementIssue(problem, withRepetition({ element, component: k + 1, ref: cdef.ref, value: c }, repetition));
        continue;
      }
      if (cdef.dateFormatFrom !== undefined) {
        const format = components[cdef.dateFormatFrom - 1] ?? '';
        if (format !== '' && !isValidEdifactDateTime(c, format)) {
          this.elementIssue(
            'ELEMENT_INVALID_DATE',
            withRepetition({ element, component: k + 1, ref: cdef.ref, value: c }, repetition),
          );
        }
      }
    }
    if (composite.syntax.length > 0) this.checkSyntax(composite.syntax, present, components, defs, element);
  }

  /** Check component `k` (0-based) of a composite given as a plain value. */
  private checkComponent(
    c: string,
    defs: readonly CompiledElement[],
    k: number,
    element: number,
    repetition: number,
  ): void {
    const cdef = defs[k];
    if (cdef === undefined || c === '') return;
    const problem = checkValue(c, cdef, this.options);
    if (problem !== undefined)
      this.elementIssue(problem, withRepetition({ element, component: k + 1, ref: cdef.ref, value: c }, repetition));
  }

  /**
   * X12.6 relational conditions (syntax notes) over element positions (or,
   * with `compositeElement` > 0, component positions of that element).
   * `present` has bit k-1 set when position k is present; a note whose mask
   * shows it holds is passed over, the rest are checked position by position.
   */
  private checkSyntax(
    notes: readonly CompiledNote[],
    present: number,
    values: readonly (ElementValue | undefined)[] | undefined,
    defs: readonly CompiledElement[],
    compositeElement: number,
  ): void {
    for (let i = 0; i < notes.length; i++) {
      const note = notes[i]!;
      if (!noteHolds(note, present)) this.checkNote(note, values, defs, compositeElement);
    }
  }

  /** One syntax note, position by position. */
  private checkNote(
    note: SyntaxNote,
    values: readonly (ElementValue | undefined)[] | undefined,
    defs: readonly CompiledElement[],
    compositeElement: number,
  ): void {
    const els = note.elements;
    const first = els[0]!;
    let presentCount = 0;
    for (let j = 0; j < els.length; j++) if (!this.emptyIn(values, els[j]!)) presentCount++;
    // Nothing present: only R can fail.
    if (presentCount === 0 && note.rule !== 'R') return;
    switch (note.rule) {
      case 'P':
        if (presentCount > 0 && presentCount < els.length) {
          for (const k of els)
            if (this.emptyIn(values, k)) this.syntaxIssue('ELEMENT_CONDITIONAL_MISSING', k, defs, compositeElement);
        }
        break;
      case 'R':
        if (presentCount === 0) this.syntaxIssue('ELEMENT_CONDITIONAL_MISSING', first, defs, compositeElement);
        break;
      case 'C':
        if (!this.emptyIn(values, first)) {
          for (let j = 1; j < els.length; j++)
            if (this.emptyIn(values, els[j]!))
              this.syntaxIssue('ELEMENT_CONDITIONAL_MISSING', els[j]!, defs, compositeElement);
        }
        break;
      case 'L':
        if (!this.emptyIn(values, first) && presentCount === 1)
          this.syntaxIssue('ELEMENT_CONDITIONAL_MISSING', els[1] ?? first, defs, compositeElement);
        break;
      case 'E':
        if (presentCount > 1) {
          let seen = 0;
          for (const k of els) {
            if (this.emptyIn(values, k)) continue;
            if (++seen === 2) this.syntaxIssue('ELEMENT_EXCLUSION_VIOLATED', k, defs, compositeElement);
          }
        }
        break;
    }
  }

  /** Whether position `k` (1-based) of `values` is empty; undefined `values`: of the segment text {@link checkSegmentText} scanned. */
  private emptyIn(values: readonly (ElementValue | undefined)[] | undefined, k: number): boolean {
    if (values !== undefined) return isEmpty(values[k - 1]);
    return k > this.textCount || emptyAt(this.text, k - 1);
  }

  private syntaxIssue(
    problem: ElementProblem,
    k: number,
    defs: readonly CompiledElement[],
    compositeElement: number,
  ): void {
    const ref = defs[k - 1]?.ref ?? '';
    if (compositeElement === 0) this.elementIssue(problem, { element: k, ref });
    else this.elementIssue(problem, { element: compositeElement, component: k, ref });
  }

  /** Position and byte offset of the segment being placed, for findings about segments that should have come before it. */
  at = { position: 0, offset: 0 };

  /** Report the mandatory entries of `frame` in [from, to) that never came. */
  reportMissing(frame: Frame, from: number, to: number): void {
    const next = frame.loop.nextMandatory;
    for (let k = next[from]!; k < to; k = next[k + 1]!) {
      const entry = frame.loop.entries[k];
      if (entry === undefined || frame.counts[k] !== 0) continue;
      const loopId = entry.loop !== undefined ? entry.loop.id : frame.isRoot ? undefined : frame.loop.id;
      this.segmentIssue(
        'SEGMENT_MANDATORY_MISSING',
        {
          position: this.at.position,
          tag: entry.tag,
          ...(loopId === undefined ? {} : { loopId }),
          offset: this.at.offset,
        },
        'expected before this position',
      );
    }
  }

  /**
   * HL loop instances seen, written to {@link scratch}.hl in source order,
   * three numbers each: the instance, the HL segment's index in the set, the
   * parent instance. Nested into the tree when it is built.
   */
  hlCount = 0;

  /** The set's segment count: HL01 values up to it are looked up by number (see {@link hlNumberKey}). */
  hlLimit = 0;
  /** This set's mark in {@link hlTable} (0 until the set's first HL). */
  private hlStamp = 0;
  /** The other HL01 values. */
  private hlById: Map<string, number> | undefined;
  private lastHlId = -1;

  /** Instance of the HL whose HL01 is `id`, or undefined. */
  private hlLookup(id: string, key: number): number | undefined {
    if (key >= 0) {
      return this.hlStamp !== 0 && hlTable.stamp[key] === this.hlStamp ? hlTable.inst[key] : undefined;
    }
    return this.hlById?.get(id);
  }

  /** HL: record links, check HL01/HL02 consistency (see docs/guides.md). */
  hierarchy(inst: number, index: number): void {
    const segment = this.segment;
    let id: string;
    let parentId: string;
    if (segment !== undefined) {
      id = componentOf(segment.elements[0]);
      parentId = componentOf(segment.elements[1]);
    } else {
      const count = scanElements(this.text);
      id = count > 0 ? componentOf(valueAt(this.text, 0)) : '';
      parentId = count > 1 ? componentOf(valueAt(this.text, 1)) : '';
    }
    this.position = index + 1;
    this.loopId = 'HL';
    const numeric = digitsValue(id);
    const key = hlNumberKey(id, numeric, this.hlLimit);
    const seen = id === '' ? undefined : this.hlLookup(id, key);
    if (id !== '') {
      if (seen !== undefined) this.elementIssue('HL_ID_DUPLICATE', { element: 1, ref: '628', value: id });
      else if (!Number.isNaN(numeric) && numeric <= this.lastHlId)
        this.elementIssue('HL_ID_NOT_INCREASING', { element: 1, ref: '628', value: id });
      if (!Number.isNaN(numeric)) this.lastHlId = Math.max(this.lastHlId, numeric);
    }
    let parentInst = HL_ROOT;
    if (parentId !== '') {
      const parent =
        parentId === id
          ? undefined
          : this.hlLookup(parentId, hlNumberKey(parentId, digitsValue(parentId), this.hlLimit));
      if (parent === undefined) {
        this.elementIssue('HL_PARENT_UNKNOWN', { element: 2, ref: '734', value: parentId });
        parentInst = HL_UNLINKED;
      } else parentInst = parent;
    }
    const at = 3 * this.hlCount++;
    scratch.hl[at] = inst;
    scratch.hl[at + 1] = index;
    scratch.hl[at + 2] = parentInst;
    if (id !== '' && seen === undefined) {
      if (key >= 0) {
        if (this.hlStamp === 0) this.hlStamp = hlTableFor(this.hlLimit);
        hlTable.stamp[key] = this.hlStamp;
        hlTable.inst[key] = inst;
      } else (this.hlById ??= new Map<string, number>()).set(id, inst);
    }
  }
}

/**
 * HL instances by HL01 number, shared by all sets (validation is synchronous,
 * one set at a time): an entry is the current set's when its stamp is the
 * set's, so no set allocates or clears a table.
 */
const hlTable = { stamp: new Int32Array(0), inst: new Int32Array(0), lastStamp: 0 };

/** A fresh stamp for a set whose HL01 numbers go up to `limit`, the table grown to hold them. */
function hlTableFor(limit: number): number {
  if (hlTable.stamp.length <= limit || hlTable.lastStamp === 0x7fffffff) {
    const size = Math.max(limit + 1, hlTable.stamp.length * 2, 1024);
    hlTable.stamp = new Int32Array(size);
    hlTable.inst = new Int32Array(size);
    hlTable.lastStamp = 0;
  }
  return ++hlTable.lastStamp;
}

/**
 * Index of an HL01/HL02 value in the by-number table: its value when it is a
 * decimal without leading zeros (so equal strings and equal numbers are the
 * same thing) not above `limit`; -1 otherwise.
 */
function hlNumberKey(text: string, numeric: number, limit: number): number {
  if (Number.isNaN(numeric) || numeric > limit || (text.length > 1 && text.charCodeAt(0) === 48)) return -1;
  return numeric;
}

/** The value of an all-digit string (HL01), NaN otherwise. */
function digitsValue(text: string): number {
  if (text === '' || text.length > 15) return NaN;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

/** Parent instance of an HL with an empty HL02. */
const HL_ROOT = -1;
/** Parent instance of an HL whose HL02 names no earlier HL01. */
const HL_UNLINKED = -2;

/**
 * What placement decided, kept compact (one integer per segment) so the
 * tree's objects are made only when someone reads `set.tree`.
 */
interface Placement {
  /** The set's segments as validation read them; undefined when it read them through {@link kept}. */
  segments: readonly Segment[] | undefined;
  kept: KeptSegments | undefined;
  count: number;
  setId: string;
  /** Loop instance of each segment, from index {@link instBase} (a shared chunk, see {@link INST_CHUNK}). */
  segmentInst: Int32Array;
  instBase: number;
  /**
   * From {@link linksBase}: the loop slot ({@link loopBySlot}) of each loop
   * instance, then the parent instance of each, then the HL records
   * ({@link SetValidator.hlCount}); instance 0 is the set.
   */
  links: Int32Array;
  linksBase: number;
  instCount: number;
  hlCount: number;
}

/** Build the loop tree from a placement: loop nodes in source order, HL loops also nested by HL02. */
function buildTree(p: Placement): SetTree {
  const { links, linksBase, instCount } = p;
  const parentBase = linksBase + instCount;
  const nodes: (LoopNode | undefined)[] = new Array<LoopNode | undefined>(instCount);
  const root: LoopNode = { kind: 'loop', id: p.setId, children: [] };
  nodes[0] = root;
  const segments = p.segments ?? p.kept!.segments();
  for (let i = 0; i < p.count; i++) {
    const inst = p.segmentInst[p.instBase + i]!;
    let node = nodes[inst];
    if (node === undefined) {
      node = { kind: 'loop', id: loopBySlot(links[linksBase + inst]!).id, children: [] };
      nodes[inst] = node;
      // A loop instance starts after its parent's first segment, so the parent node exists.
      nodes[links[parentBase + inst]!]!.children.push(node);
    }
    node.children.push({ kind: 'segment', segment: segments[i]!, position: i + 1 });
  }
  const hierarchyRoots: LoopNode[] = [];
  const hlBase = parentBase + instCount;
  for (let h = hlBase; h < hlBase + 3 * p.hlCount; h += 3) {
    const node = nodes[links[h]!]!;
    // Segments are immutable, so the HL's texts are read again rather than kept from validation.
    const segment = segments[links[h + 1]!]!;
    node.hierarchy = {
      id: elementText(segment, 1),
      parentId: elementText(segment, 2),
      levelCode: elementText(segment, 3),
      children: [],
    };
    const parentInst = links[h + 2]!;
    if (parentInst === HL_ROOT) hierarchyRoots.push(node);
    else if (parentInst >= 0) nodes[parentInst]!.hierarchy!.children.push(node);
  }
  return { root, hierarchyRoots };
}

/** Adds a repetition position (1-based) to an issue location when the element repeats. */
function withRepetition(where: IssueWhere, repetition: number): IssueWhere {
  if (repetition > 0) where.repetition = repetition;
  return where;
}

function allEmpty(components: readonly string[]): boolean {
  for (let i = 0; i < components.length; i++) if (components[i] !== '') return false;
  return true;
}

function isEmpty(value: ElementValue | undefined): boolean {
  if (value === undefined || value === '') return true;
  if (typeof value === 'string') return false;
  if ('components' in value) return allEmpty(value.components);
  for (const r of value.repeats) if (r !== '' && (typeof r === 'string' || !allEmpty(r.components))) return false;
  return true;
}

/** Whether a note's presence mask shows that it holds; false when it must be checked position by position. */
function noteHolds(note: CompiledNote, present: number): boolean {
  const mask = note.mask;
  if (mask === 0) return false;
  const m = present & mask;
  switch (note.rule) {
    case 'P':
      return m === 0 || m === mask;
    case 'R':
      return m !== 0;
    case 'C':
      return (m & note.firstBit) === 0 || m === mask;
    case 'L':
      return (m & note.firstBit) === 0 || (m & ~note.firstBit) !== 0;
    case 'E':
      return (m & (m - 1)) === 0;
    default:
      return true;
  }
}

/** Whether every note holds by its presence mask. */
function notesHold(notes: readonly CompiledNote[], present: number): boolean {
  for (let i = 0; i < notes.length; i++) if (!noteHolds(notes[i]!, present)) return false;
  return true;
}

/** Start and end of each component of the composite being checked from its text (see {@link bounds}). */
let componentBounds: Int32Array = new Int32Array(2 * 16);

function growComponentBounds(): Int32Array {
  const next = new Int32Array(2 * componentBounds.length);
  next.set(componentBounds);
  componentBounds = next;
  return next;
}

/** {@link bounds} flags: the element holds a component separator, a repetition separator. */
const HAS_COMPONENT = 1;
const HAS_REPETITION = 2;

/**
 * Element bounds of the segment text being checked, three numbers per
 * element: start, end, and which separators the element holds
 * ({@link HAS_COMPONENT}, {@link HAS_REPETITION}; 0 for a simple value). Validation is synchronous: one table serves.
 */
let bounds: Int32Array = new Int32Array(3 * 64);

/** Fills {@link bounds} for a segment's text; returns its element count (as splitting them would give). */
function scanElements(t: SegmentText): number {
  const { text, start, end } = t;
  if (start > end) return 0;
  const d = t.delimiters;
  const element = d.element.charCodeAt(0);
  // -1 (no such separator) matches no character.
  const component = d.component === '' ? -1 : d.component.charCodeAt(0);
  const repetition = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
  let b = bounds;
  let n = 0;
  let from = start;
  let mixed = 0;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === element) {
      if (3 * n + 6 > b.length) b = growBounds();
      b[3 * n] = from;
      b[3 * n + 1] = p;
      b[3 * n + 2] = mixed;
      n++;
      from = p + 1;
      mixed = 0;
    } else if (c === repetition) mixed |= HAS_REPETITION;
    // A character that is both separators splits repetitions (as the parse does).
    else if (c === component) mixed |= HAS_COMPONENT;
  }
  if (3 * n + 3 > b.length) b = growBounds();
  b[3 * n] = from;
  b[3 * n + 1] = end;
  b[3 * n + 2] = mixed;
  return n + 1;
}

function growBounds(): Int32Array {
  const next = new Int32Array(2 * bounds.length);
  next.set(bounds);
  bounds = next;
  return next;
}

/** Element `i` (below the count {@link scanElements} gave) of the scanned segment text, as splitting gives it. */
function valueAt(t: SegmentText, i: number): ElementValue {
  const from = bounds[3 * i]!;
  const to = bounds[3 * i + 1]!;
  const text = t.text.slice(from, to);
  return bounds[3 * i + 2] === 0 ? text : elementValue(text, t.delimiters);
}

/** Whether element `i` of the scanned segment text is empty (or only separators). */
function emptyAt(t: SegmentText, i: number): boolean {
  if (bounds[3 * i] === bounds[3 * i + 1]) return true;
  return bounds[3 * i + 2] !== 0 && isEmpty(valueAt(t, i));
}

/**
 * Frames are reused (one free list per loop definition): validation is
 * synchronous, so a frame released when its loop closes is free for the next
 * instance, and a 100 MB file does not allocate a counts array per loop.
 */
const framePool: (Frame[] | undefined)[] = [];

function acquireFrame(loop: CompiledLoop, inst: number, isRoot: boolean): Frame {
  const frame = framePool[loop.slot]?.pop();
  if (frame === undefined)
    return { loop, inst, pos: -1, counts: new Array<number>(loop.entries.length).fill(0), isRoot };
  // Its counts were cleared when it was released.
  frame.inst = inst;
  frame.pos = -1;
  frame.isRoot = isRoot;
  return frame;
}

function releaseFrame(frame: Frame): void {
  // Entries are used in ascending order, so no count past pos is set.
  const counts = frame.counts;
  for (let k = 0; k <= frame.pos; k++) counts[k] = 0;
  const free = framePool[frame.loop.slot];
  if (free === undefined) framePool[frame.loop.slot] = [frame];
  else if (free.length < 64) free.push(frame);
}

/** Whether a tag could have been placed earlier in one of the open loops (AK304 7 rather than 2). */
function seenEarlier(stack: readonly Frame[], tag: string): boolean {
  for (const frame of stack) {
    const list = frame.loop.byTag.get(tag);
    if (list !== undefined && list.some((k) => k < frame.pos || (k === frame.pos && !frame.isRoot && k === 0)))
      return true;
  }
  return false;
}

/**
 * Sets share chunks of this many loop-instance numbers: allocating a small
 * typed array per set costs far more than its bytes. A chunk lives while a
 * set placed in it waits for its tree to be read.
 */
const INST_CHUNK = 8192;
let instChunk = new Int32Array(0);
let instChunkUsed = 0;

/** Reserve `n` numbers in {@link instChunk} (a new chunk when the current one is full); returns where they start. */
function reserve(n: number): number {
  if (instChunkUsed + n > instChunk.length) {
    instChunk = new Int32Array(Math.max(INST_CHUNK, n));
    instChunkUsed = 0;
  }
  const base = instChunkUsed;
  instChunkUsed += n;
  return base;
}

/**
 * Per-instance links and HL records of the set being validated, copied into
 * a chunk when it is done (their counts are known only then). Validation is
 * synchronous, so one scratch serves every set.
 */
const scratch = { loop: new Int32Array(0), parent: new Int32Array(0), hl: new Int32Array(0) };

function growScratch(segments: number): void {
  // A loop instance starts at a segment, and an HL record is one segment: at most segments + 1 instances.
  if (scratch.loop.length > segments) return;
  const size = Math.max(segments + 1, 2 * scratch.loop.length, 1024);
  scratch.loop = new Int32Array(size);
  scratch.parent = new Int32Array(size);
  scratch.hl = new Int32Array(3 * size);
}

function run(
  guide: CompiledGuide,
  set: TransactionSet,
  context: SetContext,
): { issues: EdiIssue[]; placement: Placement } {
  const v = new SetValidator(guide, context);
  // A parsed set whose segments were not read yet is read where it is kept: no segment object is made or kept.
  const kept = keptSegments(set);
  const segments = kept === undefined ? set.segments : undefined;
  const count = kept === undefined ? segments!.length : kept.count;
  // HL01 numbers above this go to the map: the shared table stays small.
  v.hlLimit = Math.min(count, 65536);
  const instBase = reserve(count);
  const segmentInst = instChunk;
  growScratch(count);
  const instLoop = scratch.loop;
  const instParent = scratch.parent;
  instLoop[0] = -1;
  instParent[0] = 0;
  let instCount = 1;
  const stack: Frame[] = [acquireFrame(guide.root, 0, true)];
  const lastIndex = count - 1;
  for (let i = 0; i < count; i++) {
    const segment = kept === undefined ? segments![i]! : kept.move(i);
    const tag = segment === undefined ? kept!.tag : segment.tag;
    const offset = segment === undefined ? kept!.offset : segment.offset;
    const position = i + 1;
    v.at.position = position;
    v.at.offset = offset;
    let placed = false;
    // A tag the guide does not use cannot be placed (-1: no frame is searched).
    const tagNumber = guide.tagNumbers.get(tag);
    for (let d = tagNumber === undefined ? -1 : stack.length - 1; d >= 0; d--) {
      const frame = stack[d]!;
      const list = frame.loop.byTagNumber[tagNumber!];
      if (list === undefined) continue;
      let found = -1;
      for (let j = 0; j < list.length; j++) {
        const k = list[j]!;
        if (k < frame.pos) continue;
        // A loop's own first segment starts a new instance, which the enclosing loop decides.
        if (k === 0 && !frame.isRoot) continue;
        found = k;
        break;
      }
      if (found < 0) continue;
      while (stack.length - 1 > d) {
        const closed = stack.pop()!;
        v.reportMissing(closed, closed.pos + 1, closed.loop.entries.length);
        releaseFrame(closed);
      }
      v.reportMissing(frame, frame.pos + 1, found);
      frame.pos = found;
      const count = ++frame.counts[found]!;
      const entry = frame.loop.entries[found]!;
      const loopId = frame.isRoot ? undefined : frame.loop.id;
      v.moveTo(segment, kept);
      if (entry.loop !== undefined) {
        const inst = instCount++;
        instLoop[inst] = entry.loop.slot;
        instParent[inst] = frame.inst;
        segmentInst[instBase + i] = inst;
        const child = acquireFrame(entry.loop, inst, false);
        child.pos = 0;
        child.counts[0] = 1;
        stack.push(child);
        if (count > entry.max) {
          v.segmentIssue(
            'LOOP_OVER_MAXIMUM',
            { position, tag, loopId: entry.loop.id, offset },
            `loop ${entry.loop.id} allows ${entry.max}`,
          );
        }
        if (tag === 'HL' && guide.standard === 'x12') v.hierarchy(inst, i);
        if (i !== 0 && i !== lastIndex) v.check(entry.loop.entries[0]!.segment!, position, entry.loop.id);
      } else {
        segmentInst[instBase + i] = frame.inst;
        if (count > entry.max) {
          v.segmentIssue(
            'SEGMENT_OVER_MAXIMUM_USE',
            { position, tag, ...(loopId === undefined ? {} : { loopId }), offset },
            `maximum use ${entry.max}`,
          );
        }
        // The header and trailer (ST/SE, UNH/UNT) belong to the envelope checker.
        if (i !== 0 && i !== lastIndex) v.check(entry.segment!, position, loopId);
      }
      placed = true;
      break;
    }
    if (placed) continue;
    const top = stack[stack.length - 1]!;
    segmentInst[instBase + i] = top.inst;
    const loopId = top.isRoot ? undefined : top.loop.id;
    const at = { position, tag, ...(loopId === undefined ? {} : { loopId }), offset };
    if (!wellFormedTag.test(tag)) v.segmentIssue('SEGMENT_UNRECOGNIZED', at, '');
    else if (guide.tags.has(tag))
      v.segmentIssue(seenEarlier(stack, tag) ? 'SEGMENT_OUT_OF_SEQUENCE' : 'SEGMENT_UNEXPECTED', at, '');
    else if (guide.coverage === 'full') v.segmentIssue('SEGMENT_NOT_IN_SET', at, '');
    else
      v.segmentIssue(
        'SEGMENT_UNEXPECTED',
        at,
        compiledSegment(guide.dictionary, tag) === undefined ? 'not in the guide' : "not in this set's guide",
      );
  }
  v.at.position = count;
  if (count === 0) v.at.offset = set.offset;
  else if (kept === undefined) v.at.offset = segments![lastIndex]!.offset;
  else {
    kept.move(lastIndex);
    v.at.offset = kept.offset;
  }
  while (stack.length > 0) {
    const frame = stack.pop()!;
    // An incomplete set (no trailer) is the envelope checker's finding; what follows the cut is unknown.
    if (set.complete) v.reportMissing(frame, frame.pos + 1, frame.loop.entries.length);
    releaseFrame(frame);
  }
  const issues = v.issues;
  if (issues.length > 1) issues.sort((a, b) => (a.segmentPosition ?? 0) - (b.segmentPosition ?? 0));
  const hlCount = v.hlCount;
  const linksBase = reserve(2 * instCount + 3 * hlCount);
  const links = instChunk;
  // Copied by hand: a subarray view per copy would cost more than these few numbers.
  for (let k = 0; k < instCount; k++) {
    links[linksBase + k] = instLoop[k]!;
    links[linksBase + instCount + k] = instParent[k]!;
  }
  const hl = scratch.hl;
  const hlBase = linksBase + 2 * instCount;
  for (let k = 0; k < 3 * hlCount; k++) links[hlBase + k] = hl[k]!;
  return {
    issues,
    placement: { segments, kept, count, setId: set.id, segmentInst, instBase, links, linksBase, instCount, hlCount },
  };
}

function setIssue(
  problem: keyof typeof setProblems,
  set: TransactionSet,
  context: SetContext,
  detail: string,
): EdiIssue {
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
 * issue with AK502 5 when there are any, and the loop tree. The tree's
 * objects are made when `tree` is first read: validation alone keeps one
 * integer per segment, which matters for large files validated but not mapped.
 */
export function validateSet(set: TransactionSet, context: SetContext): SetValidation {
  const guide = findGuide(context.standard, set.version, set.id);
  if (guide === undefined) {
    return {
      issues: [
        setIssue('SET_NOT_SUPPORTED', set, context, `${set.id} version ${set.version === '' ? '(none)' : set.version}`),
      ],
      supported: false,
    };
  }
  const { issues, placement } = run(guide, set, context);
  if (issues.some((issue) => issue.severity === 'error'))
    issues.push(setIssue('SET_SEGMENTS_IN_ERROR', set, context, `${issues.length} finding(s)`));
  return new SupportedSet(issues, placement);
}

/** A supported set's result: the tree is built from the placement on first read. */
class SupportedSet implements SetValidation {
  readonly supported = true;
  #tree: SetTree | undefined;

  constructor(
    readonly issues: EdiIssue[],
    private readonly placement: Placement,
  ) {}

  get tree(): SetTree {
    return (this.#tree ??= buildTree(this.placement));
  }
}

/** Where a validated set keeps its result until `set.tree` is first read (not enumerable, not serialised). */
const pendingTree = Symbol('edigate.pendingTree');

type PendingSet = TransactionSet & { [pendingTree]?: SetValidation };

function settleTree(set: PendingSet, tree: SetTree | undefined): void {
  // Cleared, not deleted: deleting a property would slow every later access to the set.
  set[pendingTree] = undefined;
  Object.defineProperty(set, 'tree', { value: tree, writable: true, configurable: true, enumerable: true });
}

/**
 * One shared accessor for every validated set: `set.tree` builds the tree on
 * first read and becomes a plain data property (assignable like any other).
 */
const lazyTree: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: PendingSet): SetTree | undefined {
    const tree = this[pendingTree]?.tree;
    settleTree(this, tree);
    return tree;
  },
  set(this: PendingSet, tree: SetTree | undefined): void {
    settleTree(this, tree);
  },
};

function defineLazyTree(set: TransactionSet, result: SetValidation): void {
  Object.defineProperty(set, pendingTree, { value: result, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(set, 'tree', lazyTree);
}

/** Interchanges whose TA1 segments were checked, so a second call adds nothing. */
const ta1Checked = new WeakSet<Interchange>();

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
 * place: sets `set.supported` and `set.tree` (built on first read), and appends the findings to
 * `set.issues`. X12 TA1 segments among the interchange's service segments are
 * checked against the TA1 segment definition (findings on `interchange.issues`).
 * Idempotent: sets that already carry `supported` are left as they are.
 */
export function validateGuides(interchange: Interchange, options: ValidateGuidesOptions = {}): void {
  const standard = interchange.standard;
  const decimalMark = interchange.delimiters.decimal ?? '.';
  interchange.groups.forEach((group, groupIndex) => {
    group.sets.forEach((set, setIndex) => {
      // Validated before (supported is set either way): calling twice must not add the findings twice.
      if (set.supported !== undefined) return;
      const context: SetContext = { standard, decimalMark, groupIndex, setIndex };
      if (options.interchangeIndex !== undefined) context.interchangeIndex = options.interchangeIndex;
      const result = validateSet(set, context);
      set.supported = result.supported;
      if (result.supported) defineLazyTree(set, result);
      for (const issue of result.issues) set.issues.push(issue);
    });
  });
  if (standard !== 'x12') return;
  const ta1s = interchange.serviceSegments.filter((s) => s.tag === 'TA1');
  if (ta1s.length === 0 || ta1Checked.has(interchange)) return;
  ta1Checked.add(interchange);
  const dictionary = findDictionary('x12', ta1Version(interchange.version));
  const definition = dictionary === undefined ? undefined : compiledSegment(dictionary, 'TA1');
  if (definition === undefined) return;
  const pseudo = findGuide('x12', dictionary!.version, '997');
  if (pseudo === undefined) return;
  const v = new SetValidator(pseudo, {
    standard,
    ...(options.interchangeIndex === undefined ? {} : { interchangeIndex: options.interchangeIndex }),
  });
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
