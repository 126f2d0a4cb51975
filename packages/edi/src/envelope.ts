import { Ak502, Ak905, Contrl, Ta105, x12IdQualifiers } from './codes.js';
import { IssueCode, makeIssue, type IssueCodeValue, type IssueInit } from './issues.js';
import type {
  EdiIssue,
  ElementValue,
  FunctionalGroup,
  Interchange,
  PartyId,
  Segment,
  Standard,
  StandardCodes,
  TransactionSet,
} from './types.js';
import { componentOf, elementText } from './values.js';

interface EnvelopeTags {
  groupHeader: string;
  groupTrailer: string;
  setHeader: string;
  setTrailer: string;
  trailer: string;
}

const x12Tags: EnvelopeTags = {
  groupHeader: 'GS',
  groupTrailer: 'GE',
  setHeader: 'ST',
  setTrailer: 'SE',
  trailer: 'IEA',
};
const edifactTags: EnvelopeTags = {
  groupHeader: 'UNG',
  groupTrailer: 'UNE',
  setHeader: 'UNH',
  setTrailer: 'UNT',
  trailer: 'UNZ',
};

// X12.5 ISA: fixed widths of ISA01..ISA16, and the TA105 note code that reports each field.
const isaWidths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;
const isaNoteCodes = [
  Ta105.invalidAuthorizationQualifier,
  Ta105.invalidAuthorization,
  Ta105.invalidSecurityQualifier,
  Ta105.invalidSecurity,
  Ta105.invalidSenderQualifier,
  Ta105.invalidSenderId,
  Ta105.invalidReceiverQualifier,
  Ta105.invalidReceiverId,
  Ta105.invalidDate,
  Ta105.invalidTime,
  Ta105.invalidStandardsIdentifier,
  Ta105.invalidVersion,
  Ta105.invalidControlNumber,
  Ta105.invalidAckRequested,
  Ta105.invalidTestIndicator,
  Ta105.invalidComponentSeparator,
] as const;

// X12 I01, I03: authorization / security information qualifiers.
const isa01Codes = new Set(['00', '01', '02', '03', '04', '05', '06']);
const isa03Codes = new Set(['00', '01']);

