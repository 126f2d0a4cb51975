import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteThread } from './pgliteThread.js';

// The PGlite thread prepares a statement the second time its text runs at the
// top level (pgliteWorker.js). These checks run each text three times, so the
// first answer comes from query() and the later ones from the prepared path,
// and compare them.
describe('PGlite thread: repeated statements (prepared)', () => {
  let db: PgliteThread;
  beforeAll(async () => {
    db = await PgliteThread.create();
    await db.exec(
      `CREATE TABLE t (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, at timestamptz, flag boolean, n bigint, doc jsonb, raw bytea)`,
    );
  });
  afterAll(() => db.close());

  const insert = `INSERT INTO t (name, at, flag, n, doc, raw) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`;

  it('gives the same rows and types whether a text runs the first time or again', async () => {
    const at = new Date('2026-11-29T03:30:00.123Z');
    const rows = [];
    for (const name of ['a', 'b', 'c']) {
      const r = await db.query<Record<string, unknown>>(insert, [
        name,
        at,
        name !== 'b',
        12345678901,
        { k: name, list: [1, 2] },
        Buffer.from([0, 1, 255]),
      ]);
      rows.push(r.rows[0]!);
    }
    // The later runs went through a named statement.
    const named = await db.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements`);
    expect(named.rows.map((r) => r.statement)).toContain(insert);
    for (const [i, row] of rows.entries()) {
      expect(row.name).toBe(['a', 'b', 'c'][i]);
      expect(row.at).toEqual(at);
      expect(row.flag).toBe(i !== 1);
      expect(row.n).toBe(12345678901);
      expect(row.doc).toEqual({ k: row.name, list: [1, 2] });
      expect(Buffer.from(row.raw as Uint8Array)).toEqual(Buffer.from([0, 1, 255]));
    }
  });

  it('passes nulls, and honours rowMode and raw types on the prepared path', async () => {
    const text = `SELECT $1::text AS a, $2::int AS b, now()::timestamptz AS c`;
    for (let i = 0; i < 3; i++) {
      const r = await db.query<unknown[]>(text, [null, i], { rowMode: 'array', parsers: { 1184: (v: string) => v } });
      expect(r.rows[0]![0]).toBeNull();
      expect(r.rows[0]![1]).toBe(i);
      expect(typeof r.rows[0]![2]).toBe('string');
    }
  });

  it('reports a database error from a prepared statement with its code, and goes on working', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(db.query(insert, ['a', null, null, null, null, null])).rejects.toMatchObject({ code: '23505' });
    }
    const r = await db.query<{ count: string }>(`SELECT count(*)::text AS count FROM t`);
    expect(r.rows[0]!.count).toBe('3');
  });

  it('follows a change of the table under a prepared SELECT * (PostgreSQL re-plans; 0A000 is retried afresh)', async () => {
    const text = `SELECT * FROM t WHERE name = $1`;
    for (let i = 0; i < 3; i++) await db.query(text, ['a']);
    // Another text prepared after it: the one dropped below must not hand its successor's name out again.
    for (let i = 0; i < 3; i++) await db.query(`SELECT id FROM t WHERE id > $1`, [0]);
    await db.exec(`ALTER TABLE t ADD COLUMN extra text DEFAULT 'x'`);
    const r = await db.query<Record<string, unknown>>(text, ['a']);
    expect(r.rows[0]!.extra).toBe('x');
    // And the text is prepared again afterwards.
    for (let i = 0; i < 3; i++) expect((await db.query<Record<string, unknown>>(text, ['a'])).rows[0]!.extra).toBe('x');
  });

  it('keeps a prepared text out of an open transaction of another caller', async () => {
    const count = `SELECT count(*)::int AS n FROM t`;
    for (let i = 0; i < 2; i++) await db.query(count);
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const tx = db
      .transaction(async (t) => {
        await t.query(`INSERT INTO t (name) VALUES ('in-tx')`);
        inside();
        await hold;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await entered;
    // Runs after the transaction ends (rolled back), so it never sees its row.
    const outside = db.query<{ n: number }>(count);
    release();
    await tx;
    expect((await outside).rows[0]!.n).toBe(3);
  });
});
