import { Buffer } from 'node:buffer';
import { isUtf8 } from 'node:buffer';
import { Contrl, Ta105 } from './codes.js';
import { syntaxCharset, textDecoder, type Encoding } from './charset.js';
import { EnvelopeBuilder, SegmentStore, type SegmentText } from './envelope.js';
import { IssueCode, makeIssue } from './issues.js';
import type { Composite, Delimiters, EdiIssue, ElementValue, Interchange, Repeated, Segment } from './types.js';

/** Named leniency options of the reader. Everything off by default: deviations are reported as issues. */
export interface ParseOptions {
  /**
   * Drop CR and LF found inside segments (files hard-wrapped at 80 columns or
   * every n bytes) instead of keeping them as data and reporting
   * LINE_BREAK_IN_SEGMENT. Also skips them inside ISA and UNA.
   */
  ignoreExtraneousLineBreaks?: boolean;
}

/** An interchange with the issues found in it (envelope, groups, sets), as the stream yields it. */
export interface InterchangeResult {
  interchange: Interchange;
  /** Every issue of the interchange, its groups and its sets, flattened in document order. */
  issues: EdiIssue[];
}

/** The delimiters as they appear in the latin1 view of the bytes ('' when none). */
interface RawDelimiters {
  element: string;
  component: string;
  repetition: string;
  segment: string;
  release: string;
}

const MAX_ISA = 512;
const MAX_LOOKAHEAD = 4096;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13;
}

function isBlank(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9 || c === 0;
}

type HeaderRead =
  | { status: 'more' }
  | { status: 'bad'; message: string; code: string; skip: number }
  | {
      status: 'ok';
      raw: RawDelimiters;
      delimiters: Delimiters;
      /** Index right after the header (after ISA's terminator / UNA's 9 characters), before any line suffix. */
      end: number;
      isa?: { fields: string[]; rawFields: string[] };
      una?: string;
      issues: {
        code: (typeof IssueCode)[keyof typeof IssueCode];
        message: string;
        codes: Record<string, string>;
        element?: number;
        value?: string;
        severity?: 'warning';
      }[];
    };

/**
 * Reads an ISA at `pos`: the element separator is byte 4, ISA16 follows the
 * 16th element separator (counted, not taken from byte 104, so that
 * non-fixed-width ISAs still parse), the segment terminator follows ISA16.
 */
function readIsa(s: string, pos: number, final: boolean, lenient: boolean): HeaderRead {
  const elem = s[pos + 3]!;
  const rawFields: string[] = [];
  let i = pos + 4;
  let count = 1;
  while (count < 16) {
    const k = s.indexOf(elem, i);
    if (k < 0 || k - pos > MAX_ISA) {
      if (!final && s.length - pos < MAX_ISA) return { status: 'more' };
      return { status: 'bad', message: 'ISA ends before its 16th element', code: Ta105.prematureEndOfFile, skip: 3 };
    }
    rawFields.push(s.slice(i, k));
    i = k + 1;
    count++;
  }
  // i is right after the 16th element separator: ISA16, then the terminator.
  if (lenient) while (i < s.length && isBreak(s.charCodeAt(i))) i++;
  if (i + 1 >= s.length) {
    if (!final) return { status: 'more' };
    return {
      status: 'bad',
      message: 'ISA ends before ISA16 and its terminator',
      code: Ta105.prematureEndOfFile,
      skip: 3,
    };
  }
  const isa16 = s[i]!;
  let t = i + 1;
  if (lenient) while (t < s.length && isBreak(s.charCodeAt(t))) t++;
  if (t >= s.length) {
    if (!final) return { status: 'more' };
    return { status: 'bad', message: 'ISA has no segment terminator', code: Ta105.invalidSegmentTerminator, skip: 3 };
  }
  const issues: (HeaderRead & { status: 'ok' })['issues'] = [];
  let component = isa16;
  let segment = s[t]!;
  const tc = s.charCodeAt(t);
  if (isBreak(tc)) {
    // The strict reading makes the line break the terminator. When the next
    // line also ends with the ISA16 character, the writer meant ISA16 as the
    // terminator and left the component separator out (docs/edi-syntax.md).
    let j = t;
    while (j < s.length && isBreak(s.charCodeAt(j))) j++;
    let e = j;
    while (e < s.length && !isBreak(s.charCodeAt(e)) && e - j < MAX_LOOKAHEAD) e++;
    if (e >= s.length && !final) return { status: 'more' };
    if (e > j && s[e - 1] === isa16 && !isAlnum(isa16.charCodeAt(0))) {
      segment = isa16;
      component = '';
      t = i;
      issues.push({
        code: IssueCode.ambiguousDelimiters,
        message:
          'ISA16 is followed by a line break and lines end with it: read as segment terminator; no component separator',
        codes: { ta105: Ta105.invalidComponentSeparator },
        element: 16,
        value: isa16,
      });
    }
  } else if (tc >= 0xc2 && tc <= 0xf4) {
    // A multi-byte UTF-8 character as terminator (e.g. U+2026).
    const n = tc >= 0xf0 ? 4 : tc >= 0xe0 ? 3 : 2;
    if (t + n > s.length && !final) return { status: 'more' };
    let ok = t + n <= s.length;
    for (let k = 1; ok && k < n; k++) {
      const cc = s.charCodeAt(t + k);
      ok = cc >= 0x80 && cc <= 0xbf;
    }
    if (ok) segment = s.slice(t, t + n);
  }
  const fields = rawFields.map((f) => (lenient ? f.replace(/[\r\n]/g, '') : f));
  fields.push(component === '' ? '' : isa16);
  // Widths are checked on the bytes as read (the line breaks the lenient option drops do not count).
  const widths = lenient ? fields.slice(0, 15) : rawFields;
  widths.push(isa16);
  const sc = segment.charCodeAt(0);
  if (segment.length === 1 && (isAlnum(sc) || segment === elem || segment === component)) {
    issues.push({
      code: IssueCode.invalidSegmentTerminator,
      message: 'segment terminator is a letter, a digit or another delimiter',
      codes: { ta105: Ta105.invalidSegmentTerminator },
      value: segment,
    });
  }
  if (component !== '' && (isAlnum(component.charCodeAt(0)) || component === elem)) {
    issues.push({
      code: IssueCode.invalidComponentSeparator,
      message: 'ISA16 component separator is a letter, a digit or the element separator',
      codes: { ta105: Ta105.invalidComponentSeparator },
      element: 16,
      value: component,
    });
  }
  const version = fields[11] ?? '';
  const isa11 = fields[10] ?? '';
  // X12.5: ISA11 is the repetition separator from 00402 on; before, it is the standards identifier (U).
  const repetition =
    version >= '00402' && isa11.length === 1 && !isAlnum(isa11.charCodeAt(0)) && isa11 !== ' ' ? isa11 : '';
  const raw: RawDelimiters = { element: elem, component, repetition, segment, release: '' };
  const delimiters: Delimiters = { element: elem, component, segment };
  if (repetition !== '') delimiters.repetition = repetition;
  return {
    status: 'ok',
    raw,
    delimiters,
    end: t + segment.length,
    isa: { fields, rawFields: widths },
    issues,
  };
}

