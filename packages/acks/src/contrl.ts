/**
 * EDIFACT CONTRL (syntax and service report, UN/EDIFACT CONTRL D.96A as used
 * with ISO 9735 syntax versions 3 and 4) built from validation findings.
 * Pure: the interchange and its issues in, a message value out.
 */
import {
  contrlNotes,
  type Composite,
  type Delimiters,
  type EdiIssue,
  type ElementValue,
  type FunctionalGroup,
  type Interchange,
  type PartyId,
  type Segment,
  type TransactionSet,
} from '@edigate/edi';
import { composite, hasErrors, segment, type AckClock } from './common.js';

/** 0083 Action, coded: 4 rejected (this level and all below), 7 acknowledged (lower levels unless rejected), 8 received only. */
export type ContrlAction = '4' | '7' | '8';

/** Our delimiters for EDIFACT acknowledgments: the ISO 9735 defaults, one segment per line. */
export const ourEdifactDelimiters: Delimiters = {
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  segment: "'",
  lineSuffix: '\n',
};

/** Options of {@link buildContrl}. */
export interface ContrlOptions {
  /** UNH 0062 of the CONTRL message. */
  controlNumber: string;
  /**
   * Report receipt only (UCI 0083 = 8, no UCF/UCM): the interchange was
   * received, its content is not reported on. Default false.
   */
  receiptOnly?: boolean;
}

/** A CONTRL for one interchange: the message and the outcome. */
export interface Contrl {
  kind: 'contrl';
  /** The CONTRL message (UNH…UNT; UNT is written by the serializer). */
  set: TransactionSet;
  /** UCI 0083. */
  action: ContrlAction;
  /** UCM 0083 per message acknowledged, in order (empty when the interchange is rejected or receipt only). */
  messageActions: ContrlAction[];
}

/** Largest number of UCD per UCS and of UCS per message (CONTRL D.96A: SG2/SG5 max 999, UCD max 99). */
const maxUcd = 99;
const maxUcs = 999;

/** The CONTRL message version edigate sends (the syntax-3 service message; the D96A CONTRL guide reads it). */
export const contrlMessageType: Composite = { components: ['CONTRL', 'D', '3', 'UN'] };

/** An UNB party; an id the partner's UNB did not give (unreadable there) becomes `UNKNOWN`. */
function party(p: PartyId): ElementValue {
  return composite(clean(p.id, 35) || 'UNKNOWN', clean(p.qualifier, 4));
}

// Component widths of the composites a CONTRL echoes (ISO 9735 syntax 3 / D.96A service directory).
const widths = {
  party: [35, 4, 14], // S002 / S003: 0004|0010, 0007, 0008|0014
  application: [35, 4], // S006 / S007: 0040|0044, 0007
  messageType: [6, 3, 3, 2, 6], // S009: 0065, 0052, 0054, 0051, 0057
  reference: [14], // 0020, 0048, 0062
};

function clean(text: string, max: number): string {
  // Control characters (a line break in a wrapped file) are not EDIFACT data; EDIFACT has no way to escape them.
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/[\u0000-\u001f\u007f]/g, '')].slice(0, max).join('');
}

/**
 * A value from the partner's interchange echoed into the CONTRL: control
 * characters dropped, components cut to the directory's widths so that the
 * CONTRL itself stays valid (delimiters are escaped by the serializer).
 */
function echoValue(value: ElementValue | undefined, lengths: readonly number[]): ElementValue {
  if (value === undefined) return '';
  const first = typeof value === 'object' && 'repeats' in value ? value.repeats[0] : value;
  if (first === undefined) return '';
  const parts = typeof first === 'string' ? [first] : first.components;
  return composite(...parts.slice(0, lengths.length).map((p, i) => clean(p, lengths[i]!)));
}

/** The first issue with a 0085 code: an error before a warning. */
function firstCoded(issues: readonly EdiIssue[]): EdiIssue | undefined {
  const coded = issues.filter((i) => i.codes.contrl !== undefined && i.severity === 'error');
  return coded[0];
}

