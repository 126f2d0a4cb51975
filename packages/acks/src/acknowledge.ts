/**
 * `acknowledge`: every acknowledgment one received interchange calls for,
 * chosen by the partner's policy, built as {@link Interchange} values and
 * written by the same serializer that writes every other interchange.
 */
import {
  serialize,
  validateGuides,
  type Delimiters,
  type Interchange,
  type PartyId,
  type TransactionSet,
} from '@edigate/edi';
import { clockOf, type AckClock } from './common.js';
import { buildContrl, edifactInterchange, ourEdifactDelimiters, type Contrl } from './contrl.js';
import {
  build997,
  build999,
  buildTa1,
  ourX12Delimiters,
  pickFree,
  x12Interchange,
  type FunctionalAck,
  type Ta1,
  type X12AckGroup,
} from './x12.js';

/** The kinds of acknowledgment edigate builds from validation findings. */
export type AckKind = 'ta1' | '997' | '999' | 'contrl';

/** How a partner wants to be acknowledged (partner profile `acks:`). */
export interface AckPolicy {
  /** The functional acknowledgment for X12 groups. Default `997`; `none` sends none. */
  x12Ack?: '997' | '999' | 'none';
  /**
   * TA1: `always`; `on-error` (default) — when the interchange has a TA105
   * finding or ISA14 = 1 asks for one; `never`.
   */
  ta1?: 'always' | 'on-error' | 'never';
  /** CONTRL: `always`; `requested` (default) — when UNB 0031 = 1; `never`. */
  contrl?: 'always' | 'requested' | 'never';
  /** CONTRL reports receipt only (UCI 0083 = 8). Default false. */
  contrlReceiptOnly?: boolean;
  /** Write acknowledgments with our delimiters (default) or mirror the partner's. */
  delimiters?: 'ours' | 'mirror';
}

/** The first control numbers to use; each acknowledgment takes the next ones (the ledger allocates them). */
export interface AckControlNumbers {
  /** ISA13 / UNB 0020 of the first acknowledgment interchange. */
  interchange: number;
  /** GS06 of the first FA group. */
  group: number;
  /** ST02 / UNH 0062 of the first acknowledgment set. */
  set: number;
}

/** Options of {@link acknowledge}. */
export interface AcknowledgeOptions extends AckPolicy {
  /** Our interchange ids; absent: the receiver of the interchange acknowledged. */
  ourIds?: { x12?: PartyId; edifact?: PartyId };
  controlNumbers: AckControlNumbers;
  /** When the acknowledgment is made: a Date (read in UTC) or a fixed clock. Default now. */
  at?: Date | AckClock;
  /** Build only this kind, whatever the policy and the request flags say (the CLI's `--type`). */
  only?: AckKind;
}

/** One acknowledgment: its kind, the interchange that carries it and its bytes. */
export interface Acknowledgment {
  kind: AckKind;
  interchange: Interchange;
  bytes: Uint8Array;
  /** What the acknowledgment says, per kind. */
  detail: Ta1 | FunctionalAck[] | Contrl;
}

function counter(start: number): () => number {
  let n = start;
  return () => n++;
}

function trimmed(p: PartyId): PartyId {
  return { qualifier: p.qualifier.trim(), id: p.id.trim() };
}

/**
 * Whether the partner's delimiters can be mirrored: each a single character
 * that is no letter, digit or space, all distinct, an EDIFACT decimal mark `.`
 * or `,`, and no finding about them (TA105 004/026/027, the UNA). Otherwise
 * edigate answers with its own.
 */