/** Reads `UNA` + 6 service characters at `pos` (ISO 9735-1 §7.2). */
function readUna(s: string, pos: number, final: boolean, lenient: boolean): HeaderRead {
  let i = pos + 3;
  let chars = '';
  while (chars.length < 6) {
    if (i >= s.length) {
      if (!final) return { status: 'more' };
      return { status: 'bad', message: 'UNA ends before its six service characters', code: Contrl.missing, skip: 3 };
    }
    const c = s.charCodeAt(i);
    if (!(lenient && isBreak(c))) chars += s[i];
    i++;
  }
  const [component, element, decimal, release, repetition, segment] = chars as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const issues: (HeaderRead & { status: 'ok' })['issues'] = [];
  const service = [
    component,
    element,
    segment,
    ...(release === ' ' ? [] : [release]),
    ...(repetition === ' ' ? [] : [repetition]),
  ];
  // ISO 9735-1 §7.2: service characters are distinct, not letters or digits, and from the
  // character repertoire: visible 7-bit characters, or IS1–IS4 (0x1C–0x1F) at level B.
  const unfit = (c: string) => {
    const code = c.charCodeAt(0);
    return (
      isAlnum(code) || code >= 0x7f || (code < 0x20 && (code < 0x1c || code > 0x1f) && code !== 0x0a && code !== 0x0d)
    );
  };
  if (new Set(service).size !== service.length || service.some(unfit)) {
    issues.push({
      code: IssueCode.invalidElementSeparator,
      message: 'UNA service characters are not distinct non-alphanumeric characters',
      codes: { contrl: Contrl.invalidServiceCharacter },
      value: chars,
    });
  }
  if (decimal !== '.' && decimal !== ',') {
    issues.push({
      code: IssueCode.invalidEnvelopeValue,
      message: 'UNA decimal mark must be . or ,',
      codes: { contrl: Contrl.invalidDecimalNotation },
      value: decimal,
      severity: 'warning',
    });
  }
  const raw: RawDelimiters = {
    element,
    component,
    segment,
    release: release === ' ' ? '' : release,
    repetition: repetition === ' ' ? '' : repetition,
  };
  const delimiters: Delimiters = { element, component, segment, decimal };
  if (raw.release !== '') delimiters.release = raw.release;
  if (raw.repetition !== '') delimiters.repetition = raw.repetition;
  return { status: 'ok', raw, delimiters, end: i, una: `UNA${chars}`, issues };
}

/** The EDIFACT defaults when there is no UNA (ISO 9735-1 §7.1, level A): `:+.? '`. */
function edifactDefaults(pos: number): HeaderRead & { status: 'ok' } {
  return {
    status: 'ok',
    raw: { element: '+', component: ':', segment: "'", release: '?', repetition: '' },
    delimiters: { element: '+', component: ':', segment: "'", release: '?', decimal: '.' },
    end: pos,
    issues: [],
  };
}

/** True when `s` at `pos` starts an interchange header; undefined when more bytes are needed to tell. */
function headerAt(s: string, pos: number, final: boolean): 'ISA' | 'UNA' | 'UNB' | false | undefined {
  if (s.length - pos < 4) {
    const have = s.slice(pos);
    if (!final && ('ISA'.startsWith(have) || 'UNA'.startsWith(have) || 'UNB'.startsWith(have))) return undefined;
    if (have === 'UNA' || have === 'UNB' || have === 'ISA') return final ? have : undefined;
    return false;
  }
  const c0 = s.charCodeAt(pos);
  if (c0 === 0x49) {
    return s.startsWith('ISA', pos) &&
      !isAlnum(s.charCodeAt(pos + 3)) &&
      !isBreak(s.charCodeAt(pos + 3)) &&
      s.charCodeAt(pos + 3) !== 32
      ? 'ISA'
      : false;
  }
  if (c0 === 0x55 && s.charCodeAt(pos + 1) === 0x4e) {
    const c2 = s.charCodeAt(pos + 2);
    if (c2 === 0x41) return 'UNA';
    // Without UNA the element separator after UNB is a visible character (default `+`).
    const c3 = s.charCodeAt(pos + 3);
    if (c2 === 0x42 && !isAlnum(c3) && c3 > 0x20 && c3 < 0x7f) return 'UNB';
  }
  return false;
}