/** 0013 when the finding is on a service segment (UNB, UNZ, UNG, UNE, UNH, UNT). */
function serviceTag(issue: EdiIssue | undefined): string {
  const tag = issue?.segmentTag ?? '';
  return /^UN[A-Z]$/.test(tag) ? tag : '';
}

function ucsSegments(set: TransactionSet): Segment[] {
  const byPosition = new Map<
    number,
    { code?: string; elements: { code: string; element: number; component?: number }[] }
  >();
  for (const issue of set.issues) {
    if (issue.severity !== 'error') continue;
    const notes = contrlNotes(issue);
    if (notes === undefined) continue;
    let entry = byPosition.get(notes.segment.position);
    if (entry === undefined) {
      if (byPosition.size >= maxUcs) continue;
      entry = { elements: [] };
      byPosition.set(notes.segment.position, entry);
    }
    if (notes.segment.code !== undefined && entry.code === undefined) entry.code = notes.segment.code;
    if (notes.element !== undefined && entry.elements.length < maxUcd) entry.elements.push(notes.element);
  }
  const out: Segment[] = [];
  for (const [position, entry] of [...byPosition.entries()].sort((a, b) => a[0] - b[0])) {
    out.push(segment('UCS', [String(position), entry.code ?? '']));
    for (const el of entry.elements) {
      out.push(
        segment('UCD', [
          el.code,
          composite(String(el.element), el.component === undefined ? undefined : String(el.component)),
        ]),
      );
    }
  }
  return out;
}

/** UCM (and its UCS/UCD) for one message. */
function messageReport(set: TransactionSet): { segments: Segment[]; action: ContrlAction } {
  const rejected = hasErrors(set.issues);
  const action: ContrlAction = rejected ? '4' : '7';
  const header = set.segments[0];
  const type = header?.elements[1] ?? set.id;
  let code = '';
  let tag = '';
  if (rejected) {
    const envelope = set.issues.filter((i) => contrlNotes(i) === undefined);
    const first = firstCoded(envelope);
    if (first !== undefined) {
      code = first.codes.contrl!;
      tag = serviceTag(first);
    } else if (set.supported === false) {
      // Message type or version we hold no guide for: "value not supported in this position" (S009).
      code = '14';
      tag = 'UNH';
    }
  }
  const segments = [
    segment('UCM', [
      echoValue(set.controlNumber, widths.reference),
      echoValue(type, widths.messageType),
      action,
      code,
      tag,
    ]),
    ...(rejected ? ucsSegments(set) : []),
  ];
  return { segments, action };
}

/**
 * The CONTRL for an EDIFACT interchange.
 *
 * UCI: the interchange reference, sender and recipient as received; 0083 = 4
 * when an interchange-level finding is an error (0085 its code, 0013 the
 * service segment), else 7 (or 8 with `receiptOnly`). Below a 7: one UCM per
 * message (7 accepted, 4 rejected with 0085 for an envelope finding such as
 * a UNT count, 29), one UCS per segment in error (0096 position from UNH = 1;
 * 0085 for a segment-level finding) with one UCD per element in error (0085,
 * S011 element:component). Messages inside UNG groups are reported under a
 * UCF per group (0083 = 4 when the group has an error of its own or every
 * message is rejected).
 */
export function buildContrl(interchange: Interchange, options: ContrlOptions): Contrl {
  const header = interchange.header;
  const segments: Segment[] = [segment('UNH', [options.controlNumber, contrlMessageType])];
  const ownErrors = interchange.issues.filter((i) => i.severity === 'error');
  const first = firstCoded(ownErrors);
  const action: ContrlAction = options.receiptOnly ? '8' : ownErrors.length > 0 ? '4' : '7';
  const uci = [
    echoValue(interchange.controlNumber, widths.reference),
    echoValue(header.elements[1] ?? party(interchange.sender), widths.party),
    echoValue(header.elements[2] ?? party(interchange.receiver), widths.party),
    action,
    action === '4' ? (first?.codes.contrl ?? '18') : '',
    action === '4' ? serviceTag(first) : '',
  ];
  segments.push(segment('UCI', uci));
  const messageActions: ContrlAction[] = [];
  if (action === '7') {
    for (const group of interchange.groups) {
      const reports = group.sets.map(messageReport);
      for (const r of reports) messageActions.push(r.action);
      if (!group.implicit) segments.push(groupReport(group, reports));
      for (const r of reports) segments.push(...r.segments);
    }
  }
  const set: TransactionSet = {
    id: 'CONTRL',
    controlNumber: options.controlNumber,
    version: 'D3',
    segments,
    complete: false,
    issues: [],
    offset: 0,
  };
  return { kind: 'contrl', set, action, messageActions };
}