function mirrorable(ic: Interchange): boolean {
  const d = ic.delimiters;
  const chars = [d.element, d.component, d.segment, d.repetition, d.release].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  if (chars.some((c) => [...c].length !== 1 || /[\p{L}\p{N}\s]/u.test(c))) return false;
  if (new Set(chars).size !== chars.length) return false;
  if (d.decimal !== undefined && d.decimal !== '.' && d.decimal !== ',') return false;
  return !ic.issues.some(
    (i) =>
      ['004', '026', '027'].includes(i.codes.ta105 ?? '') ||
      i.code === 'INVALID_SEGMENT_TERMINATOR' ||
      i.segmentTag === 'UNA',
  );
}

function x12Delimiters(ic: Interchange, mode: AckPolicy['delimiters']): Delimiters {
  if (mode !== 'mirror' || !mirrorable(ic)) return ourX12Delimiters;
  const d: Delimiters = {
    element: ic.delimiters.element,
    component: ic.delimiters.component,
    segment: ic.delimiters.segment,
  };
  if (ic.delimiters.repetition !== undefined) d.repetition = ic.delimiters.repetition;
  if (ic.delimiters.lineSuffix !== undefined) d.lineSuffix = ic.delimiters.lineSuffix;
  if (d.component === '') d.component = pickFree(d, ['>', ':', '\\', '{']);
  // A 005010 acknowledgment (999) of a 004010 interchange needs a repetition separator; echoed values must not hold it.
  if (d.repetition === undefined || d.repetition === '') d.repetition = pickFree(d, ['^', '!', '`', '{']);
  return d;
}

function edifactDelimiters(ic: Interchange, mode: AckPolicy['delimiters']): Delimiters {
  return mode === 'mirror' && mirrorable(ic) ? { ...ic.delimiters } : ourEdifactDelimiters;
}

/**
 * The acknowledgments a received interchange calls for, per `options`
 * (see {@link AckPolicy}), each as an interchange value and its bytes.
 *
 * X12: a TA1 (ISA/TA1/IEA) by the `ta1` policy; unless the TA1 rejects the
 * interchange, one interchange with the 997s or 999s of its functional groups
 * (FA groups — acknowledgments themselves — are never acknowledged), one FA
 * group per acknowledgment version. EDIFACT: a CONTRL by the `contrl` policy
 * (never for an interchange of CONTRL messages). Sets not yet checked against
 * their guides are checked first (`validateGuides`, in place).
 *
 * Never throws for bad input: findings become acknowledgment codes.
 */
export function acknowledge(interchange: Interchange, options: AcknowledgeOptions): Acknowledgment[] {
  validateGuides(interchange);
  const clock =
    options.at === undefined ? clockOf(new Date()) : options.at instanceof Date ? clockOf(options.at) : options.at;
  const next = {
    interchange: counter(options.controlNumbers.interchange),
    group: counter(options.controlNumbers.group),
    set: counter(options.controlNumbers.set),
  };
  return interchange.standard === 'x12'
    ? acknowledgeX12(interchange, options, { clock, next })
    : acknowledgeEdifact(interchange, options, { clock, next });
}

interface Context {
  clock: AckClock;
  next: { interchange: () => number; group: () => number; set: () => number };
}

function wants(kind: AckKind, options: AcknowledgeOptions, byPolicy: boolean): boolean {
  return options.only === undefined ? byPolicy : options.only === kind;
}