interface Current {
  builder: EnvelopeBuilder;
  raw: RawDelimiters;
  x12: boolean;
  highBytes: boolean;
  sevenBit: boolean;
  declared: Encoding | undefined;
  /** Waiting for the first segment (UNB) of an EDIFACT interchange. */
  awaitingUnb: boolean;
  lineSuffixKnown: boolean;
  start: number;
  /** Absolute offset of the end of the trailer's terminator, once the trailer was read. */
  trailerEnd: number;
  una?: string;
  isaRaw?: string[];
  leadingWhitespace: number;
  firstLeadingWhitespace: number;
}

/**
 * The incremental reader behind `parseEdi` and `streamInterchanges`: it is
 * fed the latin1 view of the input piece by piece, keeps only the unfinished
 * segment between pieces, and hands out each interchange once its trailer
 * (or the next header, or the end of input) has been read. Feeding the same
 * bytes in any chunking gives the same results.
 */
export class EdiReader {
  private text = '';
  /** Absolute offset of text[0]. */
  private base = 0;
  private current: Current | undefined;
  private index = 0;
  private readonly lenient: boolean;
  private readonly seenControlNumbers = new Set<string>();
  /** Tag texts (always) and, with `keepSegmentsAsOffsets`, body segments of sets kept as integers until read. */
  private readonly store = new SegmentStore(makeTextSegment, locateText);
  private garbageStart = -1;
  private sawInterchange = false;
  private atStart = true;
  /** Completed interchanges not yet taken. */
  readonly ready: InterchangeResult[] = [];
  /** Issues outside any interchange. */
  readonly fileIssues: EdiIssue[] = [];

  /**
   * `keepSegmentsAsOffsets`: keep set body segments in a {@link SegmentStore}
   * until read (the whole-buffer parse). The stream makes them at once: its
   * interchanges are consumed and dropped one by one, so the objects die
   * young, and the store's per-set bookkeeping would cost more than it saves.
   */
  constructor(options: ParseOptions = {}, keepSegmentsAsOffsets = false) {
    this.lenient = options.ignoreExtraneousLineBreaks === true;
    this.keepSegmentsAsOffsets = keepSegmentsAsOffsets;
  }

  private readonly keepSegmentsAsOffsets: boolean;

  /**
   * Feeds the next piece. `hasHighBytes` says whether the piece has any byte
   * ≥ 0x80 (a cheap native check the caller makes on the bytes).
   */
  push(piece: string, hasHighBytes: boolean): void {
    this.text = this.text.length === 0 ? piece : this.text + piece;
    if (hasHighBytes && this.current !== undefined) this.current.highBytes = true;
    this.pendingHigh = this.pendingHigh || hasHighBytes;
    this.run(false);
  }

  /** Ends the input: finishes the open interchange and reports what is left. */
  end(): void {
    this.run(true);
    if (!this.sawInterchange) {
      this.fileIssues.push(
        makeIssue(IssueCode.noInterchange, 'file', 'no X12 (ISA) or EDIFACT (UNA/UNB) interchange found', {
          codes: { ta105: Ta105.invalidControlStructure, contrl: Contrl.missing },
        }),
      );
    }
  }

  /** Whether bytes pushed since the last interchange began had high bytes (used for a new interchange). */
  private pendingHigh = false;

  /** Next CR / LF / release character at or after the current segment, cached while the text stays the same. */
  private readonly scan = { nextLf: -1, nextCr: -1, nextRel: -1 };

  private run(final: boolean): void {
    let pos = 0;
    const s = this.text;
    this.scan.nextLf = -1;
    this.scan.nextCr = -1;
    this.scan.nextRel = -1;
    for (;;) {
      if (this.current === undefined) {
        const next = this.between(s, pos, final);
        if (next < 0) {
          pos = -next - 1;
          break;
        }
        pos = next;
        continue;
      }
      const next = this.segments(s, pos, final);
      if (next < 0) {
        pos = -next - 1;
        break;
      }
      pos = next;
    }
    this.text = s.slice(pos);
    this.base += pos;
    // Bytes kept for the next header (a partial ISA / UNA) keep their high-byte mark.
    if (this.current === undefined && this.pendingHigh) this.pendingHigh = /[\x80-\xff]/.test(this.text);
  }