const digits = /^\d+$/;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A calendar date YYMMDD or CCYYMMDD. */
export function isValidDate(value: string): boolean {
  if (!digits.test(value) || (value.length !== 6 && value.length !== 8)) return false;
  const y = Number(value.slice(0, value.length - 4));
  const m = Number(value.slice(-4, -2));
  const d = Number(value.slice(-2));
  if (m < 1 || m > 12 || d < 1) return false;
  // With a two-digit year the century is unknown; 29 February is accepted in any year divisible by 4.
  const leap = value.length === 6 ? y % 4 === 0 : isLeap(y);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** A time HHMM, optionally with SS and decimal seconds (X12 DT/TM: HHMM[SS[d..]]). */
export function isValidTime(value: string, maxLength = 4): boolean {
  if (!digits.test(value) || value.length < 4 || value.length > maxLength) return false;
  const h = Number(value.slice(0, 2));
  const m = Number(value.slice(2, 4));
  if (h > 23 || m > 59) return false;
  if (value.length >= 6 && Number(value.slice(4, 6)) > 59) return false;
  return true;
}

function countValue(value: ElementValue | undefined): number | undefined {
  const text = componentOf(value);
  return digits.test(text) ? Number(text) : undefined;
}

/** Numbers compare by value when both are numeric (`000100` = `100`), else as text. */
function sameReference(a: string, b: string): boolean {
  return a === b;
}

/** Makes a segment object from where it sits in the source (the reader's `TextSegment`). */
export type SegmentFactory = (tag: string, offset: number, length: number, source: unknown) => Segment;

/** Where a kept segment's elements sit in the source text (filled in by the reader, see {@link SegmentLocator}). */
export interface SegmentText {
  /** The source text the segment sits in. */
  text: string;
  /**
   * Its elements: from the first element's first character to the
   * terminator; `start > end` when the segment is a tag alone.
   */
  start: number;
  end: number;
  /** The separators, as splitting the segment's elements uses them ('' when the interchange has none). */
  delimiters: { readonly element: string; readonly component: string; readonly repetition: string };
}

/** Fills `out` with where a kept segment sits in its source (the reader's). */
export type SegmentLocator = (tag: string, offset: number, length: number, source: unknown, out: SegmentText) => void;

const CHUNK_ENTRIES = 64 * 1024;

/**
 * Where the body segments of parsed sets are kept until they are read: per
 * segment three integers (offset from the set's start, length, tag index in
 * `tags`) in chunks of typed memory shared by consecutive sets. A parse of
 * 100 MB meets millions of segments; making an object for each while parsing
 * cost more than the tokenizing (each one survives, so the young generation
 * copies each one), and typed memory is neither scanned nor copied by the
 * collector. One store per reader; the reader passes it to each builder.
 */
export class SegmentStore {
  /** Tag texts by index; the reader shares one string per tag. */
  readonly tags: string[] = [];
  chunk = new Int32Array(3 * CHUNK_ENTRIES);
  /** Entries used in `chunk`. */
  used = 0;

  constructor(
    readonly make: SegmentFactory,
    readonly locate: SegmentLocator,
  ) {}
}

/** The segments of one set while they are kept in a {@link SegmentStore}. */
interface PendingSegments {
  readonly store: SegmentStore;
  chunk: Int32Array;
  /** First entry of the set in `chunk`, and how many. */
  start: number;
  count: number;
  readonly base: number;
  /** Segments already made (header, trailer, segments split while parsing), by `-1 - tag index`. */
  readonly objects: Segment[];
  /** The reader's source text of each run of entries: `sources[k]` from entry `sourceFrom[k]` on. */
  readonly sources: unknown[];
  readonly sourceFrom: number[];
  /** Set once the list was made; later segments go to `set.segments` itself. */
  done: boolean;
  /** The list `set.segments` made from these entries, once read. */
  made?: Segment[];
}

const pendingOf = new WeakMap<TransactionSet, PendingSegments>();

function defineSegments(set: TransactionSet, segments: Segment[]): Segment[] {
  Object.defineProperty(set, 'segments', { value: segments, writable: true, enumerable: true, configurable: true });
  return segments;
}

function makeSegments(pending: PendingSegments): Segment[] {
  const { chunk, start, count, base, objects, sources, sourceFrom, store } = pending;
  const { tags, make } = store;
  const out = new Array<Segment>(count);
  let run = -1;
  let source: unknown;
  let nextRun = sourceFrom[0] ?? count;
  for (let i = 0; i < count; i++) {
    if (i === nextRun) {
      run++;
      source = sources[run];
      nextRun = sourceFrom[run + 1] ?? count;
    }
    const k = 3 * (start + i);
    const tag = chunk[k + 2]!;
    out[i] = tag >= 0 ? make(tags[tag]!, base + chunk[k]!, chunk[k + 1]!, source) : objects[-1 - tag]!;
  }
  return out;
}

/**
 * `TransactionSet.segments` of a parsed set: an own enumerable accessor that
 * makes the segment objects on first read and then turns itself into a plain
 * data property, so the set behaves as a plain object (spread, JSON, equality).
 */
const lazySegmentsProperty: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: TransactionSet): Segment[] {
    const pending = pendingOf.get(this);
    pendingOf.delete(this);
    if (pending === undefined) return defineSegments(this, []);
    pending.done = true;
    pending.made = makeSegments(pending);
    return defineSegments(this, pending.made);
  },
  set(this: TransactionSet, value: Segment[]): void {
    const pending = pendingOf.get(this);
    if (pending !== undefined) pending.done = true;
    pendingOf.delete(this);
    defineSegments(this, value);
  },
};

/**
 * One pass over the segments of a parsed set whose `segments` were not read
 * yet, straight from the {@link SegmentStore}: no object is made or kept per
 * segment (guide validation reads every segment once and keeps none of them).
 */
export class KeptSegments {
  readonly count: number;
  /** Tag and offset of the segment {@link move} went to. */
  tag = '';
  offset = 0;
  private length = 0;
  /** Where the run of {@link PendingSegments.sources} the current segment is in starts, and where the next one starts. */
  private runStart = 0;
  private nextRun = 0;
  private source: unknown = undefined;

  constructor(
    private readonly set: TransactionSet,
    private readonly pending: PendingSegments,
  ) {
    this.count = pending.count;
    this.nextRun = pending.sourceFrom[0] ?? pending.count;
  }

  /**
   * Goes to segment `i`. Returns its object when it has one (header,
   * trailer, segments split while parsing); else undefined, and its text
   * is read with {@link text}.
   */
  move(i: number): Segment | undefined {
    const p = this.pending;
    const k = 3 * (p.start + i);
    const chunk = p.chunk;
    const tag = chunk[k + 2]!;
    if (tag < 0) {
      const segment = p.objects[-1 - tag]!;
      this.tag = segment.tag;
      this.offset = segment.offset;
      return segment;
    }
    if (i >= this.nextRun || i < this.runStart) this.seek(i);
    this.tag = p.store.tags[tag]!;
    this.offset = p.base + chunk[k]!;
    this.length = chunk[k + 1]!;
    return undefined;
  }

  /** Where the current segment (one without an object) sits in its source. */
  text(out: SegmentText): void {
    this.pending.store.locate(this.tag, this.offset, this.length, this.source, out);
  }

  private seek(i: number): void {
    const { sources, sourceFrom, count } = this.pending;
    let run = 0;
    while (run + 1 < sourceFrom.length && sourceFrom[run + 1]! <= i) run++;
    this.runStart = sourceFrom[run] ?? 0;
    this.nextRun = sourceFrom[run + 1] ?? count;
    this.source = sources[run];
  }