function groupReport(group: FunctionalGroup, reports: readonly { action: ContrlAction }[]): Segment {
  const errors = group.issues.filter((i) => i.severity === 'error');
  const first = firstCoded(errors);
  const rejected = errors.length > 0 || (reports.length > 0 && reports.every((r) => r.action === '4'));
  const h = group.header;
  return segment('UCF', [
    echoValue(group.controlNumber, widths.reference),
    echoValue(h?.elements[1], widths.application),
    echoValue(h?.elements[2], widths.application),
    rejected ? '4' : '7',
    errors.length > 0 ? (first?.codes.contrl ?? '18') : '',
    errors.length > 0 ? serviceTag(first) : '',
  ]);
}

/** Options of {@link edifactInterchange}. */
export interface EdifactInterchangeOptions {
  /** UNB S002: us. */
  sender: PartyId;
  /** UNB S003: the partner. */
  recipient: PartyId;
  /** UNB 0020. */
  controlNumber: number | string;
  /** UNB S001 syntax identifier and version, e.g. `UNOC` and `3`. */
  syntax: { identifier: string; version: string };
  clock: AckClock;
  /** UNB 0035 = 1 when true. */
  test: boolean;
  delimiters?: Delimiters;
  /** Messages sent without UNG (an implicit group). */
  messages: TransactionSet[];
  encoding?: string;
}

function unaOf(d: Delimiters): string {
  return `UNA${d.component}${d.element}${d.decimal ?? '.'}${d.release ?? ' '}${d.repetition ?? ' '}${d.segment}`;
}

/**
 * An acknowledgment interchange (UNA UNB … UNZ) as an {@link Interchange}
 * value, ready for `serialize` (which writes UNT/UNZ and their counts). The
 * UNA is always written so the partner need not guess; S004 is YYMMDD:HHMM
 * in syntax versions 1–3 and CCYYMMDD:HHMM in 4 (ISO 9735-2).
 */
export function edifactInterchange(options: EdifactInterchangeOptions): Interchange {
  const d = { ...(options.delimiters ?? ourEdifactDelimiters) };
  const v4 = Number(options.syntax.version) >= 4;
  if (!v4) delete d.repetition;
  else if (d.repetition === undefined || d.repetition === ' ') d.repetition = '*';
  const date = v4 ? options.clock.date : options.clock.date.slice(2);
  const ref = String(options.controlNumber);
  const unb = segment('UNB', [
    composite(options.syntax.identifier, options.syntax.version),
    party(options.sender),
    party(options.recipient),
    composite(date, options.clock.time),
    ref,
    '',
    '',
    '',
    '',
    '',
    options.test ? '1' : '',
  ]);
  const group: FunctionalGroup = {
    implicit: true,
    functionalId: '',
    controlNumber: '',
    version: '',
    sets: options.messages,
    issues: [],
    offset: 0,
  };
  const out: Interchange = {
    standard: 'edifact',
    delimiters: d,
    una: unaOf(d),
    header: unb,
    serviceSegments: [],
    sender: options.sender,
    receiver: options.recipient,
    controlNumber: ref,
    date,
    time: options.clock.time,
    version: `${options.syntax.identifier}:${options.syntax.version}`,
    test: options.test,
    ackRequested: false,
    groups: [group],
    issues: [],
    offset: 0,
    length: 0,
  };
  if (options.encoding !== undefined) out.encoding = options.encoding;
  return out;
}