  /** Between interchanges: skips blanks, reports garbage, opens the next interchange. Returns the new position or -1 for "need more". */
  private between(s: string, pos: number, final: boolean): number {
    for (;;) {
      if (this.atStart) {
        // A UTF-8 byte order mark before the first interchange is skipped.
        if (!final && s.length - pos < 3 && '\xef\xbb\xbf'.startsWith(s.slice(pos))) return this.needMore(pos);
        if (s.startsWith('\xef\xbb\xbf', pos)) pos += 3;
        this.atStart = false;
      }
      while (pos < s.length && isBlank(s.charCodeAt(pos))) pos++;
      if (pos >= s.length) {
        if (final) this.flushGarbage(pos);
        return this.needMore(pos);
      }
      const kind = headerAt(s, pos, final);
      if (kind === undefined) return this.needMore(pos);
      if (kind === false) {
        if (this.garbageStart < 0) this.garbageStart = this.base + pos;
        // Skip to the next candidate header; keep a short tail in case a header straddles pieces.
        let next = pos + 1;
        for (;;) {
          const a = s.indexOf('ISA', next);
          const b = s.indexOf('UN', next);
          const cand = a < 0 ? b : b < 0 ? a : Math.min(a, b);
          if (cand < 0) {
            if (final) {
              this.flushGarbage(s.length);
              return this.needMore(s.length);
            }
            return this.needMore(Math.max(pos + 1, s.length - 3));
          }
          const k = headerAt(s, cand, final);
          if (k === undefined) return this.needMore(cand);
          if (k !== false) {
            pos = cand;
            break;
          }
          next = cand + 1;
        }
        continue;
      }
      const read =
        kind === 'ISA'
          ? readIsa(s, pos, final, this.lenient)
          : kind === 'UNA'
            ? readUna(s, pos, final, this.lenient)
            : edifactDefaults(pos);
      if (read.status === 'more') return this.needMore(pos);
      if (read.status === 'bad') {
        this.flushGarbage(pos);
        this.fileIssues.push(
          makeIssue(IssueCode.headerIncomplete, 'file', read.message, {
            offset: this.base + pos,
            value: s.slice(pos, pos + 40),
            codes: kind === 'ISA' ? { ta105: read.code } : { contrl: read.code },
          }),
        );
        pos += read.skip;
        this.garbageStart = -1;
        continue;
      }
      this.flushGarbage(pos);
      this.open(s, pos, read, kind === 'ISA');
      return read.end;
    }
  }

  /** The "need more input" return of `between` / `segments`: keep the text from `pos`. */
  private needMore(pos: number): number {
    return -(pos + 1);
  }

  private flushGarbage(pos: number): void {
    if (this.garbageStart < 0) return;
    const end = this.base + pos;
    this.fileIssues.push(
      makeIssue(IssueCode.garbage, 'file', `${end - this.garbageStart} bytes outside any interchange`, {
        offset: this.garbageStart,
        codes: { ta105: Ta105.invalidControlStructure, contrl: Contrl.outsideEnvelope },
      }),
    );
    this.garbageStart = -1;
  }

  private open(s: string, pos: number, read: HeaderRead & { status: 'ok' }, x12: boolean): void {
    this.sawInterchange = true;
    const offset = this.base + pos;
    let header: Segment;
    if (x12) {
      const fields = read.isa!.fields;
      header = { tag: 'ISA', elements: fields, offset, length: read.end - pos };
    } else {
      header = { tag: 'UNB', elements: [], offset, length: 0 };
    }
    const init: { delimiters: Delimiters; offset: number; una?: string } = { delimiters: read.delimiters, offset };
    if (read.una !== undefined) init.una = read.una;
    const builder = new EnvelopeBuilder(
      x12 ? 'x12' : 'edifact',
      header,
      init,
      this.index,
      this.keepSegmentsAsOffsets ? this.store : undefined,
    );
    const cur: Current = {
      builder,
      raw: read.raw,
      x12,
      highBytes: this.pendingHigh,
      sevenBit: false,
      declared: undefined,
      awaitingUnb: !x12,
      lineSuffixKnown: false,
      start: offset,
      trailerEnd: -1,
      leadingWhitespace: 0,
      firstLeadingWhitespace: 0,
    };
    if (read.una !== undefined) cur.una = read.una;
    if (x12) cur.isaRaw = read.isa!.rawFields;
    this.scan.nextRel = -1;
    for (const h of read.issues) {
      const init2: Parameters<typeof makeIssue>[3] = { offset, codes: h.codes, segmentTag: x12 ? 'ISA' : 'UNA' };
      if (h.element !== undefined) init2.element = h.element;
      if (h.value !== undefined) init2.value = h.value;
      if (h.severity !== undefined) init2.severity = h.severity;
      builder.issue(h.code, 'interchange', h.message, init2);
    }
    this.current = cur;
  }

