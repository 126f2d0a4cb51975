import { Worker } from 'node:worker_threads';
import type { PGlite, Results, Transaction } from '@electric-sql/pglite';

/** What travels back from pgliteWorker.js. */
interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: Record<string, string>;
}

/** The part of PGlite's query options that crosses the thread boundary. */
interface QueryOptions {
  rowMode?: 'array' | 'object';
  /** Type parsers: only "keep the text" can cross (drizzle's, for dates and intervals); their type OIDs are sent. */
  parsers?: Record<number, unknown>;
}

/**
 * PGlite in a worker thread (pgliteWorker.js), behind the part of PGlite's
 * API the ledger, drizzle and pg-boss use: `query`, `exec`, `transaction`,
 * `close`. The embedded database then runs beside the gateway's event loop
 * instead of on it — its statements, and its large heap's garbage
 * collection, no longer hold up HTTP, cryptography or the archive.
 */
export class PgliteThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private closed = false;
  /** Settles when PGlite is up in the thread. */
  readonly ready: Promise<void>;

  constructor(opts: { dataDir?: string; loadDataDir?: Blob } = {}) {
    this.worker = new Worker(new URL('./pgliteWorker.js', import.meta.url), { workerData: opts });
    this.ready = new Promise<void>((resolve, reject) => this.waiting.set(0, { resolve: () => resolve(), reject }));
    this.worker.on('message', (m: Reply) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error?.message ?? 'PGlite failed'), m.error ?? {}));
    });
    const failAll = (err: Error) => {
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', () => failAll(new Error('the PGlite thread stopped')));
  }

  /** Starts PGlite in a thread and waits until it is ready. */
  static async create(opts: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PgliteThread> {
    const t = new PgliteThread(opts);
    try {
      await t.ready;
    } catch (err) {
      await t.worker.terminate();
      throw err;
    }
    return t;
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the ledger database is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve, reject });
      // The process stays alive while an answer is due, and only then (as with PGlite in this thread).
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage({ ...message, id });
    });
  }

  query<T>(text: string, params?: unknown[], options?: QueryOptions, tx?: number): Promise<Results<T>> {
    const opts =
      options === undefined
        ? undefined
        : {
            ...(options.rowMode ? { rowMode: options.rowMode } : {}),
            ...(options.parsers ? { rawTypes: Object.keys(options.parsers).map(Number) } : {}),
          };
    return this.call({
      op: 'query',
      text,
      ...(params ? { params } : {}),
      ...(opts ? { options: opts } : {}),
      ...(tx ? { tx } : {}),
    });
  }

  exec(text: string, tx?: number): Promise<Results[]> {
    return this.call({ op: 'exec', text, ...(tx ? { tx } : {}) });
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const { tx } = await this.call<{ tx: number }>({ op: 'begin' });
    const runner = {
      query: <R>(text: string, params?: unknown[], options?: QueryOptions) => this.query<R>(text, params, options, tx),
      exec: (text: string) => this.exec(text, tx),
    } as unknown as Transaction;
    let result: T;
    try {
      result = await fn(runner);
    } catch (err) {
      await this.call({ op: 'rollback', tx }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: 'commit', tx });
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.call({ op: 'close' }).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }

  /** This object where PGlite is expected (drizzle, pg-boss): it has every method they call. */
  asPglite(): PGlite {
    return this as unknown as PGlite;
  }
}