  /** The set's segment objects, the same list `set.segments` gives (made now when not read yet). */
  segments(): Segment[] {
    const p = this.pending;
    if (p.made !== undefined) return p.made;
    // Still unread: reading `set.segments` makes the list and keeps it on the set.
    if (pendingOf.get(this.set) === p) return this.set.segments;
    // Replaced on the set before being read: made from the entries, as they were read.
    return (p.made = makeSegments(p));
  }
}

/** A cursor over a parsed set's segments while they are still kept in the store, else undefined. */
export function keptSegments(set: TransactionSet): KeptSegments | undefined {
  const pending = pendingOf.get(set);
  if (pending === undefined) return undefined;
  return new KeptSegments(set, pending);
}

/**
 * Builds one interchange from its segments, in order, checking every
 * envelope rule as segments arrive (X12.6 / X12.5 control structures;
 * ISO 9735-1 §7–§9 for EDIFACT). One builder per interchange.
 */
export class EnvelopeBuilder {
  readonly interchange: Interchange;
  private readonly tags: EnvelopeTags;
  private readonly x12: boolean;
  private group: FunctionalGroup | undefined;
  private set: TransactionSet | undefined;
  /** The open set's segment store, while its segments are still kept lazily. */
  private pending: PendingSegments | undefined;
  private setNumbers = new Set<string>();
  private readonly groupNumbers = new Set<string>();
  private explicitGroups = 0;
  private messagesOutsideGroups = 0;
  private done = false;

  constructor(
    standard: Standard,
    header: Segment,
    init: Pick<Interchange, 'delimiters' | 'una' | 'offset'>,
    private readonly index: number,
    private readonly store?: SegmentStore,
  ) {
    this.x12 = standard === 'x12';
    this.tags = this.x12 ? x12Tags : edifactTags;
    this.interchange = {
      standard,
      delimiters: init.delimiters,
      header,
      serviceSegments: [],
      sender: { qualifier: '', id: '' },
      receiver: { qualifier: '', id: '' },
      controlNumber: '',
      date: '',
      time: '',
      version: '',
      test: false,
      ackRequested: false,
      groups: [],
      issues: [],
      offset: init.offset,
      length: 0,
    };
    if (init.una !== undefined) this.interchange.una = init.una;
  }

  /** Reads the header fields and checks them. Call once, after values are decoded. */
  readHeader(): void {
    if (this.x12) this.readIsa();
    else this.readUnb();
  }

  /** Adds the next segment; returns true when it was the interchange trailer. */
  add(segment: Segment): boolean {
    const tag = segment.tag;
    const set = this.set;
    if (set !== undefined) {
      const c = tag.charCodeAt(0);
      // Fast path: inside a set, only envelope tags (X12 G/I/S…, EDIFACT U…) need a look.
      if (this.x12 ? c !== 0x47 && c !== 0x49 && c !== 0x53 : c !== 0x55) {
        this.append(set, segment);
        return false;
      }
    }
    const t = this.tags;
    switch (tag) {
      case t.setHeader:
        this.openSet(segment);
        return false;
      case t.setTrailer:
        this.closeSet(segment);
        return false;
      case t.groupHeader:
        this.openGroup(segment);
        return false;
      case t.groupTrailer:
        this.closeGroup(segment);
        return false;
      case t.trailer:
        this.closeInterchange(segment);
        return true;
      default:
        if (set !== undefined) this.append(set, segment);
        else if (this.group === undefined && this.interchange.groups.length === 0) {
          // X12 ISB/ISE and TA1 stand between ISA and the first GS (X12.5).
          this.interchange.serviceSegments.push(segment);
        } else {
          this.issue(IssueCode.segmentOutsideSet, 'segment', `${tag} stands outside any transaction set`, {
            segmentTag: tag,
            offset: segment.offset,
            codes: this.x12 ? { ta105: Ta105.invalidControlStructure } : { contrl: Contrl.outsideEnvelope },
            ...this.where(),
          });
        }
        return false;
    }
  }

  /**
   * Adds a body segment of the open set without making its object: the set
   * makes it (with the store's factory) when its `segments` are first read.
   * `tag` indexes `store.tags`. Returns false, adding nothing, when the
   * segment needs to be an object now (no set open, an envelope tag, no
   * store): the caller then passes the segment object to {@link add}.
   */
  addText(tag: number, offset: number, length: number, source: unknown): boolean {
    const pending = this.pending;
    if (pending === undefined || pending.done) return false;
    const text = this.store!.tags[tag]!;
    const c = text.charCodeAt(0);
    if (this.x12 ? c === 0x47 || c === 0x49 || c === 0x53 : c === 0x55) {
      const t = this.tags;
      if (
        text === t.setHeader ||
        text === t.setTrailer ||
        text === t.groupHeader ||
        text === t.groupTrailer ||
        text === t.trailer
      ) {
        return false;
      }
    }
    this.push(pending, offset - pending.base, length, tag);
    if (source !== pending.sources[pending.sources.length - 1]) {
      pending.sources.push(source);
      pending.sourceFrom.push(pending.count - 1);
    }
    return true;
  }