  /**
   * Reads segments of the current interchange from `pos`. Returns the next
   * position, or `-(pos+1)` when it needs more input to go on.
   */
  private segments(s: string, pos: number, final: boolean): number {
    const cur = this.current!;
    const { raw, builder } = cur;
    const term = raw.segment;
    const termLen = term.length;
    const rel = raw.release;
    const elemSep = raw.element;
    let sourceText: SourceText | undefined;
    const base = this.base;
    const lenient = this.lenient;
    // Next CR / LF / release character at or after the current segment, cached across calls on the same text.
    const scan = this.scan;
    const len = s.length;
    for (;;) {
      // Line suffix after a terminator (CR, LF, CRLF; blank lines are skipped too).
      const suffixStart = pos;
      while (pos < len && isBreak(s.charCodeAt(pos))) pos++;
      if (cur.trailerEnd >= 0) {
        // After the trailer: wait until we can tell what suffix follows it (CR may be followed by LF).
        if (pos >= len && !final && (pos === suffixStart || s.charCodeAt(pos - 1) === 13) && pos - suffixStart < 2) {
          return -(suffixStart + 1);
        }
        const suffix = s.slice(suffixStart, Math.min(pos, suffixStart + 2));
        const kept = suffix.startsWith('\r\n') ? '\r\n' : suffix.slice(0, 1);
        this.complete(cur, kept, cur.trailerEnd);
        return suffixStart + kept.length;
      }
      if (pos >= len) {
        if (final) {
          this.complete(cur, undefined, base + suffixStart);
          return pos;
        }
        return -(suffixStart + 1);
      }
      // A new header inside the interchange ends it (trailer missing).
      const c0 = s.charCodeAt(pos);
      if (c0 === 0x49 || c0 === 0x55) {
        const h = headerAt(s, pos, final);
        if (h === undefined) return -(suffixStart + 1);
        if (h !== false && !(h === 'UNB' && cur.awaitingUnb)) {
          this.complete(cur, undefined, base + suffixStart);
          return pos;
        }
      }
      // Find the terminator (EDIFACT: not one escaped by an odd run of release characters).
      let t = s.indexOf(term, pos);
      if (rel !== '') {
        while (t > pos && s[t - 1] === rel) {
          let k = t - 1;
          while (k >= pos && s[k] === rel) k--;
          if ((t - 1 - k) % 2 === 0) break;
          t = s.indexOf(term, t + 1);
        }
      }
      let missingTerminator = false;
      if (t < 0) {
        if (!final) return -(suffixStart + 1);
        t = len;
        missingTerminator = true;
      }
      if (!cur.lineSuffixKnown && (cur.x12 || cur.una !== undefined || !cur.awaitingUnb)) {
        // The line suffix is what follows the first terminator (ISA's, UNA's, else UNB's).
        cur.lineSuffixKnown = true;
        builder.interchange.delimiters.lineSuffix = s.slice(suffixStart, pos);
      }
      let start = pos;
      const offset = base + start;
      // Spaces or tabs before the tag.
      if (c0 === 32 || c0 === 9) {
        while (start < t && (s.charCodeAt(start) === 32 || s.charCodeAt(start) === 9)) start++;
        if (cur.leadingWhitespace++ === 0) cur.firstLeadingWhitespace = offset;
      }
      let text: string | undefined;
      // CR/LF inside the segment: 80-column wrapping or stray line breaks.
      if (scan.nextLf < start) {
        scan.nextLf = s.indexOf('\n', start);
        if (scan.nextLf < 0) scan.nextLf = len;
      }
      if (scan.nextCr < start) {
        scan.nextCr = s.indexOf('\r', start);
        if (scan.nextCr < 0) scan.nextCr = len;
      }
      if (scan.nextLf < t || scan.nextCr < t) {
        if (lenient) text = s.slice(start, t).replace(/[\r\n]/g, '');
        else {
          builder.issue(IssueCode.lineBreakInSegment, 'segment', 'line break inside a segment', {
            offset: base + Math.min(scan.nextLf, scan.nextCr),
            segmentTag: s.slice(start, Math.min(start + 3, t)),
            codes: cur.x12 ? { ak403: '6' } : { contrl: Contrl.invalidCharacter },
          });
        }
        scan.nextLf = -1;
        scan.nextCr = -1;
      }
      if (missingTerminator && (text ?? s.slice(start, t)).length === 0) {
        pos = t;
        continue;
      }
      // EDIFACT: segments with release characters are split now (their issues belong to the parse).
      if (rel !== '' && text === undefined) {
        if (scan.nextRel < start) {
          scan.nextRel = s.indexOf(rel, start);
          if (scan.nextRel < 0) scan.nextRel = len;
        }
        if (scan.nextRel < t) text = s.slice(start, t);
      }
      const segLength = t + (missingTerminator ? 0 : termLen) - (offset - base);
      let segment: Segment;
      if (text !== undefined || cur.awaitingUnb || start !== pos || missingTerminator) {
        segment = this.segment(cur, text ?? s.slice(start, t), offset, segLength);
      } else {
        // The common case: elements are split from the source text when first read (see TextSegment).
        let e = s.indexOf(elemSep, start);
        if (e < 0 || e > t) e = t;
        const tag = this.tag(s, start, e);
        if (tag < 0) {
          const bad = s.slice(start, e);
          this.badTag(cur, bad, offset);
          segment = new TextSegment(bad, offset, segLength, (sourceText ??= { source: s, base, raw }));
        } else {
          sourceText ??= { source: s, base, raw };
          // Body segments of a set: no object until the set's segments are read (see SegmentStore).
          if (builder.addText(tag, offset, segLength, sourceText)) {
            pos = t + termLen;
            continue;
          }
          segment = new TextSegment(this.store.tags[tag]!, offset, segLength, sourceText);
        }
      }
      if (missingTerminator) {
        builder.issue(IssueCode.missingSegmentTerminator, 'segment', 'the last segment has no terminator', {
          offset,
          segmentTag: segment.tag,
          codes: cur.x12 ? { ta105: Ta105.prematureEndOfFile } : { contrl: Contrl.missing },
        });
      }
      pos = missingTerminator ? t : t + termLen;
      if (cur.awaitingUnb) {
        cur.awaitingUnb = false;
        this.setUnb(cur, segment);
        continue;
      }
      if (builder.add(segment)) cur.trailerEnd = base + pos;
    }
  }

