import type { Composite, ElementValue, Repeated, Segment } from './types.js';

/** True when the value is a composite. */
export function isComposite(value: ElementValue | undefined): value is Composite {
  return typeof value === 'object' && 'components' in value;
}

/** True when the value is repeated. */
export function isRepeated(value: ElementValue | undefined): value is Repeated {
  return typeof value === 'object' && 'repeats' in value;
}

/** The repetitions of a value (a non-repeated value is one repetition; '' for an absent one gives none). */
export function repetitionsOf(value: ElementValue | undefined): (string | Composite)[] {
  if (value === undefined || value === '') return [];
  if (isRepeated(value)) return [...value.repeats];
  return [value];
}

/**
 * Component `n` (1-based) of the first repetition. A simple value is its own
 * component 1. Returns '' when absent.
 */
export function componentOf(value: ElementValue | undefined, n = 1): string {
  if (value === undefined) return '';
  const first = isRepeated(value) ? value.repeats[0] : value;
  if (first === undefined) return '';
  if (typeof first === 'string') return n === 1 ? first : '';
  return first.components[n - 1] ?? '';
}

/** Element `n` (1-based, as in N101) of a segment, component 1 of the first repetition; '' when absent. */
export function elementText(segment: Segment, n: number, component = 1): string {
  return componentOf(segment.elements[n - 1], component);
}

/**
 * The segment as a plain object (own `tag`, `elements`, `offset`, `length`).
 * Segments read by the parser split their elements on first read and expose
 * `elements` as a getter; use this where a plain value is needed (structural
 * equality in tests, spreading, structured cloning).
 */
export function plainSegment(segment: Segment): Segment {
  return { tag: segment.tag, elements: segment.elements, offset: segment.offset, length: segment.length };
}
