import path from 'node:path';
import { openLedger, type Jobs, type Ledger } from '@edigate/ledger';
import type { HomeConfig } from './config/load.js';
import type { Logger } from './logger.js';
import {
  MemoryJobQueue,
  type ArchiveRecordInput,
  type As2MessageRecordView,
  type JobQueue,
  type Recorder,
  type RecordedMessage,
} from './recorder.js';

/** The ledger behind the gateway's {@link Recorder}. */
export class LedgerRecorder implements Recorder {
  constructor(readonly ledger: Ledger) {}

  recordArchive(entry: ArchiveRecordInput): Promise<{ id: number }> {
    return this.ledger.recordArchive(entry);
  }

  async recordAs2Request(
    archive: ArchiveRecordInput,
    input: Parameters<Recorder['recordAs2Request']>[1],
  ): Promise<RecordedMessage & { archiveId: number }> {
    const r = await this.ledger.recordAs2Request(archive, input);
    return r.duplicate
      ? {
          id: r.id,
          archiveId: r.archiveId,
          duplicate: true,
          original: { id: r.original.id, status: r.original.status },
        }
      : { id: r.id, archiveId: r.archiveId, duplicate: false };
  }

  /**
   * Completions wait while one batch is in the ledger and then go in
   * together, in one statement (group commit): no delay when the server is
   * quiet, fewer and larger statements when it is busy.
   */
  completeAs2Message(
    id: number,
    update: Parameters<Recorder['completeAs2Message']>[1],
    archives?: Parameters<Recorder['completeAs2Message']>[2],
  ): Promise<{ payloadArchiveId?: number; mdnArchiveId?: number }> {
    return new Promise((resolve, reject) => {
      this.#completions.push({ item: { id, update, ...(archives ? { archives } : {}) }, resolve, reject });
      if (!this.#completing) void this.#completeQueued();
    });
  }

  readonly #completions: {
    item: Parameters<Ledger['completeAs2Messages']>[0][number];
    resolve(r: { payloadArchiveId?: number; mdnArchiveId?: number }): void;
    reject(err: unknown): void;
  }[] = [];
  #completing = false;

  async #completeQueued(): Promise<void> {
    this.#completing = true;
    try {
      while (this.#completions.length > 0) {
        // A bounded batch keeps one statement's parameters well under PostgreSQL's 65535.
        const batch = this.#completions.splice(0, 200);
        try {
          const results = await this.ledger.completeAs2Messages(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.#completing = false;
    }
  }

  async recordAs2Message(input: Parameters<Recorder['recordAs2Message']>[0]): Promise<RecordedMessage> {
    const r = await this.ledger.recordAs2Message(input);
    return r.duplicate
      ? { id: r.id, duplicate: true, original: { id: r.original.id, status: r.original.status } }
      : { id: r.id, duplicate: false };
  }

  updateAs2Message(id: number, update: Parameters<Recorder['updateAs2Message']>[1]): Promise<void> {
    return this.ledger.updateAs2Message(id, update);
  }

  async getAs2Message(id: number): Promise<As2MessageRecordView | undefined> {
    return this.ledger.getAs2Message(id);
  }

  findAs2Message(q: {
    direction: 'inbound' | 'outbound';
    partnerId: string;
    messageId: string;
  }): Promise<As2MessageRecordView | undefined> {
    return this.ledger.findAs2Message(q);
  }

  close(): Promise<void> {
    return this.ledger.close();
  }
}

/**
 * The ledger's durable jobs (pg-boss) behind the gateway's {@link JobQueue}.
 * Retries follow the ledger's policy for the flow (`as2.mdn`: exponential
 * backoff with full jitter, then a dead-letter queue), not the per-call options.
 */
export class LedgerJobQueue implements JobQueue {
  constructor(readonly jobs: Jobs) {}

  send(queue: string, data: object): Promise<string | null> {
    return this.jobs.enqueue(queue, data);
  }

  work(queue: string, handler: (data: unknown) => Promise<void>): Promise<void> {
    return this.jobs.work(queue, (payload) => handler(payload), { concurrency: 2 });
  }

  /** Stopped with the ledger (`Ledger.close`). */
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Opens the ledger for a home: `database.url` / `DATABASE_URL`, else PGlite
 * under `<home>/.edigate/ledger` (or in memory). Migrations are applied by
 * `openLedger`. Jobs: the ledger's durable queue when it offers one.
 */
export async function openLedgerBackend(o: {
  config: HomeConfig;
  log: Logger;
  inMemory: boolean;
  /** Start the durable job system (default true); one-shot tools such as `edigate send` need none. */
  jobs?: boolean;
}): Promise<{ recorder: Recorder; jobs: JobQueue }> {
  const byPartner = Object.fromEntries(
    o.config.partners.filter((p) => p.retention?.days).map((p) => [p.id, p.retention!.days!]),
  );
  const ledger = await openLedger({
    ...(o.config.database.url && !o.inMemory ? { url: o.config.database.url } : {}),
    ...(!o.config.database.url && !o.inMemory ? { dataDir: path.resolve(o.config.database.dataDir) } : {}),
    logger: o.log,
    retention: { byPartner },
    // Embedded PGlite runs in its own thread: its statements and its heap's garbage collection stay off the event loop.
    pgliteThread: true,
  });
  // An in-memory database is not durable anyway: waiting for WAL flushes only costs time (about 4 ms a statement on PGlite).
  if (o.inMemory && ledger.driver === 'pglite') await ledger.database.exec('SET synchronous_commit TO off');
  if (o.jobs === false) return { recorder: new LedgerRecorder(ledger), jobs: new MemoryJobQueue() };
  const jobs = await ledger.startJobs({ pollingIntervalSeconds: 0.5 });
  return { recorder: new LedgerRecorder(ledger), jobs: new LedgerJobQueue(jobs) };
}
