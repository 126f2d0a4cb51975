/**
 * Test support: finds a real PostgreSQL for the ledger's tests and gives each
 * test file its own schema, so runs never collide. Order: `DATABASE_URL`;
 * else a container from `@testcontainers/postgresql` when a Docker engine
 * answers; else the local server at 127.0.0.1:5432 (database `test`); else a
 * reason the PostgreSQL tests skip.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import pg from 'pg';
import { openDatabase, quoteIdent, type Database } from './db.js';
import { Ledger, openLedger, type OpenLedgerOptions } from './ledger.js';
import { loadMigrations, migrate } from './migrate.js';

/** A reachable PostgreSQL, or why there is none. */
export type TestPostgres =
  { url: string; source: string; stop: () => Promise<void> } | { url?: undefined; reason: string };

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether a Docker engine answers `/_ping` (DOCKER_HOST is left to testcontainers to judge). */
async function dockerPresent(): Promise<boolean> {
  if (process.env.DOCKER_HOST) return true;
  const socketPath = '/var/run/docker.sock';
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

let found: Promise<TestPostgres> | undefined;

/** Finds (once per process) the PostgreSQL the tests use. */
export function findTestPostgres(): Promise<TestPostgres> {
  found ??= (async (): Promise<TestPostgres> => {
    const envUrl = process.env.DATABASE_URL;
    if (envUrl) {
      const err = await reachable(envUrl);
      return err
        ? { reason: `DATABASE_URL is set but not reachable: ${err}` }
        : { url: envUrl, source: 'DATABASE_URL', stop: async () => {} };
    }
    const notes: string[] = [];
    if (await dockerPresent()) {
      try {
        const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
        const container = await new PostgreSqlContainer('postgres:16-alpine').withStartupTimeout(60_000).start();
        return {
          url: container.getConnectionUri(),
          source: 'testcontainers',
          stop: async () => void (await container.stop()),
        };
      } catch (err) {
        notes.push(
          `Docker engine present but no container started (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
        );
      }
    } else notes.push('no Docker engine');
    const err = await reachable(LOCAL_URL);
    if (!err) return { url: LOCAL_URL, source: 'local server 127.0.0.1:5432', stop: async () => {} };
    notes.push(`no server at 127.0.0.1:5432 (${err})`);
    return { reason: `no PostgreSQL for the tests: DATABASE_URL unset; ${notes.join('; ')}` };
  })();
  return found;
}

/** A fresh schema name for one test file (`t_<pid>_<random>`). */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema (and pg-boss's schema next to it). */
export async function dropSchemas(url: string, ...schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A dump of an empty, migrated PGlite cluster, cached in the temp folder per
 * PGlite version and migration set: starting from it takes a fraction of a
 * fresh cluster's initdb, and every test file starts one.
 */
export async function pgliteTemplate(): Promise<Blob> {
  const key = createHash('sha256')
    .update(JSON.stringify([pgliteVersion(), loadMigrations().map((m) => m.hash)]))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(tmpdir(), `edigate-ledger-pglite-${key}.tar`);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    return new Blob([bytes]);
  }
  const db = await openDatabase({});
  try {
    await migrate(db);
    const dump = await db.pglite!.dumpDataDir('none');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
    return dump;
  } finally {
    await db.close();
  }
}

/** Where PGlite resolves from: pnpm's path names its version, so a new PGlite makes a new template. */
function pgliteVersion(): string {
  return import.meta.resolve('@electric-sql/pglite');
}

/** One driver the ledger's tests run on. */
export interface TestDriver {
  /** `pglite-thread`: PGlite in a worker thread (as the gateway runs it). */
  name: 'pglite' | 'pglite-thread' | 'pg';
  /** Why this driver's tests skip, when they do. */
  skip?: string;
  /**
   * A ledger on this file's database. PGlite: every call shares one in-memory
   * instance. pg: every call opens its own pool (4 connections unless told) on this file's schema, as a
   * replica would.
   */
  open(opts?: Omit<OpenLedgerOptions, 'url' | 'dataDir' | 'schema'>): Promise<Ledger>;
  /** The pg URL and schema (pg only), for raw checks. */
  url?: string;
  schema?: string;
  /** Closes every ledger opened and drops the schema. */
  cleanup(): Promise<void>;
}

/** A PGlite driver: one in-memory instance (in this thread or a worker thread) shared by every call, from the migrated template. */
function sharedPgliteDriver(name: 'pglite' | 'pglite-thread', thread: boolean): TestDriver {
  let shared: Promise<Database> | undefined;
  return {
    name,
    async open(opts = {}) {
      shared ??= pgliteTemplate().then(async (loadDataDir) => {
        const db = await openDatabase({ loadDataDir, thread }).catch(() => openDatabase({ thread }));
        await migrate(db);
        return db;
      });
      return new Ledger(await shared, opts);
    },
    async cleanup() {
      if (shared) await (await shared).close();
    },
  };
}

/** The drivers to run a test file on: PGlite always, pg when a server is found (else with `skip` set). */
export async function testDrivers(): Promise<TestDriver[]> {
  const pgInfo = await findTestPostgres();
  const pgliteDriver = sharedPgliteDriver('pglite', false);
  const pgliteThreadDriver = sharedPgliteDriver('pglite-thread', true);
  if (pgInfo.url === undefined) {
    const reason = pgInfo.reason;
    console.warn(`[ledger tests] PostgreSQL tests skip: ${reason}`);
    return [
      pgliteDriver,
      pgliteThreadDriver,
      { name: 'pg', skip: reason, open: () => Promise.reject(new Error(reason)), cleanup: async () => {} },
    ];
  }
  const url = pgInfo.url;
  const schema = uniqueSchema();
  const opened: Ledger[] = [];
  const pgDriver: TestDriver = {
    name: 'pg',
    url,
    schema,
    async open(opts = {}) {
      const ledger = await openLedger({ poolSize: 4, ...opts, url, schema });
      opened.push(ledger);
      return ledger;
    },
    async cleanup() {
      await Promise.all(opened.map((l) => l.close()));
      await dropSchemas(url, schema, `${schema}_jobs`);
    },
  };
  return [pgliteDriver, pgliteThreadDriver, pgDriver];
}