function acknowledgeX12(ic: Interchange, options: AcknowledgeOptions, { clock, next }: Context): Acknowledgment[] {
  const out: Acknowledgment[] = [];
  const d = x12Delimiters(ic, options.delimiters);
  const sender = options.ourIds?.x12 ?? trimmed(ic.receiver);
  const receiver = trimmed(ic.sender);
  const common = {
    sender,
    receiver,
    clock,
    delimiters: d,
    test: ic.test,
    ...(ic.encoding === undefined ? {} : { encoding: ic.encoding }),
  };
  const ta1 = buildTa1(ic, clock);
  // An interchange of TA1s only is itself an acknowledgment: it is not acknowledged.
  const isAck = ic.groups.length === 0 && ic.serviceSegments.some((s) => s.tag === 'TA1');
  const ta1Policy = options.ta1 ?? 'on-error';
  const ta1ByPolicy =
    !isAck && (ta1Policy === 'always' || (ta1Policy === 'on-error' && (ic.ackRequested || ta1.acknowledgment !== 'A')));
  if (wants('ta1', options, ta1ByPolicy)) {
    const version = ic.version >= '00501' ? '00501' : '00401';
    const interchange = x12Interchange({
      ...common,
      controlNumber: next.interchange(),
      version,
      serviceSegments: [ta1.segment],
    });
    out.push({ kind: 'ta1', interchange, bytes: serialize(interchange), detail: ta1 });
  }
  const kind = options.only === '997' || options.only === '999' ? options.only : (options.x12Ack ?? '997');
  if (kind === 'none' || (options.only !== undefined && options.only !== kind)) return out;
  // A rejected interchange (TA104 = R) is not processed further, so its groups get no 997/999.
  if (ta1.acknowledgment === 'R' && options.only === undefined) return out;
  const groups = ic.groups.filter((g) => g.functionalId !== 'FA' && !g.implicit);
  if (groups.length === 0) return out;
  const acks: FunctionalAck[] = [];
  const byVersion = new Map<string, FunctionalAck[]>();
  for (const group of groups) {
    const ctl = String(next.set()).padStart(4, '0');
    const ack =
      kind === '999'
        ? build999(group, { controlNumber: ctl, delimiters: d })
        : build997(group, { controlNumber: ctl, delimiters: d });
    acks.push(ack);
    byVersion.set(ack.groupVersion, [...(byVersion.get(ack.groupVersion) ?? []), ack]);
  }
  const ackGroups: X12AckGroup[] = [...byVersion.entries()].map(([version, list]) => {
    const first = groups[acks.indexOf(list[0]!)]!;
    return {
      controlNumber: String(next.group()),
      version,
      sender: first.receiver?.id.trim() || sender.id,
      receiver: first.sender?.id.trim() || receiver.id,
      sets: list.map((a): TransactionSet => a.set),
    };
  });
  const version = [...byVersion.keys()].every((v) => v.startsWith('00501')) ? '00501' : '00401';
  const interchange = x12Interchange({ ...common, controlNumber: next.interchange(), version, groups: ackGroups });
  out.push({ kind, interchange, bytes: serialize(interchange), detail: acks });
  return out;
}

function acknowledgeEdifact(ic: Interchange, options: AcknowledgeOptions, { clock, next }: Context): Acknowledgment[] {
  const sets = ic.groups.flatMap((g) => g.sets);
  const isAck = sets.length > 0 && sets.every((s) => s.id === 'CONTRL');
  const policy = options.contrl ?? 'requested';
  const byPolicy = !isAck && (policy === 'always' || (policy === 'requested' && ic.ackRequested));
  if (!wants('contrl', options, byPolicy)) return [];
  const contrl = buildContrl(ic, {
    controlNumber: String(next.set()),
    receiptOnly: options.contrlReceiptOnly === true,
  });
  const [identifier = '', version = ''] = ic.version.split(':');
  // An identifier edigate does not know (`ANSI:1`) is answered in UNOC:3, written as latin1.
  const known = /^UNO[A-Z]$/.test(identifier) && /^[1-4]$/.test(version);
  const syntax = known ? { identifier, version } : { identifier: 'UNOC', version: '3' };
  const interchange = edifactInterchange({
    sender: options.ourIds?.edifact ?? ic.receiver,
    recipient: ic.sender,
    controlNumber: next.interchange(),
    syntax,
    clock,
    test: ic.test,
    delimiters: edifactDelimiters(ic, options.delimiters),
    messages: [contrl.set],
    ...(ic.encoding === undefined || !known ? {} : { encoding: ic.encoding }),
  });
  return [{ kind: 'contrl', interchange, bytes: serialize(interchange), detail: contrl }];
}
