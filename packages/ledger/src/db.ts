/**
 * One database API over two drivers: `pg` (a PostgreSQL server) and
 * `@electric-sql/pglite` (embedded, a single connection). Everything above this
 * file talks to a {@link Database}: drizzle for typed queries, `sql` for raw
 * statements, `exec` for multi-statement scripts, `transaction` for one unit.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';
import { PgliteThread } from './pgliteThread.js';
import { StatementNames } from './statementNames.js';

/** The drizzle database (or transaction) type shared by both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A plain SQL runner: one statement with `$1…` parameters. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

/** An open connection (pool) to the ledger's database. */
export interface Database {
  readonly driver: 'pg' | 'pglite';
  /** The schema the ledger lives in (`search_path`). */
  readonly schema: string;
  readonly db: Db;
  /** One statement with parameters, outside any transaction. */
  query: SqlRunner['query'];
  /** A script of several statements without parameters. */
  exec(text: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: { db: Db; sql: SqlRunner }) => Promise<T>): Promise<T>;
  /** The PGlite instance, when the driver is PGlite (pg-boss shares its single connection). */
  readonly pglite?: PGlite;
  /** The pg pool, when the driver is pg. */
  readonly pool?: pg.Pool;
  close(): Promise<void>;
}

/** How to open a {@link Database}. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; in-memory when absent. */
  dataDir?: string;
  /** Schema for the ledger's tables (default: the URL's `?schema=`, else `public`); created when missing. */
  schema?: string;
  /** pg pool size (default 10). */
  poolSize?: number;
  /** PGlite: start from this data-directory dump (`dumpDataDir`) instead of an empty cluster (tests use a migrated template). */
  loadDataDir?: Blob;
  /**
   * PGlite: run it in a worker thread (a server's choice: its statements and
   * garbage collection then stay off the event loop). `pglite` is then a
   * stand-in with `query`, `exec`, `transaction` and `close` only.
   */
  thread?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes an identifier known to match {@link SCHEMA_NAME}. */
