/**
 * The addressing language of map files (docs/maps.md "Addressing"):
 *
 *   BEG03                       element 03 of the BEG segment in scope
 *   N1[N101=BY].N104            N104 of the N1 whose N101 is BY
 *   REF[REF01=DP|IA].REF02      one of several qualifier values
 *   PO1/PID[PID01=F].PID05      a loop step, then a segment inside it
 *   SLN05-01   C040 as SLN05-1  component 1 of composite element 05
 *   REF02#2                     second repetition
 *   HL[O]                       HL children of the current HL at level O (856)
 *   SG2[NAD01=BY].NAD02-1       EDIFACT: groups by SGn, elements by position
 *
 * The same syntax serves X12 and EDIFACT: a segment tag, a two-digit element
 * position, `-n` for a component, `#n` for a repetition.
 */
import type { ElementValue, LoopNode, Segment, SetTree, TreeNode } from '@edigate/edi';
import { isComposite, isRepeated, repetitionsOf } from '@edigate/edi';

/** An element reference: `N104`, `SLN05-1`, `REF02#2`. */
export interface ElementRef {
  tag: string;
  /** 1-based element position. */
  element: number;
  /** 1-based component, when addressed. */
  component?: number;
  /** 1-based repetition, when addressed. */
  repetition?: number;
  text: string;
}

/** A filter on a step: `[N101=BY|ST]`, `[REF02]` (present), `[N101!=ZZ]`, or an HL level `[O]`. */
export type Qualifier =
  | { kind: 'element'; ref: ElementRef; op: '=' | '!=' | 'present'; values: string[] }
  | { kind: 'level'; levels: string[] };

/** One step of a path: a loop, a segment group or a segment, with its filters. */
export interface Step {
  name: string;
  qualifiers: Qualifier[];
}

/** A parsed path: steps, and the element addressed at the end (absent for loop paths). */
export interface Path {
  text: string;
  steps: Step[];
  element?: ElementRef;
}

