// @ts-check
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/prefer-promise-reject-errors --
   PGlite's types do not resolve for this plain-JS worker; every path here runs in the ledger's tests on the pglite-thread driver. */
// The worker thread of pgliteThread.ts: one PGlite (embedded PostgreSQL in
// WebAssembly) runs here, with its own event loop and its own garbage
// collector, so the ledger's statements and PGlite's memory never stall the
// gateway's main thread. Plain JavaScript so that it starts under any loader
// (tsx, vitest, plain node).
import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';

/** @typedef {{ rowMode?: 'array' | 'object', rawTypes?: number[] }} QueryOptions */
/**
 * @typedef {{ id: number, op: 'query', text: string, params?: unknown[], options?: QueryOptions, tx?: number }
 *   | { id: number, op: 'exec', text: string, tx?: number }
 *   | { id: number, op: 'begin' }
 *   | { id: number, op: 'commit' | 'rollback', tx: number }
 *   | { id: number, op: 'close' }} Request
 */
/** @typedef {{ query: (text: string, params?: unknown[], options?: object) => Promise<unknown>, exec: (text: string) => Promise<unknown> }} Runner */
/** @typedef {Runner & { transaction: (fn: (tx: Runner) => Promise<unknown>) => Promise<unknown>, close: () => Promise<void> }} Db */

const identity = (/** @type {string} */ v) => v;

/** @type {Map<number, { runner: Runner, end: (commit: boolean) => void }>} open transactions by id */
const ROLLBACK = new Error('rollback');
const transactions = new Map();
let nextTx = 1;
/** @type {Map<number, Promise<unknown>>} each transaction's outcome, by id */
const settled = new Map();

/** @param {unknown} err */
function describe(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  /** @type {Record<string, unknown>} */
  const out = { message: err.message, name: err.name };
  // DatabaseError fields callers look at (code 23505 and friends).
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'where']) {
    const v = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (err))[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** @type {{ dataDir?: string, loadDataDir?: Blob }} */
const options = /** @type {{ dataDir?: string, loadDataDir?: Blob }} */ (workerData ?? {});
// Typed by the part used here (this file is checked without the package's type resolution).
const create = /** @type {(o: object) => Promise<Db>} */ (/** @type {unknown} */ (PGlite.create.bind(PGlite)));
const ready = create({
  ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
});
ready.then(
  () => parentPort?.postMessage({ id: 0, ok: true }),
  (/** @type {unknown} */ err) => parentPort?.postMessage({ id: 0, ok: false, error: describe(err) }),
);

/** @param {Request} m @param {Db} db */
async function handle(m, db) {
  switch (m.op) {
    case 'query': {
      const runner = m.tx ? transactions.get(m.tx)?.runner : db;
      if (!runner) throw new Error('transaction already ended');
      /** @type {Record<number, (v: string) => string>} */
      const parsers = {};
      for (const t of m.options?.rawTypes ?? []) parsers[t] = identity;
      return runner.query(m.text, m.params, {
        ...(m.options?.rowMode ? { rowMode: m.options.rowMode } : {}),
        ...(m.options?.rawTypes ? { parsers } : {}),
      });
    }
    case 'exec': {
      const runner = m.tx ? transactions.get(m.tx)?.runner : db;
      if (!runner) throw new Error('transaction already ended');
      return runner.exec(m.text);
    }
    case 'begin': {
      const tx = nextTx++;
      // PGlite's transaction() holds its single connection until the callback settles.
      return new Promise((started, failed) => {
        let inside = false;
        const done = db.transaction(
          (runner) =>
            new Promise((resolve, reject) => {
              inside = true;
              transactions.set(tx, { runner, end: (commit) => (commit ? resolve(undefined) : reject(ROLLBACK)) });
              started({ tx });
            }),
        );
        settled.set(tx, done);
        done.catch((/** @type {unknown} */ err) => {
          if (!inside) {
            settled.delete(tx);
            failed(err);
          }
        });
      });
    }
    case 'commit':
    case 'rollback': {
      const t = transactions.get(m.tx);
      const done = settled.get(m.tx);
      transactions.delete(m.tx);
      settled.delete(m.tx);
      if (!t || !done) return undefined;
      t.end(m.op === 'commit');
      // COMMIT itself can fail (a deferred constraint): the caller hears of it.
      if (m.op === 'commit') await done;
      else await done.catch(() => undefined);
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

parentPort?.on('message', (/** @type {Request} */ m) => {
  ready
    .then((db) => handle(m, db))
    .then(
      (result) => parentPort?.postMessage({ id: m.id, ok: true, result }),
      (/** @type {unknown} */ err) => parentPort?.postMessage({ id: m.id, ok: false, error: describe(err) }),
    );
});
