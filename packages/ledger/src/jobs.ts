/**
 * Durable jobs on pg-boss 10 (async MDN delivery, outbound sends, the
 * retention run), on both drivers: over pg, pg-boss shares the ledger's pool;
 * over PGlite, its single connection (`query` for one statement with
 * parameters, `exec` for pg-boss's multi-statement scripts).
 *
 * Retries are ours, not pg-boss's: pg-boss's backoff adds "equal" jitter with
 * no cap, while the playbook asks for exponential backoff with full jitter and
 * a cap per flow. Each queue has `retryLimit: 0`; a failed attempt enqueues
 * the next one with its own delay, and the last one goes to `<flow>.dead`.
 */
import PgBoss from 'pg-boss';
import type { Database } from './db.js';
import { quoteIdent } from './db.js';

/** Retry policy of one flow (`jobs.retry.<flow>` in edigate.yaml). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Upper bound of one delay, in milliseconds. */
  backoffCapMs: number;
  /** Delay before attempt 2 without jitter (doubles each attempt); default 1000 ms. */
  baseMs?: number;
  /** `full`: uniform in [0, d]; `equal`: d/2 + uniform in [0, d/2]; `none`: d. Default `full`. */
  jitter?: 'full' | 'equal' | 'none';
}

/**
 * The playbook's retry table, plus edigate's AS2 flows: an async MDN and an
 * outbound AS2 send are HTTP POSTs to a partner endpoint, so they follow
 * `webhook.delivery`.
 */
export const DEFAULT_RETRY_POLICIES: Readonly<Record<string, RetryPolicy>> = {
  'webhook.delivery': { maxAttempts: 8, backoffCapMs: 300_000, jitter: 'full' },
  'api.call': { maxAttempts: 4, backoffCapMs: 60_000, jitter: 'full' },
  'file.transfer': { maxAttempts: 5, backoffCapMs: 600_000, jitter: 'full' },
  'as2.mdn': { maxAttempts: 8, backoffCapMs: 300_000, jitter: 'full' },
  'as2.send': { maxAttempts: 8, backoffCapMs: 300_000, jitter: 'full' },
};

/** Policy for flows not in the table. */
export const FALLBACK_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, backoffCapMs: 300_000, jitter: 'full' };

/**
 * Delay before the attempt after `failedAttempt` (1-based): exponential
 * `base · 2^(failedAttempt−1)`, capped, then jittered ("full jitter":
 * uniform between 0 and the capped value).
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const base = policy.baseMs ?? 1000;
  const ceiling = Math.min(policy.backoffCapMs, base * 2 ** Math.min(failedAttempt - 1, 40));
  switch (policy.jitter ?? 'full') {
    case 'none':
      return ceiling;
    case 'equal':
      return ceiling / 2 + random() * (ceiling / 2);
    default:
      return random() * ceiling;
  }
}

/** What a job carries besides the caller's payload. */
export interface JobEnvelope<T = unknown> {
  payload: T;
  /** 1-based attempt number of this job. */
  attempt: number;
  /** When the first attempt was enqueued (ISO). */
  firstEnqueuedAt: string;
  /** Error messages of the failed attempts so far, oldest first (no payloads). */
  errors: string[];
  /** Set on a job made by {@link Jobs.replayDeadLetter}: the dead letter's id. */
  replayOf?: string;
  /** This job's own retry policy, over its flow's. */
  retry?: Partial<RetryPolicy>;
}

/** What a handler learns about the job it runs. */
export interface JobContext {
  id: string;
  flow: string;
  attempt: number;
  maxAttempts: number;
}

/** Options of {@link Jobs.enqueue}. */
export interface EnqueueOptions {
  /** Postpone the first attempt (milliseconds, measured by the database clock). */
  delayMs?: number;
  /** pg-boss singleton key: at most one queued job with this key. */
  singletonKey?: string;
  /** Retry policy for this job only, over the flow's. */
  retry?: Partial<RetryPolicy>;
}

/** A job handler: resolve to complete, throw to fail this attempt. */
export type JobHandler<T> = (payload: T, ctx: JobContext) => Promise<void>;