const ELEMENT = /^([A-Z][A-Z0-9]{1,2})(\d{2})(?:-(\d{1,2}))?(?:#(\d{1,2}))?$/;
const NAME = /^[A-Z][A-Z0-9]{1,3}$/;

/** Parses `N104`, `SLN05-01`, `REF02#2`; undefined when the text is not an element reference. */
export function parseElementRef(text: string): ElementRef | undefined {
  if (/^SG\d+$/.test(text)) return undefined;
  const m = ELEMENT.exec(text);
  if (!m) return undefined;
  const ref: ElementRef = { tag: m[1]!, element: Number(m[2]), text };
  if (m[3] !== undefined) ref.component = Number(m[3]);
  if (m[4] !== undefined) ref.repetition = Number(m[4]);
  if (ref.element === 0 || ref.component === 0 || ref.repetition === 0) return undefined;
  return ref;
}

/** What went wrong parsing a path, with the character offset in the path text. */
export interface PathError {
  message: string;
  offset: number;
  hint: string;
}

function parseQualifier(body: string, offset: number): Qualifier | PathError {
  const m = /^([A-Z0-9#-]+)\s*(!=|=)\s*(.+)$/.exec(body);
  if (m) {
    const ref = parseElementRef(m[1]!);
    if (!ref)
      return {
        message: `'${m[1]}' is not an element reference`,
        offset,
        hint: 'write the element with its segment tag, e.g. N101=BY',
      };
    const values = m[3]!.split('|').map((v) => v.trim());
    if (values.some((v) => v === '' || /[=![\]]/.test(v))) {
      return {
        message: `'[${body}]' has an empty or malformed value`,
        offset,
        hint: 'one = and codes separated by |, e.g. [N101=BY|ST]',
      };
    }
    return { kind: 'element', ref, op: m[2] === '=' ? '=' : '!=', values };
  }
  const present = parseElementRef(body.trim());
  if (present) return { kind: 'element', ref: present, op: 'present', values: [] };
  if (/^[A-Z0-9]{1,2}(\|[A-Z0-9]{1,2})*$/.test(body.trim())) return { kind: 'level', levels: body.trim().split('|') };
  return {
    message: `'[${body}]' is not a qualifier`,
    offset,
    hint: 'use [N101=BY], [N101=BY|ST], [REF02] or an HL level like [O]',
  };
}

/** Parses a path; an error names the offset in `text` and how to write it instead. */
export function parsePath(text: string): Path | PathError {
  const parts = text.split('/');
  const steps: Step[] = [];
  let element: ElementRef | undefined;
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!.trim();
    const last = i === parts.length - 1;
    const shorthand = parseElementRef(part);
    if (shorthand && !last) {
      return {
        message: `an element (${part}) may only end a path`,
        offset,
        hint: 'steps before the element are loops or segments: PO1/PID[PID01=F].PID05',
      };
    }
    if (shorthand && last) {
      // `BEG03` is `BEG.BEG03`.
      steps.push({ name: shorthand.tag, qualifiers: [] });
      element = shorthand;
      break;
    }
    const m = /^([A-Z][A-Z0-9]*)((?:\[[^\]]*\])*)(?:\.([A-Z0-9#-]+))?$/.exec(part);
    if (!m) {
      return {
        message: `'${part}' is not a path step`,
        offset,
        hint: 'steps look like N1, N1[N101=BY], PO1, HL[O], SG2; the element comes last, e.g. N1[N101=BY].N104',
      };
    }
    const [, name, quals, elem] = m as unknown as [string, string, string, string | undefined];
    const qualifiers: Qualifier[] = [];
    for (const q of quals.matchAll(/\[([^\]]*)\]/g)) {
      const parsed = parseQualifier(q[1]!, offset + name.length + (q.index ?? 0));
      if ('message' in parsed) return parsed;
      qualifiers.push(parsed);
    }
    if (elem !== undefined) {
      if (!last)
        return {
          message: `an element (.${elem}) may only end a path`,
          offset,
          hint: 'put the element after the last step',
        };
      const ref = parseElementRef(elem);
      if (!ref)
        return {
          message: `'${elem}' is not an element reference`,
          offset: offset + name.length + quals.length + 1,
          hint: 'elements are the segment tag plus a two-digit position: N104, PO102, NAD02-1, REF02#2',
        };
      if (ref.tag !== name && !/^SG\d+$/.test(name)) {
        return {
          message: `element ${elem} does not belong to segment ${name}`,
          offset,
          hint: `write ${name}[…].${name}${elem.slice(ref.tag.length)}`,
        };
      }
      steps.push({ name, qualifiers });
      element = ref;
    } else {
      if (!NAME.test(name))
        return {
          message: `'${name}' is not a segment tag or loop name`,
          offset,
          hint: 'segment tags are 2–3 letters/digits (N1, PO1, NAD); groups are SGn',
        };
      steps.push({ name, qualifiers });
    }
    offset += parts[i]!.length + 1;
  }
  const path: Path = { text, steps };
  if (element) path.element = element;
  return path;
}

/** Reads element `ref` from a segment: the component, the repetition; '' when absent. */
export function readElement(segment: Segment, ref: ElementRef): string {
  const value: ElementValue | undefined = segment.elements[ref.element - 1];
  if (value === undefined || value === '') return '';
  const reps = isRepeated(value) ? repetitionsOf(value) : [value];
  const rep = reps[(ref.repetition ?? 1) - 1];
  if (rep === undefined) return '';
  if (isComposite(rep)) return rep.components[(ref.component ?? 1) - 1] ?? '';
  return (ref.component ?? 1) === 1 ? rep : '';
}

/** All repetitions of element `ref` (component applied), for repeated elements. */
export function readRepetitions(segment: Segment, ref: ElementRef): string[] {
  return repetitionsOf(segment.elements[ref.element - 1]).map((rep) =>
    typeof rep === 'string'
      ? (ref.component ?? 1) === 1
        ? rep
        : ''
      : (rep.components[(ref.component ?? 1) - 1] ?? ''),
  );
}

/**
 * A place a rule reads from: a loop (its children), or one segment treated
 * as a scope of its own (rules mapping each REF, each QTY, …). `position` is
 * the first segment's position in the set (ST = 1).
 */
export interface Scope {
  node: LoopNode;
  tree: SetTree;
  position: number;
  /** 1-based place of this scope among the matches of its `each` (JSONata `$index`). */
  index?: number;
}

function headOf(node: TreeNode): { segment: Segment; position: number } | undefined {
  if (node.kind === 'segment') return node;
  const first = node.children[0];
  return first?.kind === 'segment' ? first : undefined;
}

function passes(segment: Segment, qualifiers: Qualifier[], node?: LoopNode): boolean {
  for (const q of qualifiers) {
    if (q.kind === 'level') {
      if (!node?.hierarchy || !q.levels.includes(node.hierarchy.levelCode)) return false;
      continue;
    }
    if (q.ref.tag !== segment.tag) return false;
    const v = readElement(segment, q.ref);
    if (q.op === 'present' && v === '') return false;
    if (q.op === '=' && !q.values.includes(v)) return false;
    if (q.op === '!=' && q.values.includes(v)) return false;
  }
  return true;
}

/** Wraps one segment as a scope. */
function segmentScope(segment: Segment, position: number, tree: SetTree): Scope {
  return {
    node: { kind: 'loop', id: segment.tag, children: [{ kind: 'segment', segment, position }] },
    tree,
    position,
  };
}

/**
 * The scopes one step selects below `scope`: loops whose id or head tag is
 * the step name (HL steps follow the hierarchy), or bare segments with that
 * tag, each filtered by the step's qualifiers.
 */
export function selectStep(scope: Scope, step: Step): Scope[] {
  const out: Scope[] = [];
  if (step.name === 'HL' && step.qualifiers.some((q) => q.kind === 'level')) {
    const candidates = scope.node.hierarchy
      ? scope.node.hierarchy.children
      : scope.node === scope.tree.root
        ? scope.tree.hierarchyRoots
        : [];
    for (const l of candidates) {
      const head = headOf(l);
      if (head && passes(head.segment, step.qualifiers, l))
        out.push({ node: l, tree: scope.tree, position: head.position });
    }
    return out;
  }
  for (const child of scope.node.children) {
    const head = headOf(child);
    if (!head) continue;
    if (child.kind === 'loop') {
      if ((child.id === step.name || head.segment.tag === step.name) && passes(head.segment, step.qualifiers, child)) {
        out.push({ node: child, tree: scope.tree, position: head.position });
      }
    } else if (child.segment.tag === step.name && passes(child.segment, step.qualifiers)) {
      out.push(segmentScope(child.segment, child.position, scope.tree));
    }
  }
  return out;
}

/** The head segments of the children of `scope` that one (non-HL-level) step matches, in source order. */
export function* headsIn(scope: Scope, step: Step): Generator<{ segment: Segment; position: number }> {
  for (const child of scope.node.children) {
    const head = headOf(child);
    if (!head) continue;
    const named =
      child.kind === 'loop' ? child.id === step.name || head.segment.tag === step.name : head.segment.tag === step.name;
    if (named && passes(head.segment, step.qualifiers, child.kind === 'loop' ? child : undefined)) yield head;
  }
}

/** Every scope a path's steps select, in source order. */
export function selectAll(scope: Scope, steps: readonly Step[]): Scope[] {
  let current = [scope];
  for (const step of steps) current = current.flatMap((s) => selectStep(s, step));
  return current;
}

/** The first value a path reads in a scope, with the position of its segment; undefined when not present. */
export function readPath(scope: Scope, path: Path): { value: string; position: number; segment: Segment } | undefined {
  if (!path.element) return undefined;
  const only = path.steps.length === 1 ? path.steps[0]! : undefined;
  if (only && !only.qualifiers.some((q) => q.kind === 'level')) {
    // The common case — one step in the current scope — without building scopes.
    for (const child of scope.node.children) {
      const head = child.kind === 'segment' ? child : child.children[0];
      if (head?.kind !== 'segment') continue;
      const tag = head.segment.tag;
      if (tag !== only.name && (child.kind === 'segment' || child.id !== only.name)) continue;
      if (!passes(head.segment, only.qualifiers, child.kind === 'loop' ? child : undefined)) continue;
      const value = readElement(head.segment, path.element);
      if (value !== '') return { value, position: head.position, segment: head.segment };
    }
    return undefined;
  }
  for (const s of selectAll(scope, path.steps)) {
    const head = headOf(s.node);
    if (!head) continue;
    const value = readElement(head.segment, path.element);
    if (value !== '') return { value, position: head.position, segment: head.segment };
  }
  return undefined;
}

/** The head segment of a scope (the segment itself, or the loop's first segment). */
export function scopeHead(scope: Scope): Segment | undefined {
  return headOf(scope.node)?.segment;
}