  private push(pending: PendingSegments, offset: number, length: number, tag: number): void {
    let k = pending.start + pending.count;
    if (k >= pending.chunk.length / 3) this.moveToNewChunk(pending);
    k = 3 * (pending.start + pending.count);
    const chunk = pending.chunk;
    chunk[k] = offset;
    chunk[k + 1] = length;
    chunk[k + 2] = tag;
    pending.count++;
    this.store!.used = pending.start + pending.count;
  }

  /** The chunk is full: the set's entries move to a new chunk (large enough for a set this long), which later sets share. */
  private moveToNewChunk(pending: PendingSegments): void {
    const store = this.store!;
    const next = new Int32Array(3 * Math.max(CHUNK_ENTRIES, 2 * pending.count));
    next.set(pending.chunk.subarray(3 * pending.start, 3 * (pending.start + pending.count)));
    pending.chunk = next;
    pending.start = 0;
    store.chunk = next;
    store.used = pending.count;
  }

  private append(set: TransactionSet, segment: Segment): void {
    const pending = this.pending;
    if (pending !== undefined && !pending.done && this.set === set) {
      pending.objects.push(segment);
      this.push(pending, 0, 0, -pending.objects.length);
    } else set.segments.push(segment);
  }

  /** How many segments the set has, without making their objects. */
  private segmentCount(set: TransactionSet): number {
    const pending = this.pending;
    return pending !== undefined && !pending.done && this.set === set ? pending.count : set.segments.length;
  }

  /** Closes whatever is open (premature end of input) and returns the interchange. */
  finish(end: number): Interchange {
    const ic = this.interchange;
    if (!this.done) {
      this.closeOpenSet(end);
      this.closeOpenGroup(end);
      this.issue(
        IssueCode.interchangeTrailerMissing,
        'interchange',
        `${this.x12 ? 'IEA' : 'UNZ'} missing: the interchange ends prematurely`,
        {
          offset: end,
          codes: this.x12 ? { ta105: Ta105.prematureEndOfFile } : { contrl: Contrl.missing },
        },
      );
    }
    return ic;
  }

  // --- headers ---------------------------------------------------------------

  private readIsa(): void {
    const ic = this.interchange;
    const isa = ic.header;
    const f = (n: number): string => elementText(isa, n);
    ic.sender = { qualifier: f(5).trim(), id: f(6).trim() };
    ic.receiver = { qualifier: f(7).trim(), id: f(8).trim() };
    ic.date = f(9);
    ic.time = f(10);
    ic.version = f(12);
    ic.controlNumber = f(13);
    ic.ackRequested = f(14) === '1';
    ic.test = f(15) === 'T';
    const base = { segmentTag: 'ISA', offset: isa.offset };
    // X12.5: every ISA field has a fixed width (the ISA is 106 bytes); widths count bytes as read.
    for (let i = 0; i < 16; i++) {
      const raw = this.rawIsa?.[i] ?? f(i + 1);
      if (raw.length !== isaWidths[i]) {
        this.issue(
          IssueCode.isaFieldWidth,
          'interchange',
          `ISA${String(i + 1).padStart(2, '0')} is ${raw.length} bytes wide; X12.5 requires ${isaWidths[i]}`,
          { ...base, element: i + 1, value: f(i + 1), severity: 'warning', codes: { ta105: isaNoteCodes[i] } },
        );
      }
    }
    const bad = (n: number, what: string, code: string, issueCode: IssueCodeValue = IssueCode.invalidEnvelopeValue) =>
      this.issue(issueCode, 'interchange', `ISA${String(n).padStart(2, '0')} ${what}`, {
        ...base,
        element: n,
        value: f(n),
        codes: { ta105: code },
      });
    if (!isa01Codes.has(f(1)))
      bad(1, 'is not an authorization information qualifier', Ta105.invalidAuthorizationQualifier);
    if (!isa03Codes.has(f(3))) bad(3, 'is not a security information qualifier', Ta105.invalidSecurityQualifier);
    if (!x12IdQualifiers.has(f(5).trim())) bad(5, 'is not an interchange ID qualifier', Ta105.invalidSenderQualifier);
    if (f(6).trim() === '') bad(6, 'is empty', Ta105.invalidSenderId);
    if (!x12IdQualifiers.has(f(7).trim())) bad(7, 'is not an interchange ID qualifier', Ta105.invalidReceiverQualifier);
    if (f(8).trim() === '') bad(8, 'is empty', Ta105.invalidReceiverId);
    if (f(9).length !== 6 || !isValidDate(f(9)))
      bad(9, 'is not a valid date YYMMDD', Ta105.invalidDate, IssueCode.invalidDate);
    if (!isValidTime(f(10))) bad(10, 'is not a valid time HHMM', Ta105.invalidTime, IssueCode.invalidTime);
    if (!/^\d{5}$/.test(f(12))) bad(12, 'is not a version number', Ta105.invalidVersion);
    else if (f(12) < '00402' && f(11) !== 'U')
      bad(11, `must be U before version 00402`, Ta105.invalidStandardsIdentifier);
    if (!/^\d{9}$/.test(f(13))) bad(13, 'is not a nine-digit control number', Ta105.invalidControlNumber);
    if (f(14) !== '0' && f(14) !== '1') bad(14, 'must be 0 or 1', Ta105.invalidAckRequested);
    if (f(15) !== 'P' && f(15) !== 'T' && f(15) !== 'I') bad(15, 'must be P, T or I', Ta105.invalidTestIndicator);
  }