  /** Splits one segment's text into tag and elements. */
  private segment(cur: Current, text: string, offset: number, length: number): Segment {
    const raw = cur.raw;
    if (raw.release !== '' && text.indexOf(raw.release) >= 0) {
      const released = this.releasedSegment(cur, text, offset, length);
      if (!isTag(released.tag)) this.badTag(cur, released.tag, offset);
      return released;
    }
    const e = text.indexOf(raw.element);
    const tag = e < 0 ? text : text.slice(0, e);
    const parts = e < 0 ? [] : splitElements(text.slice(e + 1), raw);
    if (!isTag(tag)) this.badTag(cur, tag, offset);
    return { tag, elements: parts, offset, length };
  }

  private badTag(cur: Current, tag: string, offset: number): void {
    cur.builder.issue(IssueCode.invalidSegmentTag, 'segment', 'segment tag is not 2–3 upper-case letters or digits', {
      offset,
      value: tag,
      codes: cur.x12 ? { ak304: '1' } : { contrl: Contrl.invalidValue },
    });
  }

  /** Tag index in `store.tags` by the tag's characters and length. */
  private readonly tagIds = new Map<number, number>();

  /**
   * The index of the tag text in `store.tags`, shared between segments with
   * the same tag (no allocation per segment); -1 when it is not a valid tag.
   */
  private tag(s: string, start: number, end: number): number {
    const n = end - start;
    if (n < 2 || n > 3) return -1;
    const key =
      (s.charCodeAt(start) << 16) |
      (s.charCodeAt(start + 1) << 8) |
      (n === 3 ? s.charCodeAt(start + 2) : 0) |
      (n << 24);
    let id = this.tagIds.get(key);
    if (id === undefined) {
      const tag = s.slice(start, end);
      if (!isTag(tag)) return -1;
      id = this.store.tags.length;
      this.store.tags.push(tag);
      this.tagIds.set(key, id);
    }
    return id;
  }

