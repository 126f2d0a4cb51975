/**
 * A stand-in EDI reader for the map tests, used only while @edigate/edi has
 * no `parseEdi` yet (see golden.test.ts): it splits well-formed X12 and
 * EDIFACT interchanges into the shared types (envelopes, sets, segments)
 * without any validation. Not for production input.
 */
import type { Composite, ElementValue, FunctionalGroup, Interchange, ParseResult, Segment, TransactionSet } from '@edigate/edi';

function splitUnescaped(text: string, sep: string, release?: string): string[] {
  if (!release) return text.split(sep);
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === release && i + 1 < text.length) {
      cur += c + text[i + 1]!;
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string, release?: string): string => (release ? s.replace(new RegExp(`\\${release}(.)`, 'g'), '$1') : s);

/** Reads X12 or EDIFACT text into the shared types. */
export function miniParse(input: string): ParseResult {
  const text = input.replace(/^\uFEFF/, '');
  const x12 = text.startsWith('ISA');
  const d = x12
    ? { element: text[3]!, component: text[104]!, segment: text[105]!, repetition: undefined as string | undefined, release: undefined as string | undefined }
    : text.startsWith('UNA')
      ? { component: text[3]!, element: text[4]!, release: text[6]!, repetition: undefined, segment: text[8]! }
      : { component: ':', element: '+', release: '?', repetition: undefined, segment: "'" };
  const body = !x12 && text.startsWith('UNA') ? text.slice(9) : text;
  const segments: Segment[] = [];
  let offset = 0;
  for (const raw of splitUnescaped(body, d.segment, d.release)) {
    const s = raw.replace(/^[\r\n]+/, '');
    if (s.trim() === '') continue;
    const parts = splitUnescaped(s, d.element, d.release);
    const tag = parts[0]!;
    const elements: ElementValue[] = parts.slice(1).map((p) => {
      if (tag === 'ISA') return p;
      const comps = splitUnescaped(p, d.component, d.release);
      if (comps.length === 1) return unescape(p, d.release);
      return { components: comps.map((c) => unescape(c, d.release)) } satisfies Composite;
    });
    segments.push({ tag, elements, offset, length: raw.length + 1 });
    offset += raw.length + 1;
  }
  const el = (s: Segment, n: number, c = 1): string => {
    const v = s.elements[n - 1];
    if (v === undefined) return '';
    if (typeof v === 'string') return c === 1 ? v.trim() : '';
    return 'components' in v ? (v.components[c - 1] ?? '') : '';
  };
  const interchanges: Interchange[] = [];
  let ic: Interchange | undefined;
  let group: FunctionalGroup | undefined;
  let set: TransactionSet | undefined;
  for (const s of segments) {
    if (s.tag === 'ISA' || s.tag === 'UNB') {
      ic = {
        standard: x12 ? 'x12' : 'edifact',
        delimiters: d,
        header: s,
        serviceSegments: [],
        sender: x12 ? { qualifier: el(s, 5), id: el(s, 6) } : { id: el(s, 2), qualifier: el(s, 2, 2) },
        receiver: x12 ? { qualifier: el(s, 7), id: el(s, 8) } : { id: el(s, 3), qualifier: el(s, 3, 2) },
        controlNumber: x12 ? el(s, 13) : el(s, 5),
        date: x12 ? el(s, 9) : el(s, 4),
        time: x12 ? el(s, 10) : el(s, 4, 2),
        version: x12 ? el(s, 12) : `${el(s, 1)}:${el(s, 1, 2)}`,
        test: x12 ? el(s, 15) === 'T' : el(s, 11) === '1',
        ackRequested: false,
        groups: [],
        issues: [],
        offset: s.offset,
        length: 0,
      };
      interchanges.push(ic);
      group = undefined;
    } else if (s.tag === 'GS' && ic) {
      group = { implicit: false, header: s, functionalId: el(s, 1), controlNumber: el(s, 6), version: el(s, 8), sets: [], issues: [], offset: s.offset };
      ic.groups.push(group);
    } else if ((s.tag === 'ST' || s.tag === 'UNH') && ic) {
      if (!group) {
        group = { implicit: true, functionalId: '', controlNumber: '', version: '', sets: [], issues: [], offset: s.offset };
        ic.groups.push(group);
      }
      set = {
        id: x12 ? el(s, 1) : el(s, 2),
        controlNumber: x12 ? el(s, 2) : el(s, 1),
        version: x12 ? el(s, 3) || group.version : `${el(s, 2, 2)}${el(s, 2, 3)}`,
        segments: [s],
        complete: false,
        issues: [],
        offset: s.offset,
      };
      group.sets.push(set);
    } else if (set && (s.tag === 'SE' || s.tag === 'UNT')) {
      set.segments.push(s);
      set.complete = true;
      set = undefined;
    } else if (set) set.segments.push(s);
    else if (s.tag === 'IEA' || s.tag === 'UNZ') {
      if (ic) ic.trailer = s;
    }
  }
  return { interchanges, issues: [] };
}