  /** The ISA fields as read (before decoding), for the byte-width check; set by the reader. */
  rawIsa: string[] | undefined;

  private readUnb(): void {
    const ic = this.interchange;
    const unb = ic.header;
    const e = (n: number, c = 1): string => elementText(unb, n, c);
    const base = { segmentTag: 'UNB', offset: unb.offset };
    ic.version = e(1, 2) === '' ? e(1) : `${e(1)}:${e(1, 2)}`;
    ic.sender = this.party(e(2), e(2, 2));
    ic.receiver = this.party(e(3), e(3, 2));
    ic.date = e(4);
    ic.time = e(4, 2);
    ic.controlNumber = e(5);
    ic.ackRequested = e(9) === '1';
    ic.test = e(11) === '1';
    const missing = (n: number, what: string, c?: number) =>
      this.issue(IssueCode.invalidEnvelopeValue, 'interchange', `UNB ${what} is missing`, {
        ...base,
        element: n,
        ...(c === undefined ? {} : { component: c }),
        codes: { contrl: Contrl.missing },
      });
    if (unb.elements.length === 0) {
      missing(1, 'segment');
      return;
    }
    if (e(1) === '') missing(1, 'syntax identifier (0001)', 1);
    if (e(2) === '') missing(2, 'sender (0004)', 1);
    if (e(3) === '') missing(3, 'recipient (0010)', 1);
    if (e(5) === '') missing(5, 'control reference (0020)');
    if (ic.date !== '' && !isValidDate(ic.date)) {
      this.issue(IssueCode.invalidDate, 'interchange', 'UNB date (0017) is not a valid date', {
        ...base,
        element: 4,
        component: 1,
        value: ic.date,
        codes: { contrl: Contrl.invalidValue },
      });
    } else if (ic.date === '') missing(4, 'date (0017)', 1);
    if (!isValidTime(ic.time)) {
      this.issue(IssueCode.invalidTime, 'interchange', 'UNB time (0019) is not a valid time HHMM', {
        ...base,
        element: 4,
        component: 2,
        value: ic.time,
        codes: { contrl: ic.time === '' ? Contrl.missing : Contrl.invalidValue },
      });
    }
  }

  private party(id: string, qualifier: string): PartyId {
    return { qualifier, id };
  }

  // --- sets ------------------------------------------------------------------

