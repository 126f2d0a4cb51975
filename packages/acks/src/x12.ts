/**
 * X12 acknowledgments built from validation findings: TA1 (interchange),
 * 997 (functional acknowledgment, X12 004010 / 005010) and 999
 * (implementation acknowledgment, 005010X231A1). Pure: the interchange and
 * its issues in, segment values out. Envelopes are {@link x12Interchange}'s.
 */
import {
  isValidDate,
  isValidTime,
  isX12Version5010OrLater,
  x12IdQualifiers,
  x12Notes,
  type Delimiters,
  type EdiIssue,
  type ElementValue,
  type FunctionalGroup,
  type Interchange,
  type PartyId,
  type Segment,
  type TransactionSet,
  type X12ElementNote,
} from '@edigate/edi';
import { composite, controlNumber, distinctCodes, echo, hasErrors, segment, type AckClock } from './common.js';

/** Our delimiters for X12 acknowledgments (those of most partners' files). */
export const ourX12Delimiters: Delimiters = {
  element: '*',
  component: '>',
  repetition: '^',
  segment: '~',
  lineSuffix: '\n',
};

// ---------------------------------------------------------------- TA1

/** TA104 Interchange Acknowledgment Code (X12 I17). */
export type Ta1Code = 'A' | 'E' | 'R';

/** The TA1 for one interchange, as values and as a segment. */
export interface Ta1 {
  /** TA101: ISA13 of the interchange acknowledged. */
  controlNumber: string;
  /** TA102: ISA09 (YYMMDD). */
  date: string;
  /** TA103: ISA10 (HHMM). */
  time: string;
  /** TA104. */
  acknowledgment: Ta1Code;
  /** TA105 Interchange Note Code (X12 I18); `000` when nothing is noted. */
  noteCode: string;
  segment: Segment;
}

/**
 * The TA1 of an interchange from its interchange-level issues.
 *
 * TA104: `R` when an interchange-level issue with a TA105 code is an error,
 * `E` when such issues are warnings only, else `A`. TA105: the code of the
 * first error (else of the first warning), `000` when none. TA101–TA103 echo
 * ISA13/ISA09/ISA10; a date or time the partner sent invalid (the very
 * finding TA105 014/015 reports) is replaced by `clock` so that the TA1 itself
 * stays valid (TA102 is a DT, TA103 a TM), and an ISA13 that is not nine
 * digits is echoed digit-only, zero-padded.
 */
export function buildTa1(interchange: Interchange, clock: AckClock): Ta1 {
  const noted = interchange.issues.filter((i) => i.codes.ta105 !== undefined && i.codes.ta105 !== '000');
  const first = noted.find((i) => i.severity === 'error') ?? noted[0];
  const acknowledgment: Ta1Code = noted.length === 0 ? 'A' : hasErrors(noted) ? 'R' : 'E';
  const noteCode = first?.codes.ta105 ?? '000';
  const isa13 = interchange.controlNumber.replace(/\D/g, '');
  const ctl = /^\d{9}$/.test(interchange.controlNumber)
    ? interchange.controlNumber
    : controlNumber(isa13.slice(-9) || '0', 9);
  const date = interchange.date.length === 6 && isValidDate(interchange.date) ? interchange.date : clock.date.slice(2);
  const time = interchange.time.length === 4 && isValidTime(interchange.time) ? interchange.time : clock.time;
  return {
    controlNumber: ctl,
    date,
    time,
    acknowledgment,
    noteCode,
    segment: segment('TA1', [ctl, date, time, acknowledgment, noteCode]),
  };
}

// ---------------------------------------------------------------- 997 / 999

/** AK501 / IK501 (X12 717) and AK901 (715) acknowledgment codes edigate sends. */
export type SetAckCode = 'A' | 'E' | 'R';
/** AK901 Functional Group Acknowledge Code (X12 715) as edigate sends it. */
export type GroupAckCode = 'A' | 'E' | 'P' | 'R';

/** Options of {@link build997} and {@link build999}. */
export interface FunctionalAckOptions {
  /** ST02 of the acknowledgment. */
  controlNumber: string;
  /** Delimiters the acknowledgment is written with: echoed values lose these characters. Default {@link ourX12Delimiters}. */
  delimiters?: Delimiters;
}

/** A 997 or 999 for one functional group, as a transaction set value plus the outcome. */
export interface FunctionalAck {
  kind: '997' | '999';
  /** The acknowledgment transaction set (ST…SE; SE is written by the serializer). */
  set: TransactionSet;
  /** GS08 the acknowledgment's own group must carry. */
  groupVersion: string;
  /** AK901. */
  groupCode: GroupAckCode;
  /** AK501 / IK501 per acknowledged set, in order. */
  setCodes: SetAckCode[];
}

