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