  private openSet(segment: Segment): void {
    const at = segment.offset;
    this.closeOpenSet(at);
    if (this.group === undefined) {
      if (this.x12) {
        this.issue(IssueCode.setOutsideGroup, 'set', 'ST outside a functional group (no GS)', {
          segmentTag: 'ST',
          offset: at,
          codes: { ak502: Ak502.notInGroup, ta105: Ta105.invalidContent },
        });
      } else if (this.explicitGroups > 0) {
        this.issue(IssueCode.groupsAndMessagesMixed, 'interchange', 'messages outside UNG/UNE mixed with groups', {
          segmentTag: 'UNH',
          offset: at,
          codes: { contrl: Contrl.groupsAndMessagesMixed },
        });
      }
      this.group = {
        implicit: true,
        functionalId: '',
        controlNumber: '',
        version: '',
        sets: [],
        issues: [],
        offset: at,
      };
      this.interchange.groups.push(this.group);
      this.setNumbers = new Set();
    }
    const group = this.group;
    let id: string;
    let controlNumber: string;
    let version: string;
    const set: TransactionSet = {
      id: '',
      controlNumber: '',
      version: '',
      segments: [segment],
      complete: false,
      issues: [],
      offset: at,
    };
    const store = this.store;
    if (store !== undefined) {
      const pending: PendingSegments = {
        store,
        chunk: store.chunk,
        start: store.used,
        count: 0,
        base: at,
        objects: [],
        sources: [],
        sourceFrom: [],
        done: false,
      };
      pendingOf.set(set, pending);
      Object.defineProperty(set, 'segments', lazySegmentsProperty);
      this.pending = pending;
      this.set = set;
      this.append(set, segment);
    }
    if (this.x12) {
      id = elementText(segment, 1);
      controlNumber = elementText(segment, 2);
      version = elementText(segment, 3) || group.version;
    } else {
      this.messagesOutsideGroups += group.implicit ? 1 : 0;
      controlNumber = elementText(segment, 1);
      id = elementText(segment, 2, 1);
      version = `${elementText(segment, 2, 2)}${elementText(segment, 2, 3)}`;
      const agency = elementText(segment, 2, 4);
      const association = elementText(segment, 2, 5);
      if (agency !== '') set.agency = agency;
      if (association !== '') set.association = association;
    }
    set.id = id;
    set.controlNumber = controlNumber;
    set.version = version;
    group.sets.push(set);
    this.set = set;
    const loc = { segmentTag: segment.tag, segmentPosition: 1, offset: at, ...this.where() };
    if (this.x12 ? !/^[0-9A-Z]{3}$/.test(id) : !/^[0-9A-Z]{1,6}$/.test(id)) {
      this.setIssue(IssueCode.setIdInvalid, 'transaction set identifier missing or invalid', {
        ...loc,
        element: this.x12 ? 1 : 2,
        value: id,
        codes: this.x12 ? { ak502: Ak502.invalidSetId } : { contrl: id === '' ? Contrl.missing : Contrl.invalidValue },
      });
    }
    if (
      !this.x12 &&
      set.id !== '' &&
      (elementText(segment, 2, 2) === '' || elementText(segment, 2, 3) === '' || elementText(segment, 2, 4) === '')
    ) {
      // ISO 9735-1 UNH S009: 0065 type, 0052 version, 0054 release and 0051 agency are all mandatory.
      this.setIssue(IssueCode.setIdInvalid, 'message identifier (UNH S009) lacks version, release or agency', {
        ...loc,
        element: 2,
        codes: { contrl: Contrl.missing },
      });
    }
    if (this.x12 ? !/^.{4,9}$/.test(controlNumber) : controlNumber === '' || controlNumber.length > 14) {
      this.setIssue(IssueCode.setControlNumberInvalid, 'transaction set control number missing or invalid', {
        ...loc,
        element: 1 + (this.x12 ? 1 : 0),
        value: controlNumber,
        codes: this.x12 ? { ak502: Ak502.invalidControlNumber } : { contrl: Contrl.missing },
      });
    } else if (this.setNumbers.has(controlNumber)) {
      this.setIssue(IssueCode.duplicateSet, `control number ${controlNumber} used twice in this group`, {
        ...loc,
        element: this.x12 ? 2 : 1,
        value: controlNumber,
        codes: this.x12 ? { ak502: Ak502.duplicateControlNumber } : { contrl: Contrl.duplicate },
      });
    }
    this.setNumbers.add(controlNumber);
  }

  private closeSet(segment: Segment): void {
    const set = this.set;
    if (set === undefined) {
      this.issue(IssueCode.unexpectedTrailer, 'segment', `${segment.tag} without ${this.tags.setHeader}`, {
        segmentTag: segment.tag,
        offset: segment.offset,
        codes: this.x12 ? { ta105: Ta105.invalidControlStructure } : { contrl: Contrl.outsideEnvelope },
        ...this.where(),
      });
      return;
    }
    this.append(set, segment);
    const position = this.segmentCount(set);
    set.complete = true;
    this.set = undefined;
    this.pending = undefined;
    const loc = { segmentTag: segment.tag, segmentPosition: position, offset: segment.offset, ...this.where(set) };
    const count = countValue(segment.elements[0]);
    const declared = componentOf(segment.elements[0]);
    if (count === undefined) {
      this.setIssue(
        IssueCode.invalidCount,
        `${segment.tag} segment count is missing or not a number`,
        {
          ...loc,
          element: 1,
          value: declared,
          codes: this.x12
            ? { ak502: Ak502.countMismatch }
            : { contrl: declared === '' ? Contrl.missing : Contrl.invalidValue },
        },
        set,
      );
    } else if (count !== position) {
      this.setIssue(
        IssueCode.setCountMismatch,
        `${segment.tag} declares ${count} segments; the set has ${position}`,
        {
          ...loc,
          element: 1,
          value: declared,
          codes: this.x12 ? { ak502: Ak502.countMismatch } : { contrl: Contrl.countMismatch },
        },
        set,
      );
    }
    const ref = elementText(segment, 2);
    if (!sameReference(ref, set.controlNumber)) {
      this.setIssue(
        IssueCode.setReferenceMismatch,
        `${segment.tag} control number ${ref} does not match ${set.controlNumber}`,
        {
          ...loc,
          element: 2,
          value: ref,
          codes: this.x12 ? { ak502: Ak502.controlNumberMismatch } : { contrl: Contrl.referencesDoNotMatch },
        },
        set,
      );
    }
  }

  private closeOpenSet(at: number): void {
    const set = this.set;
    if (set === undefined) return;
    this.set = undefined;
    this.pending = undefined;
    this.setIssue(
      IssueCode.setTrailerMissing,
      `${this.tags.setTrailer} missing for ${set.id} ${set.controlNumber}`,
      {
        segmentTag: this.tags.setTrailer,
        offset: at,
        ...this.where(set),
        codes: this.x12 ? { ak502: Ak502.trailerMissing } : { contrl: Contrl.missing },
      },
      set,
    );
  }

