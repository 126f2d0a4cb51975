// @ts-check
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/prefer-promise-reject-errors --
   PGlite's types do not resolve for this plain-JS worker; every path here runs in the ledger's tests on the pglite-thread driver. */
// The worker thread of pgliteThread.ts: one PGlite (embedded PostgreSQL in
// WebAssembly) runs here, with its own event loop and its own garbage
// collector, so the ledger's statements and PGlite's memory never stall the
// gateway's main thread. Plain JavaScript so that it starts under any loader
// (tsx, vitest, plain node).
import { PGlite, parse, protocol } from '@electric-sql/pglite';
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { StatementNames } from './statementNames.js';

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

/*
 * Prepared statements. PGlite's query() parses, describes and plans its text
 * on every call, in six round trips into the WebAssembly backend; the
 * ledger's hot statements (the receive path's insert and completion,
 * pg-boss's fetch) repeat the same text thousands of times. A text run a
 * second time outside a transaction is prepared under a name (Parse +
 * Describe, once) and from then on runs as Bind + Describe + Execute + Sync
 * in one call: about 0.4 ms of this thread's CPU instead of 0.7-1.0 ms for
 * the receive path's insert. PostgreSQL re-plans a prepared statement by
 * itself after DDL or a search_path change (PostgreSQL docs, PREPARE).
 * Which texts get a name, and the bound on them: statementNames.js.
 */
const names = new StatementNames();
/** @type {Map<string, { name: string, paramTypes: number[] }>} statements prepared here, by text */
const prepared = new Map();
const serialize = /** @type {any} */ (protocol).serialize;
const parseResults = /** @type {any} */ (parse).parseResults;

/**
 * Runs `fn` as PGlite's own top-level query() does: after any open
 * transaction (the transaction lock), alone on the connection (the query
 * lock). `_runExclusiveTransaction` is PGlite's (0.5) own lock for this; when
 * it is missing, the caller falls back to query().
 * @template T @param {any} db @param {() => Promise<T>} fn @returns {Promise<T>}
 */
function exclusive(db, fn) {
  return db._runExclusiveTransaction(() => db.runExclusive(fn));
}

/** @param {any} db */
const canPrepare = (db) =>
  typeof db._runExclusiveTransaction === 'function' &&
  typeof db.runExclusive === 'function' &&
  typeof db.execProtocol === 'function' &&
  serialize !== undefined &&
  parseResults !== undefined;

/**
 * A top-level query through a named prepared statement once its text repeats.
 * @param {any} db @param {string} text @param {unknown[] | undefined} params
 * @param {{ rowMode?: 'array' | 'object', parsers?: Record<number, (v: string) => string> }} queryOptions
 */
async function preparedQuery(db, text, params, queryOptions) {
  let statement = prepared.get(text);
  if (!statement) {
    const name = canPrepare(db) ? names.nameFor(text) : undefined;
    if (name === undefined) return db.query(text, params, queryOptions);
    const described = await exclusive(db, () =>
      db.execProtocol(
        Buffer.concat([
          serialize.parse({ name, text, types: [] }),
          serialize.describe({ type: 'S', name }),
          serialize.sync(),
        ]),
      ),
    );
    /** @type {number[]} */
    const paramTypes = [];
    for (const msg of /** @type {{ name: string, dataTypeIDs?: number[] }[]} */ (described.messages))
      if (msg.name === 'parameterDescription') paramTypes.push(...(msg.dataTypeIDs ?? []));
    statement = { name, paramTypes };
    prepared.set(text, statement);
  }
  const { name, paramTypes } = statement;
  // Parameters as query() sends them: text, through PGlite's serializer for the parameter's type.
  const values = (params ?? []).map((v, i) => {
    if (v === null || v === undefined) return null;
    const ser = db.serializers[/** @type {number} */ (paramTypes[i])];
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- as PGlite's query() does for a type without a serializer
    return ser ? ser(v) : String(v);
  });
  const run = () =>
    exclusive(db, () =>
      db.execProtocol(
        Buffer.concat([
          serialize.bind({ statement: name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
      ),
    );
  try {
    const result = await run();
    return parseResults(result.messages, db.parsers, queryOptions)[0] ?? { rows: [], fields: [] };
  } catch (err) {
    // A DDL change that alters the statement's result columns: PostgreSQL
    // refuses before executing anything (SQLSTATE 0A000), so running the text
    // afresh is safe. The name is dropped and the text may be prepared again.
    if (/** @type {{ code?: string }} */ (err).code === '0A000') {
      prepared.delete(text);
      names.forget(text);
      await exclusive(db, () =>
        db.execProtocol(Buffer.concat([serialize.close({ type: 'S', name }), serialize.sync()])),
      );
      return db.query(text, params, queryOptions);
    }
    throw err;
  }
}

/** @param {Request} m @param {Db} db */
async function handle(m, db) {
  switch (m.op) {
    case 'query': {
      const runner = m.tx ? transactions.get(m.tx)?.runner : db;
      if (!runner) throw new Error('transaction already ended');
      /** @type {Record<number, (v: string) => string>} */
      const parsers = {};
      for (const t of m.options?.rawTypes ?? []) parsers[t] = identity;
      const queryOptions = {
        ...(m.options?.rowMode ? { rowMode: m.options.rowMode } : {}),
        ...(m.options?.rawTypes ? { parsers } : {}),
      };
      return m.tx ? runner.query(m.text, m.params, queryOptions) : preparedQuery(db, m.text, m.params, queryOptions);
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