export function quoteIdent(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new Error(`invalid schema name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** Opens the database: a pg pool for `url`, else PGlite at `dataDir` (in memory when undefined). */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let url = opts.url;
  let schemaName = opts.schema;
  if (url && /[?&]schema=/.test(url)) {
    // `?schema=<name>` in the URL picks the schema (as Prisma's URLs do); PostgreSQL itself must not see it.
    const parsed = new URL(url);
    const fromUrl = parsed.searchParams.get('schema');
    if (fromUrl !== null) {
      parsed.searchParams.delete('schema');
      url = parsed.toString();
      schemaName ??= fromUrl;
    }
  }
  schemaName ??= 'public';
  const quoted = quoteIdent(schemaName);
  if (url) return openPg(url, schemaName, quoted, opts.poolSize ?? 10);
  return openPglite(
    { dataDir: opts.dataDir, loadDataDir: opts.loadDataDir, thread: opts.thread ?? false },
    schemaName,
    quoted,
  );
}

async function openPg(url: string, schemaName: string, quoted: string, max: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Every connection of the pool works in the ledger's schema.
    options: `-c search_path=${quoted}`,
    application_name: 'edigate-ledger',
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // `public` exists; a role without CREATE on the database must still be able to use it.
  if (schemaName !== 'public') {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`).catch(async (err: unknown) => {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if ((err as { code?: string }).code !== '23505') {
        await pool.end();
        throw err;
      }
    });
  }
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const names = new StatementNames();
  const queryOn =
    (client: pg.Pool | pg.PoolClient) =>
    async <T>(text: string, params?: unknown[]) => {
      // Only texts with parameters: they go through the extended protocol anyway, where a name
      // costs nothing; a text without runs as a simple query and may hold several statements.
      // Named (statementNames.js) the second time: each pooled connection then parses and plans it
      // once; the receive path's insert took 0.19-0.24 ms of the server's CPU instead of 0.35-0.36 ms.
      const name = params !== undefined && params.length > 0 ? names.nameFor(text) : undefined;
      let r: pg.QueryResult;
      try {
        r = await client.query(name ? { name, text, values: params } : { text, values: params });
      } catch (err) {
        // A table changed under a named statement so that its result columns
        // differ (SQLSTATE 0A000): PostgreSQL refuses before running it, so
        // running the text afresh is safe; it is named anew when it repeats.
        if (name === undefined || (err as { code?: string }).code !== '0A000') throw err;
        names.forget(text);
        r = await client.query({ text, values: params });
      }
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    };
  return {
    driver: 'pg',
    schema: schemaName,
    db,
    pool,
    query: queryOn(pool),
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // No relational schema here: building it per transaction costs more than the queries; the ledger uses only the query builder.
        const txDb = drizzlePg({ client }) as unknown as Db;
        const result = await fn({ db: txDb, sql: { query: queryOn(client) } });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(
  where: { dataDir?: string | undefined; loadDataDir?: Blob | undefined; thread: boolean },
  schemaName: string,
  quoted: string,
): Promise<Database> {
  const { dataDir, loadDataDir } = where;
  const create = async (options: { dataDir?: string; loadDataDir?: Blob }) =>
    where.thread ? (await PgliteThread.create(options)).asPglite() : await PGlite.create(options);
  let pglite: PGlite;
  let release = () => {};
  if (dataDir === undefined) pglite = await create(loadDataDir ? { loadDataDir } : {});
  else {
    release = lockDataDir(dataDir);
    try {
      await initDataDir(dataDir, loadDataDir, create);
      pglite = await create({ dataDir }).catch((err: unknown) => {
        throw new Error(
          `the embedded ledger at ${dataDir} could not be opened (${err instanceof Error ? err.message : String(err)}). ` +
            'If it was damaged (a full disk, a copy taken while it ran), restore it from a backup, or move the folder ' +
            'aside to start with an empty ledger: the archive beside it keeps every received message for replay.',
          { cause: err },
        );
      });
    } catch (err) {
      release();
      throw err;
    }
  }
  await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoted}; SET search_path TO ${quoted};`);
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
  return {
    driver: 'pglite',
    schema: schemaName,
    db,
    pglite,
    async query<T>(text: string, params?: unknown[]) {
      const r = await pglite.query<T>(text, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(text) {
      await pglite.exec(text);
    },
    // PGlite has one connection: its transaction() holds an exclusive lock, so
    // concurrent callers queue up here instead of interleaving statements.
    async transaction(fn) {
      return pglite.transaction(async (tx) => {
        const txDb = drizzlePglite({ client: tx as unknown as PGlite }) as unknown as Db;
        return fn({
          db: txDb,
          sql: {
            async query<T>(text: string, params?: unknown[]) {
              const r = await tx.query<T>(text, params);
              return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
            },
          },
        });
      });
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * Creates an embedded ledger's data folder in one step: PostgreSQL's initdb
 * runs in `<dataDir>.init`, which is renamed to `<dataDir>` once PGlite has
 * closed it. A first start stopped halfway (Ctrl-C while initdb runs) leaves
 * only the `.init` folder, which the next start removes, never a half-made
 * `<dataDir>` that PGlite cannot open again.
 */
async function initDataDir(
  dataDir: string,
  loadDataDir: Blob | undefined,
  create: (o: { dataDir?: string; loadDataDir?: Blob }) => Promise<PGlite>,
): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(
      `${dataDir} is not an embedded ledger (no PG_VERSION) and not empty: move it aside or name another folder`,
    );
  const staging = `${dataDir}.init`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const fresh = await create({ dataDir: staging, ...(loadDataDir ? { loadDataDir } : {}) });
  await fresh.close();
  rmSync(dataDir, { recursive: true, force: true }); // an empty folder, if any
  renameSync(staging, dataDir);
}

/**
 * One process per embedded ledger: PGlite is PostgreSQL in one process, and
 * two of them writing one data folder destroy it. `<dataDir>.lock` holds the
 * owner's pid and its start time (Linux `/proc/<pid>/stat`); a lock whose
 * process is gone, or whose pid now belongs to another process (a container
 * restarted with the same pid), is taken over. Returns the release.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = `${dataDir}.lock`;
  if (lockedHere.has(lock))
    throw new Error(`the embedded ledger at ${dataDir} is already open in this process; close it first`);
  mkdirSync(path.dirname(lock), { recursive: true });
  const me = `${process.pid} ${startTimeOf(process.pid) ?? ''}`.trim();
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${me}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const [pidText, started] = readFileSync(lock, 'utf8').trim().split(/\s+/);
      const owner = Number.parseInt(pidText ?? '', 10);
      const ownerRunning =
        Number.isInteger(owner) &&
        owner > 0 &&
        owner !== process.pid &&
        processAlive(owner) &&
        sameStart(owner, started);
      if (ownerRunning)
        throw new Error(
          `the embedded ledger at ${dataDir} is in use by process ${owner}: stop the other edigate on this home ` +
            'first (two processes on one PGlite folder would destroy it), or give both a PostgreSQL ledger (database.url)',
        );
      rmSync(lock, { force: true }); // its process is gone
    }
  }
  lockedHere.add(lock);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    lockedHere.delete(lock);
    rmSync(lock, { force: true });
  };
}

/** Lock files this process holds. */
const lockedHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` still is the process that started at `started` (unknown either side: assume so). */
function sameStart(pid: number, started: string | undefined): boolean {
  const now = startTimeOf(pid);
  return started === undefined || now === undefined || now === started;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined off Linux. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