/** A job in a dead-letter queue. */
export interface DeadLetter {
  id: string;
  flow: string;
  attempts: number;
  errors: string[];
  firstEnqueuedAt: string;
  deadAt: Date;
}

/** How to start the job system. */
export interface JobsOptions {
  /** Retry policies by flow, merged over {@link DEFAULT_RETRY_POLICIES}. */
  retry?: Record<string, Partial<RetryPolicy>>;
  /** How often an idle worker polls (seconds, ≥ 0.5; default 2). */
  pollingIntervalSeconds?: number;
  /** Run pg-boss maintenance and cron scheduling in this process (default true). */
  supervise?: boolean;
  /** Randomness for jitter (tests). */
  random?: () => number;
  onError?: (err: Error) => void;
}

const DEAD_SUFFIX = '.dead';
const MAX_ERRORS_KEPT = 10;

/** The schema pg-boss lives in, next to the ledger's. */
export function jobsSchemaFor(ledgerSchema: string): string {
  return `${ledgerSchema === 'public' ? 'edigate' : ledgerSchema}_jobs`;
}

function bossDb(database: Database): PgBoss.Db {
  const { pglite, pool } = database;
  if (pool) return { executeSql: (text, values) => pool.query(text, values) };
  if (!pglite) throw new Error('jobs: no database connection');
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return pglite.query(text, values);
      // pg-boss's scripts (schema creation, locked maintenance) are several statements.
      const results = await pglite.exec(text);
      return results.at(-1) ?? { rows: [] };
    },
  };
}

/** The job system over one ledger database. */
export class Jobs {
  readonly boss: PgBoss;
  readonly schema: string;
  readonly #policies: Record<string, RetryPolicy>;
  readonly #opts: JobsOptions;
  readonly #queues = new Set<string>();

  private constructor(
    readonly database: Database,
    opts: JobsOptions,
  ) {
    this.#opts = opts;
    this.schema = jobsSchemaFor(database.schema);
    quoteIdent(this.schema);
    this.#policies = { ...DEFAULT_RETRY_POLICIES };
    for (const [flow, p] of Object.entries(opts.retry ?? {})) {
      this.#policies[flow] = { ...(this.#policies[flow] ?? FALLBACK_RETRY_POLICY), ...p };
    }
    const supervise = opts.supervise ?? true;
    this.boss = new PgBoss({
      db: bossDb(database),
      schema: this.schema,
      supervise,
      schedule: supervise,
      migrate: true,
    });
    this.boss.on('error', (err) => opts.onError?.(err));
  }

  /** Starts pg-boss (creating or migrating its schema). */
  static async start(database: Database, opts: JobsOptions = {}): Promise<Jobs> {
    const jobs = new Jobs(database, opts);
    await jobs.boss.start();
    return jobs;
  }

  /** The retry policy of a flow. */
  policy(flow: string): RetryPolicy {
    return this.#policies[flow] ?? FALLBACK_RETRY_POLICY;
  }

  async #queue(name: string): Promise<void> {
    if (this.#queues.has(name)) return;
    // createQueue is idempotent in pg-boss 10 (ON CONFLICT DO NOTHING).
    await this.boss.createQueue(name, { name, retryLimit: 0 });
    this.#queues.add(name);
  }

  /**
   * Enqueues a job for `flow`; resolves to its id. `delayMs` postpones the
   * first attempt; `retry` overrides the flow's policy for this job only.
   */
  async enqueue<T>(flow: string, payload: T, opts: EnqueueOptions = {}): Promise<string> {
    const envelope: JobEnvelope<T> = {
      payload,
      attempt: 1,
      firstEnqueuedAt: new Date().toISOString(),
      errors: [],
      ...(opts.retry ? { retry: opts.retry } : {}),
    };
    return this.#send(flow, envelope, opts.delayMs ?? 0, opts.singletonKey);
  }

