import { Buffer } from 'node:buffer';
import { encodeText, type Encoding } from './charset.js';
import type { Delimiters, ElementValue, FunctionalGroup, Interchange, Segment, TransactionSet } from './types.js';
import { elementText } from './values.js';

/** Options of {@link serialize}. */
export interface SerializeOptions {
  /** Delimiters to write with instead of the interchange's own (ISA11/ISA16 and UNA follow them). */
  delimiters?: Partial<Delimiters>;
}

/** Thrown by the serializer when a value cannot be written (an X12 value holding a delimiter). */
export class EdiSerializeError extends Error {
  constructor(
    message: string,
    readonly segmentTag: string,
  ) {
    super(message);
    this.name = 'EdiSerializeError';
  }
}

const specialChars = /[\\^$.*+?()[\]{}|/-]/g;

interface Writer {
  d: Delimiters;
  suffix: string;
  escape: ((v: string) => string) | null;
  x12: boolean;
  out: string[];
}

function makeEscape(d: Delimiters, x12: boolean): ((v: string) => string) | null {
  const chars = [d.element, d.component, d.segment, d.repetition ?? '', d.release ?? ''].filter((c) => c !== '');
  const pattern = new RegExp(chars.map((c) => c.replace(specialChars, '\\$&')).join('|'), 'g');
  if (x12 || d.release === undefined || d.release === '') {
    return (v) => {
      pattern.lastIndex = 0;
      if (pattern.test(v)) throw new EdiSerializeError(`value holds a delimiter and X12 has no release character`, '');
      return v;
    };
  }
  const release = d.release;
  return (v) => {
    pattern.lastIndex = 0;
    return pattern.test(v) ? v.replace(pattern, (m) => release + m) : v;
  };
}

function writeValue(w: Writer, v: string | { components: readonly string[] }): string {
  const esc = w.escape!;
  if (typeof v === 'string') return esc(v);
  return v.components.map(esc).join(w.d.component);
}

function writeElement(w: Writer, e: ElementValue): string {
  if (typeof e === 'string') return w.escape!(e);
  if ('components' in e) return writeValue(w, e);
  return e.repeats.map((r) => writeValue(w, r)).join(w.d.repetition ?? '');
}

/** One segment as text (tag, elements, terminator), without line suffix. Values are escaped (EDIFACT) as needed. */
export function serializeSegment(
  segment: Segment,
  delimiters: Delimiters,
  standard: 'x12' | 'edifact' = 'x12',
): string {
  const w: Writer = {
    d: delimiters,
    suffix: '',
    escape: makeEscape(delimiters, standard === 'x12'),
    x12: standard === 'x12',
    out: [],
  };
  return segmentText(w, segment);
}

function segmentText(w: Writer, segment: Segment): string {
  let text = segment.tag;
  try {
    for (const e of segment.elements) text += w.d.element + writeElement(w, e);
  } catch (err) {
    if (err instanceof EdiSerializeError) throw new EdiSerializeError(`${segment.tag}: ${err.message}`, segment.tag);
    throw err;
  }
  return text + w.d.segment;
}

function put(w: Writer, segment: Segment): void {
  w.out.push(segmentText(w, segment), w.suffix);
}

/** A count in the width of the original when that was zero-padded (`UNE+000001`). */
function count(n: number, original: string): string {
  const s = String(n);
  return /^0\d+$/.test(original) && original.length > s.length ? s.padStart(original.length, '0') : s;
}

function withTrailer(tag: string, old: Segment | undefined, n: number, reference: string): Segment {
  const elements: ElementValue[] = old ? [...old.elements] : [];
  elements[0] = count(n, old ? elementText(old, 1) : '');
  elements[1] = reference;
  return { tag, elements, offset: old?.offset ?? 0, length: old?.length ?? 0 };
}

function writeSet(w: Writer, set: TransactionSet): void {
  const x12 = w.x12;
  const last = set.segments[set.segments.length - 1];
  const trailerTag = x12 ? 'SE' : 'UNT';
  const hasTrailer = set.complete && last !== undefined && last.tag === trailerTag;
  const body = hasTrailer ? set.segments.slice(0, -1) : set.segments;
  for (const seg of body) put(w, seg);
  put(w, withTrailer(trailerTag, hasTrailer ? last : undefined, body.length + 1, set.controlNumber));
}

function writeGroup(w: Writer, group: FunctionalGroup): void {
  if (!group.implicit && group.header) put(w, group.header);
  for (const set of group.sets) writeSet(w, set);
  if (!group.implicit) put(w, withTrailer(w.x12 ? 'GE' : 'UNE', group.trailer, group.sets.length, group.controlNumber));
}

function una(d: Delimiters): string {
  return `UNA${d.component}${d.element}${d.decimal ?? '.'}${d.release ?? ' '}${d.repetition ?? ' '}${d.segment}`;
}

/**
 * Writes an interchange back to bytes, in its own encoding, with the chosen
 * delimiters. Trailer counts and control references (SE/GE/IEA, UNT/UNE/UNZ)
 * are recomputed; missing trailers are written. EDIFACT values are escaped
 * with the release character. For an interchange parsed from valid input and
 * written with its own delimiters the bytes are the input's, byte for byte.
 *
 * @throws EdiSerializeError when an X12 value contains a delimiter (X12 has no escape).
 */
export function serialize(interchange: Interchange, options: SerializeOptions = {}): Uint8Array {
  const x12 = interchange.standard === 'x12';
  const overrides = options.delimiters ?? {};
  const d: Delimiters = { ...interchange.delimiters, ...overrides };
  const w: Writer = { d, suffix: d.lineSuffix ?? '', escape: makeEscape(d, x12), x12, out: [] };
  let head: Buffer | undefined;
  const changed = Object.keys(overrides).some(
    (k) => overrides[k as keyof Delimiters] !== interchange.delimiters[k as keyof Delimiters],
  );
  if (x12) {
    const fields = interchange.header.elements.map((e) => (typeof e === 'string' ? e : ''));
    if (changed) {
      if (d.component !== '') fields[15] = d.component;
      if (d.repetition !== undefined && (fields[11] ?? '') >= '00402') fields[10] = d.repetition;
    }
    w.out.push(`ISA${d.element}${fields.join(d.element)}${d.segment}`, w.suffix);
  } else {
    const defaults = d.component === ':' && d.element === '+' && d.segment === "'" && (d.release ?? '?') === '?';
    // The UNA as read is written back as its bytes (it is kept undecoded).
    if (interchange.una !== undefined && !changed) head = Buffer.from(interchange.una, 'latin1');
    else if (interchange.una !== undefined || !defaults || (d.decimal ?? '.') !== '.') w.out.push(una(d));
    if (w.out.length > 0 || head !== undefined) w.out.push(w.suffix);
    put(w, interchange.header);
  }
  for (const seg of interchange.serviceSegments) put(w, seg);
  let messages = 0;
  for (const group of interchange.groups) {
    writeGroup(w, group);
    messages += group.sets.length;
  }
  const explicit = interchange.groups.filter((g) => !g.implicit).length;
  const n = x12 || explicit > 0 ? explicit : messages;
  const trailer = withTrailer(x12 ? 'IEA' : 'UNZ', interchange.trailer, n, interchange.controlNumber);
  w.out.push(segmentText(w, trailer), interchange.trailerSuffix ?? w.suffix);
  const body = encodeText(w.out.join(''), (interchange.encoding ?? 'latin1') as Encoding);
  return head === undefined ? body : Buffer.concat([head, body]);
}