/** Largest number of AK4/IK4 per AK3/IK3 loop (997/999: IK4 loop max 99). */
const maxElementNotes = 99;

interface SegmentNote {
  id: string;
  position: number;
  loopId?: string;
  code: string;
  elements: X12ElementNote[];
}

/**
 * AK3/IK3 notes of a set: one per segment in error (by position and tag),
 * element notes beneath. A segment with only element findings reports 720 = 8;
 * a segment-level finding's own code wins when there is one.
 */
function segmentNotes(issues: readonly EdiIssue[]): SegmentNote[] {
  const byKey = new Map<string, SegmentNote>();
  for (const issue of issues) {
    const notes = x12Notes(issue);
    if (notes === undefined) continue;
    const s = notes.segment;
    const key = `${s.position}\u0000${s.segmentId}\u0000${s.loopId ?? ''}`;
    let note = byKey.get(key);
    if (note === undefined) {
      note = { id: s.segmentId, position: s.position, code: s.code, elements: [] };
      if (s.loopId !== undefined) note.loopId = s.loopId;
      byKey.set(key, note);
    } else if (note.code === '8' && s.code !== '8') note.code = s.code;
    if (notes.element !== undefined && note.elements.length < maxElementNotes) note.elements.push(notes.element);
  }
  return [...byKey.values()].sort((a, b) => a.position - b.position);
}

/** AK501/IK501 from a set's issues: any error → R; X12-coded warnings only → E (accepted, errors noted); else A. */
function setAckCode(set: TransactionSet): SetAckCode {
  if (hasErrors(set.issues)) return 'R';
  const coded = set.issues.some(
    (i) => i.codes.ak502 !== undefined || i.codes.ak304 !== undefined || i.codes.ak403 !== undefined,
  );
  return coded ? 'E' : 'A';
}

/** AK901 from the group's own issues and the sets' outcomes (X12 715). */
function groupAckCode(group: FunctionalGroup, setCodes: readonly SetAckCode[]): GroupAckCode {
  if (hasErrors(group.issues)) return 'R';
  const rejected = setCodes.filter((c) => c === 'R').length;
  if (rejected > 0) return rejected === setCodes.length ? 'R' : 'P';
  if (setCodes.includes('E') || group.issues.some((i) => i.codes.ak905 !== undefined)) return 'E';
  return 'A';
}

function ak1(group: FunctionalGroup, withVersion: boolean, d: Delimiters): Segment {
  return segment('AK1', [
    echo(group.functionalId, d, 2),
    echo(group.controlNumber, d, 9),
    withVersion ? echo(group.version, d, 12) : '',
  ]);
}

function ak2(set: TransactionSet, withConvention: boolean, d: Delimiters): Segment {
  const st03 = set.segments[0]?.elements[2];
  const convention = withConvention && typeof st03 === 'string' ? echo(st03, d, 35) : '';
  return segment('AK2', [echo(set.id, d, 3), echo(set.controlNumber, d, 9), convention]);
}

function ak9(group: FunctionalGroup, groupCode: GroupAckCode, setCodes: readonly SetAckCode[]): Segment {
  const ge01 = group.trailer?.elements[0];
  // AK902 is the count GE01 declares (X12: "number of transaction sets included"); AK903 the sets received.
  const declared =
    typeof ge01 === 'string' && /^\d{1,6}$/.test(ge01) ? String(Number(ge01)) : String(group.sets.length);
  const accepted = setCodes.filter((c) => c !== 'R').length;
  const codes = distinctCodes(
    group.issues.map((i) => i.codes.ak905),
    5,
  );
  return segment('AK9', [groupCode, declared, String(group.sets.length), String(accepted), ...codes]);
}

/** The C030 position: element, component (when inside a composite), repetition (5010 only). */
function position(note: SegmentNote['elements'][number], withRepetition: boolean): ElementValue {
  const repetition =
    withRepetition && note.repetition !== undefined && note.repetition > 1 ? String(note.repetition) : undefined;
  const component = note.component !== undefined ? String(note.component) : repetition !== undefined ? '' : undefined;
  return composite(String(note.element), component, repetition);
}

function elementNote(
  tag: 'AK4' | 'IK4',
  note: SegmentNote['elements'][number],
  opts: { withRepetition: boolean; d: Delimiters },
): Segment {
  // X12: AK404/IK404 is a copy of the bad data element, AN 1/99.
  const bad = note.badValue === undefined ? '' : echo(note.badValue, opts.d, 99);
  const ref = note.elementRef !== undefined && /^\d{1,4}$/.test(note.elementRef) ? note.elementRef : '';
  return segment(tag, [position(note, opts.withRepetition), ref, note.code, bad]);
}

