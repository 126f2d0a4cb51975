import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db.js';
import { dropSchemas, findTestPostgres, uniqueSchema } from './testing.js';

// The pg driver names a statement text the second time it runs (db.ts,
// StatementNames). These checks run each text three times on one connection,
// so the later answers come from the named statement, and compare them.
const pgInfo = await findTestPostgres();

describe.skipIf(pgInfo.url === undefined)('pg driver: repeated statements (named)', () => {
  const schema = uniqueSchema('stmt');
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ url: pgInfo.url!, schema, poolSize: 1 });
    await db.exec(`CREATE TABLE t (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, at timestamptz)`);
  });
  afterAll(async () => {
    await db?.close();
    await dropSchemas(pgInfo.url!, schema);
  });

  it('gives the same answers the first time and later, through a named statement', async () => {
    const insert = `INSERT INTO t (name, at) VALUES ($1, $2) RETURNING id, name, at`;
    const at = new Date('2026-11-29T04:30:00.000Z');
    const rows = [];
    for (const name of ['a', 'b', 'c'])
      rows.push((await db.query<{ name: string; at: Date }>(insert, [name, at])).rows[0]!);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    for (const r of rows) expect(r.at).toEqual(at);
    const named = await db.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements`);
    expect(named.rows.map((r) => r.statement)).toContain(insert);
  });

  it('reports a database error with its code, and goes on working', async () => {
    const insert = `INSERT INTO t (name) VALUES ($1)`;
    for (let i = 0; i < 3; i++) await expect(db.query(insert, ['a'])).rejects.toMatchObject({ code: '23505' });
    expect((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM t`)).rows[0]!.n).toBe('3');
  });

  it('follows a change of the table under a named SELECT * (0A000 is run afresh, then named anew)', async () => {
    const text = `SELECT * FROM t WHERE name = $1`;
    for (let i = 0; i < 3; i++) await db.query(text, ['a']);
    await db.exec(`ALTER TABLE t ADD COLUMN extra text DEFAULT 'x'`);
    for (let i = 0; i < 4; i++) expect((await db.query<{ extra: string }>(text, ['a'])).rows[0]!.extra).toBe('x');
  });
});

describe('embedded ledger folder: made in one step, one process at a time', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const home = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'edigate-datadir-'));
    dirs.push(d);
    return path.join(d, 'ledger');
  };

  it('refuses a second open of the same folder, and opens it again once closed', async () => {
    const dataDir = home();
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toThrow(/already open in this process/);
    await first.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await openDatabase({ dataDir });
    expect((await again.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
    await again.close();
  });

  it('refuses a folder another running process holds, and takes over the lock of one that is gone', async () => {
    const dataDir = home();
    mkdirSync(path.dirname(dataDir), { recursive: true });
    const other = spawn('sleep', ['30']);
    try {
      const started = readFileSync(`/proc/${other.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      writeFileSync(`${dataDir}.lock`, `${other.pid} ${started}\n`);
      await expect(openDatabase({ dataDir })).rejects.toThrow(
        new RegExp(`in use by process ${other.pid}: stop the other edigate on this home first`),
      );
      // The same pid with another start time: a new process that inherited the number (a restarted container).
      writeFileSync(`${dataDir}.lock`, `${other.pid} 1\n`);
      const db = await openDatabase({ dataDir });
      expect(readFileSync(`${dataDir}.lock`, 'utf8').split(' ')[0]).toBe(String(process.pid));
      await db.close();
    } finally {
      other.kill();
    }
    await once(other, 'exit');
    writeFileSync(`${dataDir}.lock`, `${other.pid}\n`); // its process is gone now
    const db = await openDatabase({ dataDir });
    await db.close();
  });

  it('a first start stopped halfway leaves only <dir>.init, and the next start makes the folder afresh', async () => {
    const dataDir = home();
    mkdirSync(`${dataDir}.init/base`, { recursive: true });
    writeFileSync(`${dataDir}.init/PG_VERSION`, '17\n'); // what an interrupted initdb leaves behind
    const db = await openDatabase({ dataDir });
    expect(existsSync(`${dataDir}.init`)).toBe(false);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('says which folder it could not open, and what to do, when the folder is damaged', async () => {
    const dataDir = home();
    mkdirSync(path.join(dataDir, 'base'), { recursive: true });
    writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n'); // PG_VERSION but nothing else
    await expect(openDatabase({ dataDir })).rejects.toThrow(
      new RegExp(`the embedded ledger at ${dataDir} could not be opened .*move the folder aside`),
    );
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
