/**
 * Small pieces every acknowledgment builder shares: segment values, the
 * clock, control-number formats and the cleaning of values echoed back to the
 * partner.
 */
import type { Composite, Delimiters, EdiIssue, ElementValue, Segment } from '@edigate/edi';

/** When an acknowledgment is made: CCYYMMDD and HHMM (UTC is the caller's choice). */
export interface AckClock {
  /** CCYYMMDD. */
  date: string;
  /** HHMM. */
  time: string;
}

/** The clock of `at` in UTC. */
export function clockOf(at: Date): AckClock {
  const iso = at.toISOString();
  return { date: iso.slice(0, 10).replaceAll('-', ''), time: iso.slice(11, 16).replace(':', '') };
}

/** A segment value built by edigate (no source offset). Trailing empty elements are dropped (X12.6, ISO 9735 §7.1). */
export function segment(tag: string, elements: readonly ElementValue[]): Segment {
  const out = [...elements];
  while (out.length > 0 && isEmpty(out[out.length - 1])) out.pop();
  return { tag, elements: out, offset: 0, length: 0 };
}

/** A composite with trailing empty components dropped; a single component stays a plain string. */
export function composite(...components: (string | undefined)[]): ElementValue {
  const out = components.map((c) => c ?? '');
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  if (out.length <= 1) return out[0] ?? '';
  const value: Composite = { components: out };
  return value;
}

function isEmpty(value: ElementValue | undefined): boolean {
  if (value === undefined || value === '') return true;
  if (typeof value === 'string') return false;
  if ('components' in value) return value.components.every((c) => c === '');
  return value.repeats.length === 0;
}

/**
 * A value taken from the partner's interchange, made safe to write with our
 * delimiters: delimiter and control characters removed, cut to `max`
 * characters. X12 has no release character, so a delimiter inside an echoed
 * value would otherwise end the element (and the serializer refuses it).
 */
export function echo(value: string, delimiters: Delimiters, max = Infinity): string {
  const banned = new Set(
    [delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition ?? ''].filter((c) => c !== ''),
  );
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || banned.has(ch)) continue;
    out += ch;
  }
  return [...out].slice(0, max).join('');
}

/** A control number of a fixed width, zero-padded (ISA13 9 digits, ST02 at least 4). */
export function controlNumber(n: number | string, width: number): string {
  return String(n).padStart(width, '0');
}

/** Up to `max` distinct non-empty codes, in order of first appearance. */
export function distinctCodes(codes: readonly (string | undefined)[], max: number): string[] {
  const out: string[] = [];
  for (const c of codes) if (c !== undefined && c !== '' && !out.includes(c)) out.push(c);
  return out.slice(0, max);
}

/** True when any of the issues is an error (not a warning). */
export function hasErrors(issues: readonly EdiIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