/** Identifier of the business unit of a set (999 CTX "business unit identifier"): the document number element. */
const businessUnitElement: Readonly<Record<string, { tag: string; element: number }>> = {
  '850': { tag: 'BEG', element: 3 },
  '855': { tag: 'BAK', element: 3 },
  '856': { tag: 'BSN', element: 2 },
  '810': { tag: 'BIG', element: 2 },
  '846': { tag: 'BIA', element: 3 },
};

function businessUnit(set: TransactionSet, d: Delimiters): { name: string; value: string } | undefined {
  const where = businessUnitElement[set.id];
  if (where === undefined) return undefined;
  const seg = set.segments.find((s) => s.tag === where.tag);
  const raw = seg?.elements[where.element - 1];
  if (typeof raw !== 'string') return undefined;
  const value = echo(raw, d, 35);
  if (value === '') return undefined;
  return { name: `${where.tag}${String(where.element).padStart(2, '0')}`, value };
}

function stSegment(id: '997' | '999', ctl: string, convention?: string): Segment {
  return segment('ST', [id, ctl, convention ?? '']);
}

function ackSet(id: '997' | '999', ctl: string, version: string, segments: Segment[]): TransactionSet {
  return {
    id,
    controlNumber: ctl,
    version,
    segments,
    complete: false,
    issues: [],
    offset: 0,
  };
}

/**
 * The 997 for one functional group (X12 004010 997; the 005010 997 when the
 * group is 005010 or later: AK103 = GS08, AK203 = ST03, C030 repetition).
 *
 * One AK2 loop per set (accepted ones included); AK3 per segment in error
 * with AK4 per element in error; AK5 A/E/R with up to five 717 codes; AK9
 * A/E/P/R with up to five 716 codes. See docs/acks.md for the rules.
 */
export function build997(group: FunctionalGroup, options: FunctionalAckOptions): FunctionalAck {
  const d = options.delimiters ?? ourX12Delimiters;
  const v5010 = isX12Version5010OrLater(group.version);
  const segments: Segment[] = [stSegment('997', options.controlNumber), ak1(group, v5010, d)];
  const setCodes: SetAckCode[] = [];
  for (const set of group.sets) {
    segments.push(ak2(set, v5010, d));
    for (const note of segmentNotes(set.issues)) {
      segments.push(
        segment('AK3', [echo(note.id, d, 3), String(note.position), echo(note.loopId ?? '', d, 6), note.code]),
      );
      for (const el of note.elements) segments.push(elementNote('AK4', el, { withRepetition: v5010, d }));
    }
    const code = setAckCode(set);
    setCodes.push(code);
    // I5/I6 (717) belong to the 999 only.
    const codes = distinctCodes(
      set.issues.map((i) => i.codes.ak502).filter((c) => c === undefined || !c.startsWith('I')),
      5,
    );
    segments.push(segment('AK5', [code, ...codes]));
  }
  const groupCode = groupAckCode(group, setCodes);
  segments.push(ak9(group, groupCode, setCodes));
  return {
    kind: '997',
    set: ackSet('997', options.controlNumber, v5010 ? '005010' : '004010', segments),
    groupVersion: v5010 ? '005010' : '004010',
    groupCode,
    setCodes,
  };
}

/**
 * The 999 for one functional group (005010X231A1): AK1 with GS08, AK2 with
 * ST03 when present, IK3 per segment in error followed by a business-unit CTX
 * (`CTX*BEG03>PO-1`, for the sets listed in docs/acks.md), IK4 per element in
 * error with the C030 position, IK5 and AK9 as in the 997.
 */
export function build999(group: FunctionalGroup, options: FunctionalAckOptions): FunctionalAck {
  const d = options.delimiters ?? ourX12Delimiters;
  const segments: Segment[] = [stSegment('999', options.controlNumber, '005010X231A1'), ak1(group, true, d)];
  const setCodes: SetAckCode[] = [];
  for (const set of group.sets) {
    segments.push(ak2(set, true, d));
    const unit = businessUnit(set, d);
    for (const note of segmentNotes(set.issues)) {
      segments.push(
        segment('IK3', [echo(note.id, d, 3), String(note.position), echo(note.loopId ?? '', d, 6), note.code]),
      );
      if (unit !== undefined) segments.push(segment('CTX', [composite(unit.name, unit.value)]));
      for (const el of note.elements) segments.push(elementNote('IK4', el, { withRepetition: true, d }));
    }
    const code = setAckCode(set);
    setCodes.push(code);
    segments.push(
      segment('IK5', [
        code,
        ...distinctCodes(
          set.issues.map((i) => i.codes.ak502),
          5,
        ),
      ]),
    );
  }
  const groupCode = groupAckCode(group, setCodes);
  segments.push(ak9(group, groupCode, setCodes));
  return {
    kind: '999',
    set: ackSet('999', options.controlNumber, '005010X231A1', segments),
    groupVersion: '005010X231A1',
    groupCode,
    setCodes,
  };
}