  /** EDIFACT segment with release characters: a character loop (ISO 9735-1 §7.4). */
  private releasedSegment(cur: Current, text: string, offset: number, length: number): Segment {
    const { element, component, repetition, release, segment } = cur.raw;
    const values: ElementValue[] = [];
    let comps: string[] | undefined;
    let reps: (string | Composite)[] | undefined;
    let value = '';
    let tag: string | undefined;
    const flushComponent = () => {
      if (comps !== undefined) comps.push(value);
      value = '';
    };
    const flushRepeat = () => {
      let v: string | Composite = value;
      if (comps !== undefined) {
        comps.push(value);
        v = { components: comps };
        comps = undefined;
      }
      value = '';
      (reps ??= []).push(v);
    };
    const flushElement = () => {
      let v: ElementValue = value;
      if (comps !== undefined) {
        comps.push(value);
        v = { components: comps };
        comps = undefined;
      }
      if (reps !== undefined) {
        reps.push(v);
        v = { repeats: reps };
        reps = undefined;
      }
      value = '';
      if (tag === undefined) tag = typeof v === 'string' ? v : '';
      else values.push(v);
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === release) {
        const next = text[i + 1];
        if (next === undefined) {
          // A release character right before the terminator released it; the reader only gets here at end of input.
          continue;
        }
        if (next !== element && next !== component && next !== release && next !== repetition && next !== segment) {
          cur.builder.issue(
            IssueCode.releaseBeforeNonDelimiter,
            'element',
            'release character before a character that is not a service character; the release character is dropped',
            {
              offset: offset + i,
              severity: 'warning',
              value: text.slice(i, i + 2),
              codes: { contrl: Contrl.invalidServiceCharacters },
            },
          );
        }
        value += next;
        i++;
      } else if (ch === element) flushElement();
      else if (ch === component) {
        comps ??= [];
        flushComponent();
      } else if (repetition !== '' && ch === repetition) flushRepeat();
      else value += ch;
    }
    flushElement();
    return { tag: tag ?? '', elements: values, offset, length };
  }

  /** The first EDIFACT segment: must be UNB; sets syntax-dependent delimiters and the charset. */
  private setUnb(cur: Current, segment: Segment): void {
    const b = cur.builder;
    const ic = b.interchange;
    if (segment.tag !== 'UNB') {
      b.issue(IssueCode.headerIncomplete, 'interchange', 'UNA is not followed by UNB', {
        offset: segment.offset,
        segmentTag: segment.tag,
        codes: { contrl: Contrl.missing },
      });
      (ic as { header: Segment }).header = { tag: 'UNB', elements: [], offset: segment.offset, length: 0 };
      b.add(segment);
      return;
    }
    (ic as { header: Segment }).header = segment;
    const s001 = segment.elements[0];
    const id =
      typeof s001 === 'string' ? s001 : s001 !== undefined && 'components' in s001 ? (s001.components[0] ?? '') : '';
    const level = typeof s001 === 'object' && 'components' in s001 ? (s001.components[1] ?? '') : '';
    // ISO 9735-1 (syntax 4): with no UNA, the repetition separator defaults to `*`.
    if (level === '4' && cur.una === undefined && cur.raw.repetition === '') {
      cur.raw.repetition = '*';
      ic.delimiters.repetition = '*';
    }
    const cs = syntaxCharset(id);
    if (cs === undefined) {
      b.issue(IssueCode.syntaxNotSupported, 'interchange', `syntax identifier ${id} is not one edigate knows`, {
        offset: segment.offset,
        segmentTag: 'UNB',
        element: 1,
        component: 1,
        value: id,
        severity: 'warning',
        codes: { contrl: Contrl.syntaxVersionNotSupported },
      });
    } else {
      cur.declared = cs.encoding;
      cur.sevenBit = cs.sevenBit;
    }
    if (!/^[1-4]$/.test(level)) {
      b.issue(IssueCode.syntaxNotSupported, 'interchange', `syntax version ${level} is not 1–4`, {
        offset: segment.offset,
        segmentTag: 'UNB',
        element: 1,
        component: 2,
        value: level,
        severity: 'warning',
        codes: { contrl: Contrl.syntaxVersionNotSupported },
      });
    }
  }

  /** Finishes the current interchange: decodes values, runs header checks, queues the result. */
  private complete(cur: Current, trailerSuffix: string | undefined, end: number): void {
    this.current = undefined;
    const b = cur.builder;
    const ic = cur.trailerEnd >= 0 ? b.interchange : b.finish(end);
    ic.length = (cur.trailerEnd >= 0 ? cur.trailerEnd : end) - ic.offset;
    if (trailerSuffix !== undefined && cur.trailerEnd >= 0) {
      if (trailerSuffix !== (ic.delimiters.lineSuffix ?? '')) ic.trailerSuffix = trailerSuffix;
    } else if (cur.trailerEnd < 0) ic.trailerSuffix = '';
    if (ic.delimiters.lineSuffix === undefined) ic.delimiters.lineSuffix = '';
    this.decode(cur, ic);
    b.rawIsa = cur.isaRaw;
    b.readHeader();
    b.checkTrailer();
    if (cur.leadingWhitespace > 0) {
      b.issue(IssueCode.leadingWhitespace, 'segment', `${cur.leadingWhitespace} segment(s) start with spaces or tabs`, {
        offset: cur.firstLeadingWhitespace,
        severity: 'warning',
        codes: cur.x12 ? { ta105: Ta105.invalidContent } : { contrl: Contrl.invalidCharacter },
      });
    }
    if (ic.controlNumber !== '') {
      const key = `${ic.standard}|${ic.sender.qualifier}|${ic.sender.id}|${ic.controlNumber}`;
      if (this.seenControlNumbers.has(key)) {
        b.issue(
          IssueCode.duplicateInterchange,
          'interchange',
          `interchange control number ${ic.controlNumber} seen before in this input`,
          {
            offset: ic.header.offset,
            segmentTag: ic.header.tag,
            element: cur.x12 ? 13 : 5,
            value: ic.controlNumber,
            codes: cur.x12 ? { ta105: Ta105.duplicateControlNumber } : { contrl: Contrl.duplicate },
          },
        );
      }
      this.seenControlNumbers.add(key);
    }
    // Header issues go first.
    const issues = ic.issues;
    issues.sort((a, b2) => (a.offset ?? 0) - (b2.offset ?? 0));
    const all = [...issues];
    for (const g of ic.groups) {
      all.push(...g.issues);
      for (const st of g.sets) all.push(...st.issues);
    }
    this.ready.push({ interchange: ic, issues: all });
    this.index++;
  }

  /** Decodes values from the latin1 view with the interchange's encoding; checks the repertoire. */
  private decode(cur: Current, ic: Interchange): void {
    let encoding: Encoding = cur.declared ?? 'latin1';
    if (!cur.highBytes) {
      ic.encoding = encoding === 'utf8' ? 'utf8' : encoding;
      if (encoding === 'latin1') delete ic.encoding;
      return;
    }
    const segments = allSegments(ic);
    const sevenBitOrUnknown = cur.x12 || cur.sevenBit || cur.declared === undefined;
    let firstHigh: Segment | undefined;
    if (cur.declared === 'utf8') {
      // UNOW/UNOY: the bytes must be UTF-8 (ISO 10646-1); invalid sequences decode to U+FFFD and are reported.
      const invalid = (v: string) => /[\x80-\xff]/.test(v) && !isUtf8(Buffer.from(v, 'latin1'));
      const bad = segments.find((seg) => {
        let found = invalid(seg.tag);
        if (!found) forEachText(seg, (v) => (found ||= invalid(v)));
        return found;
      });
      if (bad !== undefined) {
        cur.builder.issue(
          IssueCode.characterSetViolation,
          'interchange',
          'bytes that are not UTF-8 under a UTF-8 syntax identifier',
          {
            offset: bad.offset,
            segmentTag: bad.tag,
            codes: { contrl: Contrl.invalidCharacter },
          },
        );
      }
    }
    if (sevenBitOrUnknown) {
      // Undeclared (X12) or 7-bit-only (UNOA/UNOB) with high bytes: UTF-8 when every such value is valid UTF-8, else latin1.
      let utf8 = true;
      let any = false;
      const check = (v: string) => {
        if (/[\x80-\xff]/.test(v)) {
          any = true;
          if (utf8 && !isUtf8(Buffer.from(v, 'latin1'))) utf8 = false;
        }
      };
      for (const seg of segments) {
        const before = any;
        check(seg.tag);
        forEachText(seg, check);
        if (any && !before) firstHigh ??= seg;
      }
      check(cur.raw.segment);
      encoding = any && utf8 ? 'utf8' : 'latin1';
    }
    if (cur.sevenBit && firstHigh !== undefined) {
      cur.builder.issue(
        IssueCode.characterSetViolation,
        'interchange',
        'bytes outside the 7-bit repertoire of the declared syntax identifier',
        {
          offset: firstHigh.offset,
          segmentTag: firstHigh.tag,
          codes: { contrl: Contrl.invalidCharacter },
        },
      );
    }
    if (encoding !== 'latin1') ic.encoding = encoding;
    const convert = textDecoder(encoding, false);
    if (convert === null) return;
    for (const seg of segments) mapText(seg, convert);
    const d = ic.delimiters;
    d.segment = convert(d.segment);
    d.element = convert(d.element);
    d.component = convert(d.component);
    if (d.repetition !== undefined) d.repetition = convert(d.repetition);
  }
}

