/**
 * Ops queries over the ledger, shared by the CLI and the HTTP API: keyset
 * (cursor) pagination on a stable order with a tiebreaker, so paging while
 * rows are inserted neither repeats nor skips a row (playbook B-001).
 */
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from './db.js';
import {
  acknowledgments,
  archiveEntries,
  as2Messages,
  documents,
  functionalGroups,
  interchanges,
  transactionSets,
} from './schema.js';
import type { As2MessageRecord, Direction, Party, RecordStatus } from './types.js';

/** Filters of the interchange list (CLI `edigate ledger interchanges`, API `GET /ledger/interchanges`). */
export interface InterchangeFilter {
  partnerId?: string;
  status?: RecordStatus | RecordStatus[];
  direction?: Direction;
  /** Received/sent at or after. */
  from?: Date;
  /** Received/sent before. */
  to?: Date;
  /** Interchange control number (ISA13 / UNB 0020), exact. */
  controlNumber?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1–500 (default 50). */
  limit?: number;
}

/** Filters of the duplicate list. */
export type DuplicateFilter = Omit<InterchangeFilter, 'status'>;

/** One page and the cursor of the next (null on the last page). */
export interface Page<T> {
  rows: T[];
  nextCursor: string | null;
}

/** The latest acknowledgment of an interchange. */
export interface AckSummary {
  direction: 'sent' | 'received';
  kind: string;
  code: string | null;
  at: Date;
}

/** One interchange in a list. */
export interface InterchangeSummary {
  id: number;
  direction: Direction;
  partnerId: string | null;
  standard: 'x12' | 'edifact';
  sender: Party;
  receiver: Party;
  controlNumber: string;
  version: string;
  test: boolean;
  groupCount: number;
  setCount: number;
  status: RecordStatus;
  at: Date;
  duplicateOf: number | null;
  /** The latest acknowledgment sent (inbound) or received (outbound), if any. */
  ack: AckSummary | null;
}

/** A duplicate receipt with the original it repeats. */
export interface DuplicateSummary extends InterchangeSummary {
  original: { id: number; at: Date; status: RecordStatus } | null;
}

/** Thrown for a cursor that this ledger did not make. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid pagination cursor');
    this.name = 'InvalidCursorError';
  }
}

/**
 * Cursor format: base64url of `<at in epoch milliseconds>.<id>` of the last
 * row of the page. Rows are ordered by (at DESC, id DESC); the next page is
 * every row strictly after that pair. `at` is stored with millisecond
 * precision, so the pair compares exactly.
 */
export function encodeCursor(at: Date, id: number): string {
  return Buffer.from(`${at.getTime()}.${id}`, 'utf8').toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; throws {@link InvalidCursorError}. */
export function decodeCursor(cursor: string): { at: Date; id: number } {
  const m = /^(-?\d{1,15})\.(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new InvalidCursorError();
  return { at: new Date(Number(m[1])), id: Number(m[2]) };
}

// drizzle writes columns unqualified in a select list, where "id" inside a subquery would mean the subquery's own.
const interchangeIdQualified = sql.raw('"interchanges"."id"');

const ackSummary = sql<{ direction: 'sent' | 'received'; kind: string; code: string | null; at: string } | null>`(
  SELECT json_build_object('direction', a.direction, 'kind', a.kind, 'code', a.code, 'at', a.at)
  FROM ${acknowledgments} a WHERE a.interchange_id = ${interchangeIdQualified}
  ORDER BY a.at DESC, a.id DESC LIMIT 1)`;

const summaryColumns = {
  id: interchanges.id,
  direction: interchanges.direction,
  partnerId: interchanges.partnerId,
  standard: interchanges.standard,
  senderQualifier: interchanges.senderQualifier,
  senderId: interchanges.senderId,
  receiverQualifier: interchanges.receiverQualifier,
  receiverId: interchanges.receiverId,
  controlNumber: interchanges.controlNumber,
  version: interchanges.version,
  test: interchanges.test,
  groupCount: interchanges.groupCount,
  setCount: interchanges.setCount,
  status: interchanges.status,
  at: interchanges.at,
  duplicateOf: interchanges.duplicateOf,
  ack: ackSummary,
};

type SummaryRow = Omit<
  typeof interchanges.$inferSelect,
  | 'issues'
  | 'envelopeDate'
  | 'envelopeTime'
  | 'ackRequested'
  | 'dedupeUntil'
  | 'dedupeActive'
  | 'as2MessageId'
  | 'archiveId'
> & {
  ack: { direction: 'sent' | 'received'; kind: string; code: string | null; at: string } | null;
};

function toSummary(r: SummaryRow): InterchangeSummary {
  return {
    id: r.id,
    direction: r.direction,
    partnerId: r.partnerId,
    standard: r.standard,
    sender: { qualifier: r.senderQualifier, id: r.senderId },
    receiver: { qualifier: r.receiverQualifier, id: r.receiverId },
    controlNumber: r.controlNumber,
    version: r.version,
    test: r.test,
    groupCount: r.groupCount,
    setCount: r.setCount,
    status: r.status as RecordStatus,
    at: r.at,
    duplicateOf: r.duplicateOf,
    ack: r.ack ? { ...r.ack, at: new Date(r.ack.at) } : null,
  };
}

function filterConditions(filter: InterchangeFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.partnerId !== undefined) where.push(eq(interchanges.partnerId, filter.partnerId));
  if (filter.direction !== undefined) where.push(eq(interchanges.direction, filter.direction));
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(inArray(interchanges.status, statuses));
  }
  if (filter.from !== undefined) where.push(gte(interchanges.at, filter.from));
  if (filter.to !== undefined) where.push(lt(interchanges.at, filter.to));
  if (filter.controlNumber !== undefined) where.push(eq(interchanges.controlNumber, filter.controlNumber));
  if (filter.cursor !== undefined) {
    const c = decodeCursor(filter.cursor);
    // Row comparison: strictly after the last row of the previous page in (at DESC, id DESC) order.
    where.push(sql`(${interchanges.at}, ${interchanges.id}) < (${c.at.toISOString()}::timestamptz, ${c.id}::bigint)`);
  }
  return where;
}