// ---------------------------------------------------------------- envelopes

/** One FA group of an X12 acknowledgment interchange. */
export interface X12AckGroup {
  /** GS06. */
  controlNumber: string;
  /** GS08. */
  version: string;
  /** GS02 (our application code) and GS03 (the partner's). */
  sender: string;
  receiver: string;
  sets: TransactionSet[];
}

/** Options of {@link x12Interchange}. */
export interface X12InterchangeOptions {
  /** ISA05/06: us. */
  sender: PartyId;
  /** ISA07/08: the partner. */
  receiver: PartyId;
  /** ISA13 (written as nine digits). */
  controlNumber: number | string;
  /** ISA12: `00401` or `00501`. */
  version: string;
  /** ISA15 `T` when true. */
  test: boolean;
  clock: AckClock;
  delimiters?: Delimiters;
  /** TA1 and other service segments between ISA and the first GS. */
  serviceSegments?: Segment[];
  groups?: X12AckGroup[];
  /** Written with the interchange's own encoding (default latin1). */
  encoding?: string;
}

/**
 * An ISA party fit for our ISA: a qualifier outside I05 (the partner's ISA was
 * unreadable there) becomes ZZ (mutually defined), an empty id `UNKNOWN`.
 */
function isaParty(p: PartyId, d: Delimiters): { qualifier: string; id: string } {
  const qualifier = echo(p.qualifier.trim(), d);
  const id = echo(p.id.trim(), d, 15);
  return { qualifier: x12IdQualifiers.has(qualifier) ? qualifier : 'ZZ', id: pad(id === '' ? 'UNKNOWN' : id, 15) };
}

function pad(value: string, width: number): string {
  return value.length >= width ? value.slice(0, width) : value.padEnd(width, ' ');
}

/**
 * An acknowledgment interchange (ISA … IEA) as an {@link Interchange} value,
 * ready for `serialize` (which writes SE/GE/IEA and their counts). ISA fields
 * have the fixed widths of X12.5; ISA14 is 0 (an acknowledgment is never
 * acknowledged); ISA11 is `U` before 00402, else the repetition separator.
 */
export function x12Interchange(options: X12InterchangeOptions): Interchange {
  const d = { ...(options.delimiters ?? ourX12Delimiters) };
  const v5010 = options.version >= '00402';
  if (v5010 && (d.repetition === undefined || d.repetition === '')) d.repetition = pickFree(d, ['^', '!', '`', '{']);
  if (!v5010) delete d.repetition;
  const ctl = controlNumber(options.controlNumber, 9);
  const sender = isaParty(options.sender, d);
  const receiver = isaParty(options.receiver, d);
  const isa: Segment = {
    tag: 'ISA',
    elements: [
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      sender.qualifier,
      sender.id,
      receiver.qualifier,
      receiver.id,
      options.clock.date.slice(2),
      options.clock.time,
      v5010 ? d.repetition! : 'U',
      options.version,
      ctl,
      '0',
      options.test ? 'T' : 'P',
      d.component,
    ],
    offset: 0,
    length: 0,
  };
  const groups: FunctionalGroup[] = (options.groups ?? []).map((g) => ({
    implicit: false,
    header: segment('GS', [
      'FA',
      echo(g.sender, d, 15),
      echo(g.receiver, d, 15),
      options.clock.date,
      options.clock.time,
      g.controlNumber,
      'X',
      g.version,
    ]),
    functionalId: 'FA',
    controlNumber: g.controlNumber,
    version: g.version,
    sets: g.sets,
    issues: [],
    offset: 0,
  }));
  const out: Interchange = {
    standard: 'x12',
    delimiters: d,
    header: isa,
    serviceSegments: options.serviceSegments ?? [],
    sender: options.sender,
    receiver: options.receiver,
    controlNumber: ctl,
    date: options.clock.date.slice(2),
    time: options.clock.time,
    version: options.version,
    test: options.test,
    ackRequested: false,
    groups,
    issues: [],
    offset: 0,
    length: 0,
  };
  if (options.encoding !== undefined) out.encoding = options.encoding;
  return out;
}

/** The first candidate that is none of the interchange's delimiters. */
export function pickFree(d: Delimiters, candidates: readonly string[]): string {
  const used = new Set([d.element, d.component, d.segment, d.repetition ?? '']);
  return candidates.find((c) => !used.has(c)) ?? candidates[candidates.length - 1]!;
}
