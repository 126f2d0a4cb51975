/**
 * The control-number ledger: what arrived from whom under which control
 * numbers, what we answered, what is duplicated, late or rejected.
 */
import { and, eq, sql } from 'drizzle-orm';
import { openDatabase, type Database, type Db, type SqlRunner } from './db.js';
import { Jobs, type EnqueueOptions, type JobHandler, type JobsOptions } from './jobs.js';
import { migrate, type MigrateResult } from './migrate.js';
import { acknowledgments, as2Messages, documents, functionalGroups, interchanges, transactionSets } from './schema.js';
import { ControlNumbersExhaustedError, formatControlNumber, LEVEL_FORMATS, type ControlLevel } from './sequences.js';
import {
  findInterchanges,
  listDuplicates,
  listInterchanges,
  listOverdueAcks,
  showInterchange,
  type DuplicateFilter,
  type InterchangeChain,
  type InterchangeFilter,
  type InterchangeSummary,
  type OverdueAck,
  type OverdueAckQuery,
  type Page,
  type DuplicateSummary,
} from './query.js';
import type {
  AcknowledgmentInput,
  ArchiveInput,
  As2MessageInput,
  As2MessageRecord,
  As2Completion,
  As2MessageUpdate,
  Direction,
  DocumentInput,
  GroupInput,
  InterchangeInput,
  RecordedAs2Message,
  RecordedGroup,
  RecordedInterchange,
  RecordStatus,
} from './types.js';

/** Minimal logger (pino-compatible); the ledger never logs payloads. */
export interface LedgerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Dedupe window and evidence retention. */
export interface RetentionOptions {
  /** Default dedupe window in days (B-104 "store 90–180 days"): 180. */
  days?: number;
  /** Per-partner window in days, by partner id. */
  byPartner?: Record<string, number>;
  /**
   * Delete interchanges (with their groups, sets, acknowledgments, documents)
   * older than this many days when the retention job runs. Unset: evidence is kept.
   */
  deleteEvidenceAfterDays?: number;
}

/** How to open a ledger. */
export interface OpenLedgerOptions {
  /** PostgreSQL connection string (`database.url` / `DATABASE_URL`); when absent, embedded PGlite. */
  url?: string;
  /** PGlite data directory (`<home>/.edigate/ledger`); in memory when absent. */
  dataDir?: string;
  /** Schema for the ledger's tables (default `public`). */
  schema?: string;
  logger?: LedgerLogger;
  retention?: RetentionOptions;
  /** Days a number handed out by {@link Ledger.nextControlNumber} may not be reused (default: the retention default). */
  sequenceWindowDays?: number;
  /** Override the highest value of a level (tests; a partner agreement with a smaller range). */
  sequenceMax?: Partial<Record<ControlLevel, number>>;
  /** pg pool size (default 10). */
  poolSize?: number;
  /** Embedded PGlite: run it in a worker thread, off the caller's event loop (servers). */
  pgliteThread?: boolean;
  /** Job system options (retry policies `jobs.retry.<flow>`, polling); used by {@link Ledger.startJobs}. */
  jobs?: JobsOptions;
}

/** The flow of the scheduled retention run. */
export const RETENTION_FLOW = 'ledger.retention';

/** Default dedupe window (days). */
export const DEFAULT_RETENTION_DAYS = 180;

/** What a retention run did. */
export interface RetentionResult {
  /** Interchanges taken out of the dedupe index. */
  retired: number;
  /** Issued control numbers forgotten (past the sequence window). */
  forgottenControlNumbers: number;
  /** Interchanges deleted (only with `deleteEvidenceAfterDays`). */
  deleted: number;
}

const FUNCTIONAL_ACK_KINDS = ['997', '999', 'CONTRL'];