function pageSize(limit: number | undefined): number {
  return Math.min(500, Math.max(1, Math.trunc(limit ?? 50)));
}

/** Interchanges matching `filter`, newest first, one page. */
export async function listInterchanges(db: Db, filter: InterchangeFilter): Promise<Page<InterchangeSummary>> {
  const limit = pageSize(filter.limit);
  const rows = await db
    .select(summaryColumns)
    .from(interchanges)
    .where(and(...filterConditions(filter)))
    .orderBy(desc(interchanges.at), desc(interchanges.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map((r) => toSummary(r as SummaryRow));
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
}

/** Duplicate receipts, newest first, each with its original. */
export async function listDuplicates(db: Db, filter: DuplicateFilter): Promise<Page<DuplicateSummary>> {
  const page = await listInterchanges(db, { ...filter, status: 'duplicate' });
  const originalIds = [...new Set(page.rows.map((r) => r.duplicateOf).filter((id): id is number => id !== null))];
  const originals =
    originalIds.length === 0
      ? []
      : await db
          .select({ id: interchanges.id, at: interchanges.at, status: interchanges.status })
          .from(interchanges)
          .where(inArray(interchanges.id, originalIds));
  const byId = new Map(originals.map((o) => [o.id, { ...o, status: o.status as RecordStatus }]));
  return {
    rows: page.rows.map((r) => ({ ...r, original: (r.duplicateOf !== null && byId.get(r.duplicateOf)) || null })),
    nextCursor: page.nextCursor,
  };
}

/** Which outbound interchanges count as overdue. */
export interface OverdueAckQuery {
  /** The time to judge against (default: now). */
  now?: Date;
  /** Acknowledgment SLA per partner in milliseconds (Initech `ack<=15m` → 900000). */
  slaByPartner: Record<string, number>;
  /** SLA for partners not in `slaByPartner`; unset: those partners are not checked. */
  defaultSlaMs?: number;
  partnerId?: string;
  limit?: number;
}

/** An outbound interchange still waiting for its functional acknowledgment. */
export interface OverdueAck extends InterchangeSummary {
  slaMs: number;
  /** When the acknowledgment was due. */
  dueAt: Date;
  /** How late it is, in milliseconds. */
  overdueMs: number;
}

/** Outbound interchanges with no 997 / 999 / CONTRL received past their partner's SLA, oldest first. */
export async function listOverdueAcks(database: Database, q: OverdueAckQuery): Promise<OverdueAck[]> {
  const now = q.now ?? new Date();
  const sla = sql`coalesce((${JSON.stringify(q.slaByPartner)}::jsonb ->> ${interchanges.partnerId})::bigint, ${q.defaultSlaMs ?? null}::bigint)`;
  const where = [
    eq(interchanges.direction, 'outbound'),
    sql`${sla} IS NOT NULL`,
    sql`${interchanges.at} + ${sla} * interval '1 millisecond' < ${now.toISOString()}::timestamptz`,
    sql`NOT EXISTS (SELECT 1 FROM ${acknowledgments} a WHERE a.interchange_id = ${interchangeIdQualified}
          AND a.direction = 'received' AND a.kind IN ('997', '999', 'CONTRL'))`,
  ];
  if (q.partnerId !== undefined) where.push(eq(interchanges.partnerId, q.partnerId));
  const rows = await database.db
    .select({ ...summaryColumns, slaMs: sql<string>`${sla}` })
    .from(interchanges)
    .where(and(...where))
    .orderBy(asc(interchanges.at), asc(interchanges.id))
    .limit(pageSize(q.limit ?? 500));
  return rows.map((r) => {
    const s = toSummary(r);
    const slaMs = Number(r.slaMs);
    const dueAt = new Date(s.at.getTime() + slaMs);
    return { ...s, slaMs, dueAt, overdueMs: now.getTime() - dueAt.getTime() };
  });
}

/** Interchanges a reference names: `id:<n>`, an id, or a control number of an interchange, group or set. */
export async function findInterchanges(db: Db, ref: string): Promise<InterchangeSummary[]> {
  const r = ref.trim();
  const idMatch = /^id:(\d{1,18})$/.exec(r);
  if (idMatch) {
    const rows = await db
      .select(summaryColumns)
      .from(interchanges)
      .where(eq(interchanges.id, Number(idMatch[1])));
    return rows.map((x) => toSummary(x as SummaryRow));
  }
  const byNumber = or(
    eq(interchanges.controlNumber, r),
    sql`EXISTS (SELECT 1 FROM ${functionalGroups} g WHERE g.interchange_id = ${interchangeIdQualified} AND g.control_number = ${r})`,
    sql`EXISTS (SELECT 1 FROM ${transactionSets} t WHERE t.interchange_id = ${interchangeIdQualified} AND t.control_number = ${r})`,
  );
  const cond = /^[1-9]\d{0,17}$/.test(r) ? or(eq(interchanges.id, Number(r)), byNumber) : byNumber;
  const rows = await db
    .select(summaryColumns)
    .from(interchanges)
    .where(cond)
    .orderBy(desc(interchanges.at), desc(interchanges.id))
    .limit(50);
  const all = rows.map((x) => toSummary(x as SummaryRow));
  // An exact id match comes first.
  return [...all.filter((x) => String(x.id) === r), ...all.filter((x) => String(x.id) !== r)];
}

/** A translated document as recorded. */
export type DocumentRecord = typeof documents.$inferSelect;
/** An acknowledgment as recorded. */
export type AcknowledgmentRecord = typeof acknowledgments.$inferSelect;
/** An archive entry as recorded. */
export type ArchiveRecord = typeof archiveEntries.$inferSelect;
/** An interchange row as recorded. */
export type InterchangeRecord = typeof interchanges.$inferSelect;
/** A functional group row with its sets. */
export type GroupRecord = typeof functionalGroups.$inferSelect & { sets: SetRecord[] };
/** A transaction set row with its documents and acknowledgments. */
export type SetRecord = typeof transactionSets.$inferSelect & {
  documents: DocumentRecord[];
  acknowledgments: AcknowledgmentRecord[];
};

/** Everything the ledger knows about one interchange. */
export interface InterchangeChain {
  interchange: InterchangeRecord;
  /** For a duplicate: the original. */
  original: InterchangeSummary | null;
  /** Later receipts recorded as duplicates of this one. */
  duplicates: InterchangeSummary[];
  /** The AS2 message that carried it, with its MDN fields. */
  as2Message: As2MessageRecord | null;
  archive: ArchiveRecord | null;
  groups: GroupRecord[];
  /** Acknowledgments of the interchange itself (not of one group or set), and of groups. */
  acknowledgments: AcknowledgmentRecord[];
  /** Documents not tied to one set. */
  documents: DocumentRecord[];
}

/** The chain of one interchange by id. */
export async function showInterchange(db: Db, id: number): Promise<InterchangeChain | undefined> {
  const [interchange] = await db.select().from(interchanges).where(eq(interchanges.id, id));
  if (!interchange) return undefined;
  const [groups, sets, acks, docs, dups, original, as2, archive] = await Promise.all([
    db
      .select()
      .from(functionalGroups)
      .where(eq(functionalGroups.interchangeId, id))
      .orderBy(asc(functionalGroups.position)),
    db
      .select()
      .from(transactionSets)
      .where(eq(transactionSets.interchangeId, id))
      .orderBy(asc(transactionSets.groupId), asc(transactionSets.position)),
    db
      .select()
      .from(acknowledgments)
      .where(eq(acknowledgments.interchangeId, id))
      .orderBy(asc(acknowledgments.at), asc(acknowledgments.id)),
    db.select().from(documents).where(eq(documents.interchangeId, id)).orderBy(asc(documents.id)),
    db
      .select(summaryColumns)
      .from(interchanges)
      .where(eq(interchanges.duplicateOf, id))
      .orderBy(asc(interchanges.at), asc(interchanges.id)),
    interchange.duplicateOf === null
      ? Promise.resolve([])
      : db.select(summaryColumns).from(interchanges).where(eq(interchanges.id, interchange.duplicateOf)),
    interchange.as2MessageId === null
      ? Promise.resolve([])
      : db.select().from(as2Messages).where(eq(as2Messages.id, interchange.as2MessageId)),
    interchange.archiveId === null
      ? Promise.resolve([])
      : db.select().from(archiveEntries).where(eq(archiveEntries.id, interchange.archiveId)),
  ]);
  const setRecords = sets.map((s) => ({
    ...s,
    documents: docs.filter((d) => d.transactionSetId === s.id),
    acknowledgments: acks.filter((a) => a.setId === s.id),
  }));
  return {
    interchange,
    original: original[0] ? toSummary(original[0]) : null,
    duplicates: dups.map((d) => toSummary(d as SummaryRow)),
    as2Message: as2[0] ?? null,
    archive: archive[0] ?? null,
    groups: groups.map((g) => ({ ...g, sets: setRecords.filter((s) => s.groupId === g.id) })),
    acknowledgments: acks.filter((a) => a.setId === null),
    documents: docs.filter((d) => d.transactionSetId === null),
  };
}