/** Splits the elements of a segment (text after the tag) at the element, repetition and component separators. */
function splitElements(text: string, raw: SegmentText['delimiters']): ElementValue[] {
  const parts: ElementValue[] = text.split(raw.element);
  const comp = raw.component;
  const rep = raw.repetition;
  const hasComp = comp !== '' && text.indexOf(comp) >= 0;
  const hasRep = rep !== '' && text.indexOf(rep) >= 0;
  if (hasComp || hasRep) {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (hasRep && p.indexOf(rep) >= 0) {
        parts[i] = {
          repeats: p.split(rep).map((r) => (hasComp && r.indexOf(comp) >= 0 ? { components: r.split(comp) } : r)),
        } satisfies Repeated;
      } else if (hasComp && p.indexOf(comp) >= 0) {
        parts[i] = { components: p.split(comp) } satisfies Composite;
      }
    }
  }
  return parts;
}

/** One element's value from its text, as {@link splitElements} makes it: split at the repetition, then the component separator. */
export function elementValue(text: string, raw: SegmentText['delimiters']): ElementValue {
  const comp = raw.component;
  const rep = raw.repetition;
  if (rep !== '' && text.indexOf(rep) >= 0) {
    return {
      repeats: text.split(rep).map((r) => (comp !== '' && r.indexOf(comp) >= 0 ? { components: r.split(comp) } : r)),
    } satisfies Repeated;
  }
  if (comp !== '' && text.indexOf(comp) >= 0) return { components: text.split(comp) } satisfies Composite;
  return text;
}

/**
 * A segment read from source text whose elements are split on first access
 * and then kept. Parsing a large file thus costs one small object per
 * segment; a consumer that reads every element pays the split then. Behaves
 * as a plain {@link Segment} for reading and for JSON (`toJSON`).
 */
class TextSegment implements Segment {
  /** Where the segment was read from until its elements are split, then the elements (one field: a smaller object). */
  #data: SourceText | ElementValue[];

  constructor(
    readonly tag: string,
    readonly offset: number,
    readonly length: number,
    text: SourceText,
  ) {
    this.#data = text;
  }

  get elements(): readonly ElementValue[] {
    const data = this.#data;
    if (Array.isArray(data)) return data;
    const { source, base, raw } = data;
    // The elements sit between the tag's end and the terminator.
    const from = this.offset - base + this.tag.length;
    const to = this.offset - base + this.length - raw.segment.length;
    const elements = from >= to ? [] : splitElements(source.slice(from + 1, to), raw);
    this.#data = elements;
    return elements;
  }

  toJSON(): Segment {
    return { tag: this.tag, elements: this.elements, offset: this.offset, length: this.length };
  }
}

/** Where a kept segment's elements sit in its source text (see {@link SegmentText}). */
function locateText(tag: string, offset: number, length: number, source: unknown, out: SegmentText): void {
  const { source: text, base, raw } = source as SourceText;
  // As in TextSegment: the elements sit between the tag's end (its separator) and the terminator.
  out.text = text;
  out.start = offset - base + tag.length + 1;
  out.end = offset - base + length - raw.segment.length;
  out.delimiters = raw;
}

function makeTextSegment(tag: string, offset: number, length: number, source: unknown): Segment {
  return new TextSegment(tag, offset, length, source as SourceText);
}

/** The decoded text a {@link TextSegment} was read from: shared by all segments of one piece of input. */
interface SourceText {
  source: string;
  /** Absolute offset of source[0]. */
  base: number;
  raw: RawDelimiters;
}

/** A segment tag: 2–3 upper-case letters or digits, starting with a letter (X12.6, ISO 9735). */
function isTag(tag: string): boolean {
  const n = tag.length;
  if (n < 2 || n > 3) return false;
  for (let i = 0; i < n; i++) {
    const c = tag.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57))) return false;
  }
  return true;
}

function allSegments(ic: Interchange): Segment[] {
  const out: Segment[] = [ic.header, ...ic.serviceSegments];
  for (const g of ic.groups) {
    if (g.header) out.push(g.header);
    for (const s of g.sets) out.push(...s.segments);
    if (g.trailer) out.push(g.trailer);
  }
  if (ic.trailer) out.push(ic.trailer);
  return out;
}

function forEachText(seg: Segment, fn: (v: string) => void): void {
  for (const e of seg.elements) {
    if (typeof e === 'string') fn(e);
    else if ('components' in e) e.components.forEach(fn);
    else {
      for (const r of e.repeats) {
        if (typeof r === 'string') fn(r);
        else r.components.forEach(fn);
      }
    }
  }
}

function mapText(seg: Segment, fn: (v: string) => string): void {
  (seg as { tag: string }).tag = fn(seg.tag);
  const els = seg.elements as ElementValue[];
  const mapComposite = (c: Composite): Composite => ({ components: c.components.map(fn) });
  for (let i = 0; i < els.length; i++) {
    const e = els[i]!;
    if (typeof e === 'string') els[i] = fn(e);
    else if ('components' in e) els[i] = mapComposite(e);
    else els[i] = { repeats: e.repeats.map((r) => (typeof r === 'string' ? fn(r) : mapComposite(r))) };
  }
}
