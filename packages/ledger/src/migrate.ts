/**
 * Applies the drizzle-kit migrations in `packages/ledger/drizzle/` in order,
 * each once. Hand-written instead of drizzle-orm's migrator for two reasons:
 * several replicas may start at once, so the whole run holds an advisory lock
 * (drizzle's migrator takes none); and the ledger lives in a configurable
 * schema, while drizzle-kit writes foreign keys as `"public"."table"`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../drizzle/', import.meta.url));

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/** One migration from the journal: its tag and SQL statements. */
export interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

/** Reads the committed migrations (journal order). */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(`${dir}meta/_journal.json`, 'utf8')) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const text = readFileSync(`${dir}${tag}.sql`, 'utf8');
      return {
        tag,
        hash: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.replaceAll('"public".', '').trim())
          .filter((s) => s.length > 0),
      };
    });
}

/** What {@link migrate} did. */
export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Brings the schema up to date, idempotently: applied migrations are recorded
 * in `ledger_migrations`; a changed migration file is refused rather than re-run.
 */
export async function migrate(database: Database, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  return database.transaction(async ({ sql }) => {
    // One migrator per schema at a time, across processes and replicas.
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.edigate-ledger-migrate'))`);
    await sql.query(
      `CREATE TABLE IF NOT EXISTS ledger_migrations (tag text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await sql.query<{ tag: string; hash: string }>('SELECT tag, hash FROM ledger_migrations');
    const done = new Map(rows.map((r) => [r.tag, r.hash]));
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const hash = done.get(m.tag);
      if (hash !== undefined) {
        if (hash !== m.hash) throw new Error(`ledger migration ${m.tag} was changed after it was applied`);
        result.alreadyApplied.push(m.tag);
        continue;
      }
      for (const statement of m.statements) await sql.query(statement);
      await sql.query('INSERT INTO ledger_migrations (tag, hash) VALUES ($1, $2)', [m.tag, m.hash]);
      result.applied.push(m.tag);
    }
    return result;
  });
}