  async #send(flow: string, envelope: JobEnvelope, delayMs: number, singletonKey?: string): Promise<string> {
    await this.#queue(flow);
    const options: PgBoss.SendOptions = { retryLimit: 0 };
    // Seconds relative to the database's clock, so replicas' clocks do not matter.
    if (delayMs > 0) options.startAfter = delayMs / 1000;
    if (singletonKey) options.singletonKey = singletonKey;
    const id = await this.boss.send(flow, envelope as unknown as object, options);
    if (!id) throw new Error(`jobs: ${flow} job not enqueued (singleton already queued)`);
    return id;
  }

  /**
   * Runs `handler` for each job of `flow`. A throw fails the attempt: the
   * next attempt is enqueued after {@link backoffDelayMs}, and after the
   * policy's last attempt the job goes to the dead-letter queue `<flow>.dead`.
   */
  async work<T>(flow: string, handler: JobHandler<T>, opts: { concurrency?: number } = {}): Promise<void> {
    await this.#queue(flow);
    const flowPolicy = this.policy(flow);
    const pollingIntervalSeconds = Math.max(0.5, this.#opts.pollingIntervalSeconds ?? 2);
    for (let i = 0; i < (opts.concurrency ?? 1); i++) {
      await this.boss.work<JobEnvelope<T>>(flow, { batchSize: 1, pollingIntervalSeconds }, async (jobs) => {
        for (const job of jobs) {
          const env = job.data;
          const policy = env.retry ? { ...flowPolicy, ...env.retry } : flowPolicy;
          try {
            await handler(env.payload, { id: job.id, flow, attempt: env.attempt, maxAttempts: policy.maxAttempts });
          } catch (err) {
            const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
            const next: JobEnvelope = { ...env, errors: [...env.errors, message].slice(-MAX_ERRORS_KEPT) };
            if (env.attempt < policy.maxAttempts) {
              const delay = backoffDelayMs(policy, env.attempt, this.#opts.random);
              await this.#send(flow, { ...next, attempt: env.attempt + 1 }, delay);
            } else {
              await this.#queue(flow + DEAD_SUFFIX);
              await this.boss.send(flow + DEAD_SUFFIX, next as unknown as object, {
                retryLimit: 0,
                retentionDays: 365,
              });
            }
            throw err;
          }
        }
      });
    }
  }

  /** Jobs waiting in dead-letter queues (all flows, or one), newest first. */
  async listDeadLetters(flow?: string): Promise<DeadLetter[]> {
    const s = quoteIdent(this.schema);
    const { rows } = await this.database.query<{ id: string; name: string; data: JobEnvelope; created_on: Date }>(
      `SELECT id, name, data, created_on FROM ${s}.job
       WHERE state = 'created' AND ${flow ? 'name = $1' : `name LIKE '%' || $1`}
       ORDER BY created_on DESC, id`,
      [flow ? flow + DEAD_SUFFIX : DEAD_SUFFIX],
    );
    return rows.map((r) => ({
      id: r.id,
      flow: r.name.slice(0, -DEAD_SUFFIX.length),
      attempts: r.data.attempt,
      errors: r.data.errors,
      firstEnqueuedAt: r.data.firstEnqueuedAt,
      deadAt: new Date(r.created_on),
    }));
  }

  /**
   * Sends a dead-lettered job back to its flow as attempt 1 (its error history
   * kept) and cancels the dead letter. Resolves to the new job's id, or
   * undefined when no dead letter has that id.
   */
  async replayDeadLetter(id: string): Promise<string | undefined> {
    const s = quoteIdent(this.schema);
    const { rows } = await this.database.query<{ name: string; data: JobEnvelope }>(
      `SELECT name, data FROM ${s}.job WHERE id = $1::uuid AND state = 'created' AND name LIKE '%' || $2`,
      [id, DEAD_SUFFIX],
    );
    const dead = rows[0];
    if (!dead) return undefined;
    const flow = dead.name.slice(0, -DEAD_SUFFIX.length);
    const newId = await this.#send(flow, { ...dead.data, attempt: 1, replayOf: id }, 0);
    await this.boss.cancel(dead.name, id);
    return newId;
  }

  /** Schedules a flow by cron (pg-boss cron, UTC), e.g. the retention run. */
  async schedule(flow: string, cron: string, payload: object = {}): Promise<void> {
    await this.#queue(flow);
    await this.boss.schedule(flow, cron, { payload, attempt: 1, firstEnqueuedAt: '', errors: [] }, { retryLimit: 0 });
  }

  /** Stops workers (waiting for running handlers) and pg-boss's timers. */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
  }
}