  // --- groups ----------------------------------------------------------------

  private openGroup(segment: Segment): void {
    const at = segment.offset;
    this.closeOpenSet(at);
    this.closeOpenGroup(at);
    if (!this.x12 && this.messagesOutsideGroups > 0) {
      this.issue(IssueCode.groupsAndMessagesMixed, 'interchange', 'UNG after messages outside groups', {
        segmentTag: 'UNG',
        offset: at,
        codes: { contrl: Contrl.groupsAndMessagesMixed },
      });
    }
    this.explicitGroups++;
    const group: FunctionalGroup = {
      implicit: false,
      header: segment,
      functionalId: elementText(segment, 1),
      controlNumber: '',
      version: '',
      sets: [],
      issues: [],
      offset: at,
    };
    this.interchange.groups.push(group);
    this.group = group;
    this.setNumbers = new Set();
    const loc = { segmentTag: segment.tag, offset: at, ...this.where() };
    const gIssue = (code: IssueCodeValue, message: string, init: IssueInit) =>
      this.groupIssue(group, code, message, { ...loc, ...init });
    if (this.x12) {
      group.sender = { qualifier: '', id: elementText(segment, 2) };
      group.receiver = { qualifier: '', id: elementText(segment, 3) };
      group.controlNumber = elementText(segment, 6);
      group.version = elementText(segment, 8);
      const date = elementText(segment, 4);
      const time = elementText(segment, 5);
      // GS04 is CCYYMMDD from 004010 on; older versions used YYMMDD.
      const dateOk = isValidDate(date) && (date.length === 8 || group.version < '004010');
      if (!dateOk) {
        gIssue(IssueCode.invalidDate, 'GS04 is not a valid date CCYYMMDD', {
          element: 4,
          value: date,
          codes: { ta105: Ta105.invalidContent },
        });
      }
      if (!isValidTime(time, 8)) {
        gIssue(IssueCode.invalidTime, 'GS05 is not a valid time HHMM[SS[dd]]', {
          element: 5,
          value: time,
          codes: { ta105: Ta105.invalidContent },
        });
      }
      if (!/^\d{1,9}$/.test(group.controlNumber)) {
        gIssue(IssueCode.groupControlNumberInvalid, 'GS06 group control number must be 1–9 digits', {
          element: 6,
          value: group.controlNumber,
          codes: { ak905: Ak905.controlNumberSyntax },
        });
      }
      if (group.version === '') {
        gIssue(IssueCode.groupVersionMissing, 'GS08 version is missing', {
          element: 8,
          codes: { ak905: Ak905.versionNotSupported },
        });
      }
    } else {
      group.sender = { qualifier: elementText(segment, 2, 2), id: elementText(segment, 2) };
      group.receiver = { qualifier: elementText(segment, 3, 2), id: elementText(segment, 3) };
      group.controlNumber = elementText(segment, 5);
      const v = segment.elements[6];
      group.version = v === undefined ? '' : typeof v === 'string' ? v : componentsJoined(v);
      if (group.controlNumber === '') {
        gIssue(IssueCode.groupControlNumberInvalid, 'UNG group reference (0048) is missing', {
          element: 5,
          codes: { contrl: Contrl.missing },
        });
      }
    }
    if (group.controlNumber !== '' && this.groupNumbers.has(group.controlNumber)) {
      gIssue(IssueCode.duplicateGroup, `group control number ${group.controlNumber} used twice in this interchange`, {
        element: this.x12 ? 6 : 5,
        value: group.controlNumber,
        codes: this.x12 ? { ak905: Ak905.duplicateControlNumber } : { contrl: Contrl.duplicate },
      });
    }
    this.groupNumbers.add(group.controlNumber);
  }

  private closeGroup(segment: Segment): void {
    this.closeOpenSet(segment.offset);
    const group = this.group;
    if (group === undefined || group.implicit) {
      this.issue(IssueCode.unexpectedTrailer, 'group', `${segment.tag} without ${this.tags.groupHeader}`, {
        segmentTag: segment.tag,
        offset: segment.offset,
        codes: this.x12 ? { ta105: Ta105.invalidControlStructure } : { contrl: Contrl.outsideEnvelope },
      });
      if (group?.implicit) this.group = undefined;
      return;
    }
    group.trailer = segment;
    this.group = undefined;
    const loc = { segmentTag: segment.tag, offset: segment.offset, ...this.where(undefined, group) };
    const count = countValue(segment.elements[0]);
    const declared = componentOf(segment.elements[0]);
    if (count !== group.sets.length) {
      this.groupIssue(
        group,
        count === undefined ? IssueCode.invalidCount : IssueCode.groupCountMismatch,
        `${segment.tag} declares ${declared} sets; the group has ${group.sets.length}`,
        {
          ...loc,
          element: 1,
          value: declared,
          codes: this.x12 ? { ak905: Ak905.countMismatch } : { contrl: Contrl.countMismatch },
        },
      );
    }
    const ref = elementText(segment, 2);
    if (!sameReference(ref, group.controlNumber)) {
      this.groupIssue(
        group,
        IssueCode.groupReferenceMismatch,
        `${segment.tag} control number ${ref} does not match ${group.controlNumber}`,
        {
          ...loc,
          element: 2,
          value: ref,
          codes: this.x12 ? { ak905: Ak905.controlNumberMismatch } : { contrl: Contrl.referencesDoNotMatch },
        },
      );
    }
  }