/** Opens the ledger (pg when `url`, else PGlite) and applies the migrations. */
export async function openLedger(opts: OpenLedgerOptions = {}): Promise<Ledger> {
  const database = await openDatabase({
    url: opts.url,
    dataDir: opts.dataDir,
    schema: opts.schema,
    poolSize: opts.poolSize,
    ...(opts.pgliteThread ? { thread: true } : {}),
  });
  const ledger = new Ledger(database, opts);
  try {
    await ledger.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  return ledger;
}

/** The ledger's API over one database. Create with {@link openLedger}. */
export class Ledger {
  readonly #opts: OpenLedgerOptions;
  #jobs: Promise<Jobs> | undefined;

  /** @internal use {@link openLedger}. */
  constructor(
    readonly database: Database,
    opts: OpenLedgerOptions,
  ) {
    this.#opts = opts;
  }

  /** `pg` or `pglite`. */
  get driver(): Database['driver'] {
    return this.database.driver;
  }

  /** Applies pending migrations (idempotent; done by {@link openLedger}). */
  migrate(): Promise<MigrateResult> {
    return migrate(this.database);
  }

  /** Stops the job system, if started, and closes the connection (pool). */
  async close(): Promise<void> {
    if (this.#jobs) await (await this.#jobs).stop();
    this.#jobs = undefined;
    await this.database.close();
  }

  /** Starts the durable job system (pg-boss) on this ledger's database; idempotent. */
  startJobs(opts: JobsOptions = {}): Promise<Jobs> {
    this.#jobs ??= Jobs.start(this.database, {
      onError: (err) => this.#opts.logger?.error({ err: err.message }, 'jobs error'),
      ...this.#opts.jobs,
      ...opts,
    });
    return this.#jobs;
  }

  async #started(): Promise<Jobs> {
    if (!this.#jobs) throw new Error('ledger jobs are not started: call startJobs() first');
    return this.#jobs;
  }

  /** Enqueues a durable job (see {@link Jobs.enqueue}); {@link startJobs} first. */
  async enqueue<T>(flow: string, payload: T, opts?: EnqueueOptions): Promise<string> {
    return (await this.#started()).enqueue(flow, payload, opts);
  }

  /** Works a flow's jobs with retries and dead-lettering (see {@link Jobs.work}). */
  async work<T>(flow: string, handler: JobHandler<T>, opts?: { concurrency?: number }): Promise<void> {
    return (await this.#started()).work(flow, handler, opts);
  }

  /** Sends a dead-lettered job back to its flow (see {@link Jobs.replayDeadLetter}). */
  async replayDeadLetter(id: string): Promise<string | undefined> {
    return (await this.#started()).replayDeadLetter(id);
  }

  /** Schedules {@link runRetention} by cron (default daily 03:17 UTC) and works it in this process. */
  async scheduleRetention(cron = '17 3 * * *'): Promise<void> {
    const jobs = await this.#started();
    await jobs.schedule(RETENTION_FLOW, cron);
    await jobs.work(RETENTION_FLOW, async () => {
      await this.runRetention();
    });
  }

  /** The dedupe window in days for a partner. */
  retentionDays(partnerId?: string | null): number {
    const r = this.#opts.retention;
    return (partnerId ? r?.byPartner?.[partnerId] : undefined) ?? r?.days ?? DEFAULT_RETENTION_DAYS;
  }

  /**
   * Records one interchange with its groups and sets in one transaction.
   *
   * Dedupe (playbook B-104): the key is direction + sender qualifier/id +
   * receiver qualifier/id + control number, held by a partial unique index on
   * rows still inside their window. The insert goes `ON CONFLICT DO NOTHING`;
   * when the index refuses it, the receipt is recorded as its own row with
   * status `duplicate` pointing at the original, and none of its groups or
   * sets are recorded. Concurrent recorders of the same key wait on the index,
   * so exactly one wins on any number of replicas.
   */
  async recordInterchange(input: InterchangeInput): Promise<RecordedInterchange> {
    const direction = input.direction ?? 'inbound';
    const days = input.retentionDays ?? this.retentionDays(input.partnerId);
    const at = input.at?.toISOString() ?? null;
    const key = and(
      eq(interchanges.direction, direction),
      eq(interchanges.senderQualifier, input.sender.qualifier),
      eq(interchanges.senderId, input.sender.id),
      eq(interchanges.receiverQualifier, input.receiver.qualifier),
      eq(interchanges.receiverId, input.receiver.id),
      eq(interchanges.controlNumber, input.controlNumber),
    );
    const row = {
      direction,
      partnerId: input.partnerId ?? null,
      standard: input.standard,
      senderQualifier: input.sender.qualifier,
      senderId: input.sender.id,
      receiverQualifier: input.receiver.qualifier,
      receiverId: input.receiver.id,
      controlNumber: input.controlNumber,
      version: input.version,
      test: input.test ?? false,
      ackRequested: input.ackRequested ?? false,
      envelopeDate: input.date ?? null,
      envelopeTime: input.time ?? null,
      groupCount: input.groups.length,
      setCount: input.groups.reduce((n, g) => n + g.sets.length, 0),
      issues: input.issues ?? [],
      as2MessageId: input.as2MessageId ?? null,
      archiveId: input.archiveId ?? null,
      at: input.at ?? sql`now()`,
      dedupeUntil: sql`coalesce(${at}::timestamptz, now()) + make_interval(days => ${days}::int)`,
    };
    for (let attempt = 0; ; attempt++) {
      const result = await this.database.transaction(async ({ db, sql: q }) => {
        const insert = () =>
          db
            .insert(interchanges)
            .values({ ...row, status: input.status, dedupeActive: true })
            .onConflictDoNothing({
              target: [
                interchanges.direction,
                interchanges.senderQualifier,
                interchanges.senderId,
                interchanges.receiverQualifier,
                interchanges.receiverId,
                interchanges.controlNumber,
              ],
              where: sql`dedupe_active`,
            })
            .returning({ id: interchanges.id });
        let inserted = await insert();
        if (inserted.length === 0) {
          // The index holds the key. An original whose window has passed no longer
          // counts: retire it (its row lock makes concurrent retirers wait) and insert again.
          const retired = await db
            .update(interchanges)
            .set({ dedupeActive: false })
            .where(and(key, eq(interchanges.dedupeActive, true), sql`${interchanges.dedupeUntil} < now()`))
            .returning({ id: interchanges.id });
          if (retired.length > 0) inserted = await insert();
        }
        const first = inserted[0];
        if (first) {
          const groups = hasRepeats(input.groups)
            ? await insertGroups(db, first.id, input.groups)
            : await insertGroupsAndSets(q, first.id, input.groups);
          return { id: first.id, status: input.status as RecordStatus, groups };
        }
        const [original] = await db
          .select({ id: interchanges.id })
          .from(interchanges)
          .where(and(key, eq(interchanges.dedupeActive, true)));
        // The original left the window between our insert and this read: try again.
        if (!original) return undefined;
        const [dup] = await db
          .insert(interchanges)
          .values({ ...row, status: 'duplicate', dedupeActive: false, duplicateOf: original.id })
          .returning({ id: interchanges.id });
        return { id: dup!.id, status: 'duplicate' as const, duplicateOf: original.id, groups: [] };
      });
      if (result) return result;
      if (attempt >= 3) throw new Error('recordInterchange: the original kept leaving the dedupe window');
    }
  }

  /**
   * Records an AS2 message. Message-IDs are unique per partner and direction
   * (RFC 4130 §5.3.3 makes them globally unique): a repeat is recorded as its
   * own row pointing at the first, and comes back with `duplicate: true` so the
   * caller answers with the original MDN and processes nothing again.
   */
  async recordAs2Message(input: As2MessageInput): Promise<RecordedAs2Message> {
    const params = as2MessageParams(input);
    // The usual case, a new Message-ID, is one statement with no explicit
    // transaction; only a repeat reads the original and records itself.
    const { rows } = await this.database.query<{ id: string | number }>(
      `INSERT INTO as2_messages (${AS2_INSERT_COLUMNS}) VALUES (${AS2_INSERT_VALUES(1)})
       ON CONFLICT (partner_id, direction, message_id) WHERE duplicate_of IS NULL DO NOTHING RETURNING id`,
      params,
    );
    if (rows[0]) return { id: Number(rows[0].id), duplicate: false as const };
    return this.#recordAs2Duplicate(input);
  }

  /**
   * Records a received AS2 request in one statement: the archive entry of its
   * raw bytes and the message row pointing at it (the receive path's only
   * ledger write before the MDN). A Message-ID already seen comes back as
   * `duplicate`, recorded as in {@link recordAs2Message}.
   */
  async recordAs2Request(
    archive: ArchiveInput,
    input: Omit<As2MessageInput, 'archiveId'>,
  ): Promise<RecordedAs2Message & { archiveId: number }> {
    const { rows } = await this.database.query<{ archive_id: string | number; message_id: string | number | null }>(
      `WITH a AS (${ARCHIVE_INSERT(1)}),
       m AS (INSERT INTO as2_messages (${AS2_INSERT_COLUMNS})
             SELECT ${AS2_INSERT_VALUES(6, 'a.id')} FROM a
             ON CONFLICT (partner_id, direction, message_id) WHERE duplicate_of IS NULL DO NOTHING RETURNING id)
       SELECT a.id AS archive_id, (SELECT id FROM m) AS message_id FROM a`,
      [...archiveParams(archive), ...as2MessageParams(input).slice(0, -1)],
    );
    const archiveId = Number(rows[0]!.archive_id);
    if (rows[0]!.message_id !== null) return { id: Number(rows[0]!.message_id), duplicate: false, archiveId };
    return { ...(await this.#recordAs2Duplicate({ ...input, archiveId })), archiveId };
  }

  /** A repeat of a Message-ID: recorded as its own row pointing at the first receipt. */
  async #recordAs2Duplicate(input: As2MessageInput): Promise<RecordedAs2Message> {
    const messageId = stripAngles(input.messageId);
    return this.database.transaction(async ({ db }) => {
      const [original] = await db
        .select()
        .from(as2Messages)
        .where(
          and(
            eq(as2Messages.partnerId, input.partnerId),
            eq(as2Messages.direction, input.direction),
            eq(as2Messages.messageId, messageId),
            sql`${as2Messages.duplicateOf} is null`,
          ),
        );
      const [dup] = await db
        .insert(as2Messages)
        .values({
          direction: input.direction,
          partnerId: input.partnerId,
          messageId,
          as2From: input.as2From ?? null,
          as2To: input.as2To ?? null,
          subject: input.subject ?? null,
          at: input.at ?? sql`now()`,
          mic: input.mic ?? null,
          micAlgorithm: input.micAlgorithm ?? null,
          mdnMode: input.mdnMode ?? 'none',
          mdnSigned: input.mdnSigned ?? false,
          mdnUrl: input.mdnUrl ?? null,
          archiveId: input.archiveId ?? null,
          status: 'duplicate',
          duplicateOf: original!.id,
        })
        .returning({ id: as2Messages.id });
      return { id: dup!.id, duplicate: true as const, original: original! };
    });
  }

  /**
   * Completes a received AS2 message in one statement: its final status, MIC
   * and MDN, with the archive entries of its payload and MDN (the MDN's id
   * goes to `mdn_archive_id`). Returns the entries' ids.
   */
  async completeAs2Message(
    id: number,
    update: As2Completion,
    archives: { payload?: ArchiveInput; mdn?: ArchiveInput } = {},
  ): Promise<{ payloadArchiveId?: number; mdnArchiveId?: number }> {
    return (await this.completeAs2Messages([{ id, update, archives }]))[0]!;
  }

  /**
   * {@link completeAs2Message} for several messages in one statement (a
   * server completes the messages answered meanwhile together). Fields left
   * out keep their value. Results in the order given.
   */
  async completeAs2Messages(
    items: { id: number; update: As2Completion; archives?: { payload?: ArchiveInput; mdn?: ArchiveInput } }[],
  ): Promise<{ payloadArchiveId?: number; mdnArchiveId?: number }[]> {
    if (items.length === 0) return [];
    const params: unknown[] = [];
    const param = (value: unknown, type: string) => {
      params.push(value ?? null);
      return `$${params.length}::${type}`;
    };
    // One row per distinct entry: ON CONFLICT cannot touch a row twice in one statement.
    const entries = new Map<string, ArchiveInput & { kind: string }>();
    for (const { archives = {} } of items)
      for (const kind of ['payload', 'mdn'] as const) {
        const e = archives[kind];
        if (e) entries.set(`${e.sha256}\0${e.location}`, { ...e, kind: e.kind ?? kind });
      }
    const ctes: string[] = [];
    if (entries.size > 0) {
      const values = [...entries.values()].map(
        (e) =>
          `(${param(e.sha256, 'text')}, ${param(e.size, 'bigint')}, ${param(e.location, 'text')}, ${param(e.mediaType, 'text')}, ${param(e.kind, 'text')})`,
      );
      ctes.push(`a AS (INSERT INTO archive_entries (sha256, size, location, media_type, kind) VALUES ${values.join(', ')}
        ON CONFLICT (sha256, location) DO UPDATE SET size = EXCLUDED.size RETURNING id, sha256, location)`);
    }
    const rows = items.map(
      ({ id, update: u, archives = {} }) =>
        `(${param(id, 'bigint')}, ${param(u.status, 'text')}, ${param(u.error, 'text')}, ${param(u.mic, 'text')}, ` +
        `${param(u.micAlgorithm, 'text')}, ${param(u.mdnDisposition, 'text')}, ${param(u.mdnSentAt, 'timestamptz')}, ` +
        `${param(archives.mdn?.sha256, 'text')}, ${param(archives.mdn?.location, 'text')})`,
    );
    ctes.push(
      `i (id, status, error, mic, mic_algorithm, mdn_disposition, mdn_sent_at, mdn_sha256, mdn_location) AS (VALUES ${rows.join(', ')})`,
    );
    const mdnId =
      entries.size > 0 ? '(SELECT a.id FROM a WHERE a.sha256 = i.mdn_sha256 AND a.location = i.mdn_location)' : 'NULL';
    ctes.push(`u AS (UPDATE as2_messages m SET
        status = COALESCE(i.status, m.status), error = COALESCE(i.error, m.error), mic = COALESCE(i.mic, m.mic),
        mic_algorithm = COALESCE(i.mic_algorithm, m.mic_algorithm),
        mdn_disposition = COALESCE(i.mdn_disposition, m.mdn_disposition),
        mdn_sent_at = COALESCE(i.mdn_sent_at, m.mdn_sent_at), mdn_archive_id = COALESCE(${mdnId}, m.mdn_archive_id)
      FROM i WHERE m.id = i.id)`);
    const { rows: stored } = await this.database.query<{ id: string | number; sha256: string; location: string }>(
      `WITH ${ctes.join(', ')} ${entries.size > 0 ? 'SELECT id, sha256, location FROM a' : 'SELECT NULL AS id, NULL AS sha256, NULL AS location WHERE false'}`,
      params,
    );
    const idOf = new Map(stored.map((r) => [`${r.sha256}\0${r.location}`, Number(r.id)]));
    return items.map(({ archives = {} }) => {
      const payloadArchiveId = archives.payload && idOf.get(`${archives.payload.sha256}\0${archives.payload.location}`);
      const mdnArchiveId = archives.mdn && idOf.get(`${archives.mdn.sha256}\0${archives.mdn.location}`);
      return {
        ...(payloadArchiveId !== undefined ? { payloadArchiveId } : {}),
        ...(mdnArchiveId !== undefined ? { mdnArchiveId } : {}),
      };
    });
  }

  /** Updates an AS2 message (MDN sent or received, status, error). */
  async updateAs2Message(id: number, update: As2MessageUpdate): Promise<void> {
    const set = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length === 0) return;
    await this.database.db.update(as2Messages).set(set).where(eq(as2Messages.id, id));
  }

  /** One AS2 message by id. */
  async getAs2Message(id: number): Promise<As2MessageRecord | undefined> {
    const [row] = await this.database.db.select().from(as2Messages).where(eq(as2Messages.id, id));
    return row;
  }

  /** The first receipt (not a duplicate) of an AS2 Message-ID from a partner, if any. */
  async findAs2Message(q: {
    direction: Direction;
    partnerId: string;
    messageId: string;
  }): Promise<As2MessageRecord | undefined> {
    const [row] = await this.database.db
      .select()
      .from(as2Messages)
      .where(
        and(
          eq(as2Messages.partnerId, q.partnerId),
          eq(as2Messages.direction, q.direction),
          eq(as2Messages.messageId, stripAngles(q.messageId)),
          sql`${as2Messages.duplicateOf} is null`,
        ),
      );
    return row;
  }

  /** Records where raw bytes are archived; the same sha256 at the same location is one entry. */
  async recordArchive(input: ArchiveInput): Promise<{ id: number }> {
    const { rows } = await this.database.query<{ id: string | number }>(ARCHIVE_INSERT(1), archiveParams(input));
    return { id: Number(rows[0]!.id) };
  }

  /** Records a translated document (internal JSON, map id and version). */
  async recordDocument(input: DocumentInput): Promise<{ id: number }> {
    const [row] = await this.database.db
      .insert(documents)
      .values({
        direction: input.direction,
        partnerId: input.partnerId ?? null,
        transactionSetId: input.transactionSetId ?? null,
        interchangeId: input.interchangeId ?? null,
        documentType: input.documentType,
        mapId: input.mapId,
        mapVersion: input.mapVersion,
        body: input.body,
        at: input.at ?? sql`now()`,
      })
      .returning({ id: documents.id });
    return { id: row!.id };
  }

  /**
   * Records an acknowledgment sent (for an inbound interchange) or received
   * (for an outbound one). A received 997/999/CONTRL for a whole interchange
   * also sets the outbound interchange's status from its code.
   */
  async recordAcknowledgment(input: AcknowledgmentInput): Promise<{ id: number }> {
    return this.database.transaction(async ({ db }) => {
      const [row] = await db
        .insert(acknowledgments)
        .values({
          direction: input.direction,
          kind: input.kind,
          interchangeId: input.interchangeId,
          groupId: input.groupId ?? null,
          setId: input.setId ?? null,
          code: input.code ?? null,
          carrierInterchangeId: input.carrierInterchangeId ?? null,
          controlNumber: input.controlNumber ?? null,
          archiveId: input.archiveId ?? null,
          at: input.at ?? sql`now()`,
        })
        .returning({ id: acknowledgments.id });
      const status = input.code ? statusFromAckCode(input.code) : undefined;
      if (input.direction === 'received' && FUNCTIONAL_ACK_KINDS.includes(input.kind) && status) {
        if (input.setId) await db.update(transactionSets).set({ status }).where(eq(transactionSets.id, input.setId));
        else if (input.groupId)
          await db.update(functionalGroups).set({ status }).where(eq(functionalGroups.id, input.groupId));
        else
          await db
            .update(interchanges)
            .set({ status })
            .where(and(eq(interchanges.id, input.interchangeId), eq(interchanges.direction, 'outbound')));
      }
      return { id: row!.id };
    });
  }

  /**
   * Allocates the next outbound control number for a partner and level,
   * atomically (one upsert takes the sequence row's lock, so allocators on
   * several replicas are serialized by PostgreSQL), zero-padded per
   * {@link LEVEL_FORMATS}, wrapping to 1 after the level's maximum. A number
   * issued within the window is never handed out again: after a wrap, numbers
   * still in `issued_control_numbers` inside the window are skipped.
   */
  async nextControlNumber(opts: { partnerId: string; level: ControlLevel }): Promise<string> {
    const { partnerId, level } = opts;
    const format = LEVEL_FORMATS[level];
    if (!format) throw new Error(`unknown control-number level ${String(level)}`);
    const max = this.#opts.sequenceMax?.[level] ?? format.max;
    const windowDays = this.#opts.sequenceWindowDays ?? this.retentionDays();
    // Bounded: past this many in-window numbers in a row, the sequence is treated as exhausted.
    const tries = Math.min(max, 1000);
    for (let i = 0; i < tries; i++) {
      const { rows } = await this.database.query<{ value: string | number; issued: boolean }>(
        `WITH next AS (
           INSERT INTO control_sequences AS s (partner_id, level, value) VALUES ($1, $2, 1)
           ON CONFLICT (partner_id, level) DO UPDATE
             SET value = CASE WHEN s.value >= $3 THEN 1 ELSE s.value + 1 END, updated_at = now()
           RETURNING value
         ), issued AS (
           INSERT INTO issued_control_numbers AS n (partner_id, level, value)
           SELECT $1, $2, value FROM next
           ON CONFLICT (partner_id, level, value) DO UPDATE SET issued_at = now()
             WHERE n.issued_at < now() - make_interval(days => $4::int)
           RETURNING value
         )
         SELECT next.value, EXISTS (SELECT 1 FROM issued) AS issued FROM next`,
        [partnerId, level, max, windowDays],
      );
      const r = rows[0];
      if (r?.issued) return formatControlNumber(level, Number(r.value));
    }
    throw new ControlNumbersExhaustedError(partnerId, level);
  }

  /**
   * The retention job's work: retires interchanges past their window from the
   * dedupe index (the rows stay as evidence), forgets issued control numbers
   * past the sequence window, and deletes evidence only when
   * `retention.deleteEvidenceAfterDays` is set.
   */
  async runRetention(): Promise<RetentionResult> {
    const sequenceDays = this.#opts.sequenceWindowDays ?? this.retentionDays();
    const retired = await this.database.query(
      'UPDATE interchanges SET dedupe_active = false WHERE dedupe_active AND dedupe_until < now()',
    );
    const forgotten = await this.database.query(
      'DELETE FROM issued_control_numbers WHERE issued_at < now() - make_interval(days => $1::int)',
      [sequenceDays],
    );
    let deleted = 0;
    const purgeDays = this.#opts.retention?.deleteEvidenceAfterDays;
    if (purgeDays !== undefined) {
      deleted = await this.database.transaction(async ({ sql: q }) => {
        const cutoff = [purgeDays];
        const doomed = `SELECT id FROM interchanges WHERE at < now() - make_interval(days => $1::int)`;
        await q.query(`UPDATE interchanges SET duplicate_of = NULL WHERE duplicate_of IN (${doomed})`, cutoff);
        await q.query(
          `UPDATE acknowledgments SET carrier_interchange_id = NULL WHERE carrier_interchange_id IN (${doomed})`,
          cutoff,
        );
        const r = await q.query(`DELETE FROM interchanges WHERE id IN (${doomed})`, cutoff);
        await q.query(
          `DELETE FROM as2_messages m WHERE m.at < now() - make_interval(days => $1::int)
             AND NOT EXISTS (SELECT 1 FROM interchanges i WHERE i.as2_message_id = m.id)
             AND NOT EXISTS (SELECT 1 FROM as2_messages d WHERE d.duplicate_of = m.id AND d.at >= now() - make_interval(days => $1::int))`,
          cutoff,
        );
        return r.rowCount;
      });
    }
    const result = { retired: retired.rowCount, forgottenControlNumbers: forgotten.rowCount, deleted };
    this.#opts.logger?.info({ ...result }, 'ledger retention run');
    return result;
  }

  /** Interchanges, newest first, filtered, one page at a time (see docs/ledger.md for the cursor). */
  listInterchanges(filter: InterchangeFilter = {}): Promise<Page<InterchangeSummary>> {
    return listInterchanges(this.database.db, filter);
  }

  /** Receipts recorded as duplicates, newest first, each with its original. */
  listDuplicates(filter: DuplicateFilter = {}): Promise<Page<DuplicateSummary>> {
    return listDuplicates(this.database.db, filter);
  }

  /** Outbound interchanges with no 997/999/CONTRL past the partner's SLA. */
  listOverdueAcks(query: OverdueAckQuery): Promise<OverdueAck[]> {
    return listOverdueAcks(this.database, query);
  }

  /** The whole chain of one interchange by id: AS2 message, MDN, groups, sets, documents, acknowledgments. */
  showInterchange(id: number): Promise<InterchangeChain | undefined> {
    return showInterchange(this.database.db, id);
  }

  /**
   * Interchanges a person's reference names: `id:<n>` or a number without
   * leading zeros is tried as an id first, then anything as a control number
   * (interchange, group or set), newest first.
   */
  findInterchanges(ref: string): Promise<InterchangeSummary[]> {
    return findInterchanges(this.database.db, ref);
  }
}

/** Whether a group number repeats in the interchange, or a set number in its group. */
function hasRepeats(groups: GroupInput[]): boolean {
  const distinct = (xs: string[]) => new Set(xs).size === xs.length;
  return (
    !distinct(groups.map((g) => g.controlNumber)) || groups.some((g) => !distinct(g.sets.map((s) => s.controlNumber)))
  );
}

/**
 * The common case (no repeated numbers): every group and set in one statement,
 * arrays unnested server-side, so an interchange costs the same round trips
 * whatever its size.
 */
async function insertGroupsAndSets(
  q: SqlRunner,
  interchangeId: number,
  groups: GroupInput[],
): Promise<RecordedGroup[]> {
  if (groups.length === 0) return [];
  const sets = groups.flatMap((g, gi) => g.sets.map((s, si) => ({ gi, si, s })));
  const { rows } = await q.query<{ kind: 'g' | 's'; id: string | number; position: number; group_position: number }>(
    `WITH g AS (
       INSERT INTO functional_groups
         (interchange_id, position, functional_id, control_number, version, sender_id, receiver_id, set_count, status)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])
       RETURNING id, position
     ), s AS (
       INSERT INTO transaction_sets
         (group_id, interchange_id, position, set_id, control_number, version, status, segment_count)
       SELECT g.id, $1, v.position, v.set_id, v.control_number, v.version, v.status, v.segment_count
       FROM unnest($10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::int[])
         AS v(group_position, position, set_id, control_number, version, status, segment_count)
       JOIN g ON g.position = v.group_position
       RETURNING id, group_id, position
     )
     SELECT 'g' AS kind, id, position, position AS group_position FROM g
     UNION ALL
     SELECT 's', s.id, s.position, g.position FROM s JOIN g ON g.id = s.group_id`,
    [
      interchangeId,
      groups.map((_, i) => i),
      groups.map((g) => g.functionalId),
      groups.map((g) => g.controlNumber),
      groups.map((g) => g.version),
      groups.map((g) => g.senderId ?? null),
      groups.map((g) => g.receiverId ?? null),
      groups.map((g) => g.sets.length),
      groups.map((g) => g.status),
      sets.map((x) => x.gi),
      sets.map((x) => x.si),
      sets.map((x) => x.s.setId),
      sets.map((x) => x.s.controlNumber),
      sets.map((x) => x.s.version),
      sets.map((x) => x.s.status),
      sets.map((x) => x.s.segmentCount ?? null),
    ],
  );
  const groupIds = new Map<number, number>();
  const setIds = new Map<string, number>();
  for (const r of rows) {
    if (r.kind === 'g') groupIds.set(r.position, Number(r.id));
    else setIds.set(`${r.group_position}/${r.position}`, Number(r.id));
  }
  return groups.map((g, gi) => ({
    id: groupIds.get(gi)!,
    controlNumber: g.controlNumber,
    status: g.status,
    sets: g.sets.map((s, si) => ({ id: setIds.get(`${gi}/${si}`)!, controlNumber: s.controlNumber, status: s.status })),
  }));
}

/** Groups and sets when numbers repeat: firsts, then repeats pointing at them. */
async function insertGroups(db: Db, interchangeId: number, groups: GroupInput[]): Promise<RecordedGroup[]> {
  if (groups.length === 0) return [];
  // Repeats within this interchange are known before any insert; the partial
  // unique index on (interchange, control number) still guards the rule.
  const firstByNumber = new Map<string, number>();
  const dupOfPosition = groups.map((g, i) => {
    const first = firstByNumber.get(g.controlNumber);
    if (first === undefined) firstByNumber.set(g.controlNumber, i);
    return first;
  });
  const ids: number[] = new Array<number>(groups.length);
  const insertBatch = async (positions: number[]) => {
    if (positions.length === 0) return;
    const rows = await db
      .insert(functionalGroups)
      .values(
        positions.map((i) => {
          const g = groups[i]!;
          const dupOf = dupOfPosition[i];
          return {
            interchangeId,
            position: i,
            functionalId: g.functionalId,
            controlNumber: g.controlNumber,
            version: g.version,
            senderId: g.senderId ?? null,
            receiverId: g.receiverId ?? null,
            setCount: g.sets.length,
            status: dupOf === undefined ? g.status : 'duplicate',
            duplicateOf: dupOf === undefined ? null : ids[dupOf]!,
          };
        }),
      )
      .returning({ id: functionalGroups.id, position: functionalGroups.position });
    for (const r of rows) ids[r.position] = r.id;
  };
  const positions = groups.map((_, i) => i);
  await insertBatch(positions.filter((i) => dupOfPosition[i] === undefined));
  await insertBatch(positions.filter((i) => dupOfPosition[i] !== undefined));

  // Sets: numbers unique within their group.
  type SetRow = typeof transactionSets.$inferInsert;
  const firstRows: SetRow[] = [];
  const dupRows: { row: SetRow; groupPos: number; firstPos: number }[] = [];
  for (const [gi, g] of groups.entries()) {
    const seen = new Map<string, number>();
    for (const [si, s] of g.sets.entries()) {
      const first = seen.get(s.controlNumber);
      const row: SetRow = {
        groupId: ids[gi]!,
        interchangeId,
        position: si,
        setId: s.setId,
        controlNumber: s.controlNumber,
        version: s.version,
        status: first === undefined ? s.status : 'duplicate',
        segmentCount: s.segmentCount ?? null,
      };
      if (first === undefined) {
        seen.set(s.controlNumber, si);
        firstRows.push(row);
      } else dupRows.push({ row, groupPos: gi, firstPos: first });
    }
  }
  const setIds = new Map<string, number>();
  const setKey = (groupId: number, position: number) => `${groupId}/${position}`;
  if (firstRows.length > 0) {
    const rows = await db
      .insert(transactionSets)
      .values(firstRows)
      .returning({ id: transactionSets.id, groupId: transactionSets.groupId, position: transactionSets.position });
    for (const r of rows) setIds.set(setKey(r.groupId, r.position), r.id);
  }
  if (dupRows.length > 0) {
    const rows = await db
      .insert(transactionSets)
      .values(dupRows.map((d) => ({ ...d.row, duplicateOf: setIds.get(setKey(ids[d.groupPos]!, d.firstPos))! })))
      .returning({ id: transactionSets.id, groupId: transactionSets.groupId, position: transactionSets.position });
    for (const r of rows) setIds.set(setKey(r.groupId, r.position), r.id);
  }

  return groups.map((g, gi) => {
    const groupDupOf = dupOfPosition[gi];
    const setSeen = new Map<string, number>();
    return {
      id: ids[gi]!,
      controlNumber: g.controlNumber,
      status: groupDupOf === undefined ? g.status : 'duplicate',
      ...(groupDupOf === undefined ? {} : { duplicateOf: ids[groupDupOf]! }),
      sets: g.sets.map((s, si) => {
        const first = setSeen.get(s.controlNumber);
        if (first === undefined) setSeen.set(s.controlNumber, si);
        return {
          id: setIds.get(setKey(ids[gi]!, si))!,
          controlNumber: s.controlNumber,
          status: first === undefined ? s.status : 'duplicate',
          ...(first === undefined ? {} : { duplicateOf: setIds.get(setKey(ids[gi]!, first))! }),
        };
      }),
    };
  });
}

/** AK901 / IK501 / UCI 0083 codes to a status (X12 997 AK9, 999 IK5; EDIFACT CONTRL 0083). */
function statusFromAckCode(code: string): RecordStatus | undefined {
  switch (code) {
    case 'A': // X12 AK901 accepted
    case '7': // EDIFACT 0083: acknowledged
      return 'accepted';
    case 'E': // accepted, errors noted
    case 'P': // partially accepted
      return 'accepted-with-errors';
    case 'R': // rejected
    case 'M': // rejected, message authentication code failed
    case 'W': // rejected, assurance failed
    case 'X': // rejected, content could not be analyzed
    case '4': // EDIFACT 0083: rejected
      return 'rejected';
    default:
      return undefined;
  }
}

/*
 * Hand-written statements for the AS2 receive path, which runs them for every
 * message: a short statement with typed parameters costs PGlite about half
 * what the query builder's all-columns form does, and one statement for two
 * tables saves a round trip on PostgreSQL.
 */

/** INSERT of an archive entry (the same sha256 at the same location is one entry) returning its id; 5 parameters from `$n`. */
const ARCHIVE_INSERT = (n: number): string =>
  `INSERT INTO archive_entries (sha256, size, location, media_type, kind)
   VALUES ($${n}::text, $${n + 1}::bigint, $${n + 2}::text, $${n + 3}::text, $${n + 4}::text)
   ON CONFLICT (sha256, location) DO UPDATE SET size = EXCLUDED.size RETURNING id`;

function archiveParams(input: ArchiveInput): unknown[] {
  return [input.sha256, input.size, input.location, input.mediaType ?? null, input.kind ?? null];
}

const AS2_INSERT_COLUMNS =
  'direction, partner_id, message_id, as2_from, as2_to, subject, at, status, mic, mic_algorithm, mdn_mode, mdn_signed, mdn_url, archive_id';

/** The values of {@link AS2_INSERT_COLUMNS}, parameters from `$n` (13, or 12 and `archiveId` as an expression). */
const AS2_INSERT_VALUES = (n: number, archiveId?: string): string =>
  [
    ...['text', 'text', 'text', 'text', 'text', 'text'].map((t, i) => `$${n + i}::${t}`),
    `COALESCE($${n + 6}::timestamptz, now())`,
    ...['text', 'text', 'text', 'text', 'boolean', 'text'].map((t, i) => `$${n + 7 + i}::${t}`),
    archiveId ?? `$${n + 13}::bigint`,
  ].join(', ');

/** Parameters of {@link AS2_INSERT_VALUES}, `archiveId` last. */
function as2MessageParams(input: As2MessageInput): unknown[] {
  return [
    input.direction,
    input.partnerId,
    stripAngles(input.messageId),
    input.as2From ?? null,
    input.as2To ?? null,
    input.subject ?? null,
    input.at ?? null,
    input.status ?? 'received',
    input.mic ?? null,
    input.micAlgorithm ?? null,
    input.mdnMode ?? 'none',
    input.mdnSigned ?? false,
    input.mdnUrl ?? null,
    input.archiveId ?? null,
  ];
}

function stripAngles(messageId: string): string {
  const t = messageId.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}