  private closeOpenGroup(at: number): void {
    const group = this.group;
    if (group === undefined) return;
    this.group = undefined;
    if (group.implicit) return;
    this.groupIssue(
      group,
      IssueCode.groupTrailerMissing,
      `${this.tags.groupTrailer} missing for group ${group.controlNumber}`,
      {
        segmentTag: this.tags.groupTrailer,
        offset: at,
        ...this.where(undefined, group),
        codes: this.x12 ? { ak905: Ak905.trailerMissing } : { contrl: Contrl.missing },
      },
    );
  }

  // --- interchange trailer ---------------------------------------------------

  private closeInterchange(segment: Segment): void {
    this.closeOpenSet(segment.offset);
    this.closeOpenGroup(segment.offset);
    this.interchange.trailer = segment;
    this.done = true;
  }

  /** Checks the interchange trailer against the header; call after {@link readHeader}. */
  checkTrailer(): void {
    const ic = this.interchange;
    const segment = ic.trailer;
    if (segment === undefined) return;
    const loc = { segmentTag: segment.tag, offset: segment.offset };
    // IEA01 counts functional groups; UNZ 0036 counts groups when there are any, else messages (ISO 9735-1 UNZ).
    const explicit = ic.groups.filter((g) => !g.implicit).length;
    const expected = this.x12 || explicit > 0 ? explicit : ic.groups.reduce((n, g) => n + g.sets.length, 0);
    const count = countValue(segment.elements[0]);
    const declared = componentOf(segment.elements[0]);
    if (count !== expected) {
      const what = this.x12 || explicit > 0 ? 'groups' : 'messages';
      this.issue(
        count === undefined ? IssueCode.invalidCount : IssueCode.interchangeCountMismatch,
        'interchange',
        `${segment.tag} declares ${declared} ${what}; the interchange has ${expected}`,
        {
          ...loc,
          element: 1,
          value: declared,
          codes: this.x12 ? { ta105: Ta105.invalidGroupCount } : { contrl: Contrl.countMismatch },
        },
      );
    }
    const ref = elementText(segment, 2);
    if (!sameReference(ref, ic.controlNumber)) {
      this.issue(
        IssueCode.interchangeReferenceMismatch,
        'interchange',
        `${segment.tag} control number ${ref} does not match ${ic.controlNumber}`,
        {
          ...loc,
          element: 2,
          value: ref,
          codes: this.x12 ? { ta105: Ta105.controlNumberMismatch } : { contrl: Contrl.referencesDoNotMatch },
        },
      );
    }
  }

  // --- issue helpers ---------------------------------------------------------

  private where(
    set?: TransactionSet,
    group?: FunctionalGroup,
  ): { interchangeIndex: number; groupIndex?: number; setIndex?: number } {
    const ic = this.interchange;
    const g = group ?? this.group;
    const out: { interchangeIndex: number; groupIndex?: number; setIndex?: number } = { interchangeIndex: this.index };
    if (g !== undefined) {
      out.groupIndex = ic.groups.indexOf(g);
      const s = set ?? this.set;
      if (s !== undefined) out.setIndex = g.sets.indexOf(s);
    }
    return out;
  }

  /** Adds an interchange-level issue (also used for segment-level findings outside sets). */
  issue(code: IssueCodeValue, level: EdiIssue['level'], message: string, init: IssueInit = {}): void {
    this.interchange.issues.push(makeIssue(code, level, message, { interchangeIndex: this.index, ...init }));
  }

  private groupIssue(group: FunctionalGroup, code: IssueCodeValue, message: string, init: IssueInit): void {
    group.issues.push(makeIssue(code, 'group', message, init));
  }

  private setIssue(code: IssueCodeValue, message: string, init: IssueInit, set = this.set): void {
    if (set === undefined) return;
    set.issues.push(makeIssue(code, 'set', message, init));
  }
}

function componentsJoined(v: Exclude<ElementValue, string>): string {
  if ('components' in v) return v.components.join(':');
  const first = v.repeats[0];
  return first === undefined ? '' : typeof first === 'string' ? first : first.components.join(':');
}

/** Flattens every issue of an interchange (interchange, groups, sets) in document order. */
export function allIssues(interchange: Interchange): EdiIssue[] {
  const out = [...interchange.issues];
  for (const g of interchange.groups) {
    out.push(...g.issues);
    for (const s of g.sets) out.push(...s.issues);
  }
  return out;
}

export type { StandardCodes };
