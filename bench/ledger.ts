/**
 * `pnpm bench ledger [--quick] [--runs N]` — the control-number ledger:
 * interchanges recorded per second (3 groups × 10 sets each, one transaction
 * per interchange) and control-number allocations per second, on PostgreSQL
 * (DATABASE_URL, else 127.0.0.1:5432/test; a fresh schema, dropped after)
 * and on embedded PGlite (in memory). Median of `--runs` runs.
 */
import { openLedger, type InterchangeInput, type Ledger } from '@edigate/ledger';
import { dropSchemas, findTestPostgres, uniqueSchema } from '@edigate/ledger/testing';
import { median, parseBenchArgs, table } from './lib/index.js';

let counter = 0;

function interchange(): InterchangeInput {
  counter += 1;
  return {
    partnerId: 'bench',
    standard: 'x12',
    sender: { qualifier: 'ZZ', id: `BENCH${process.pid}` },
    receiver: { qualifier: 'ZZ', id: 'EDIGATE' },
    controlNumber: String(counter).padStart(9, '0'),
    version: '00401',
    status: 'accepted',
    groups: [1, 2, 3].map((g) => ({
      functionalId: 'PO',
      controlNumber: String(g),
      version: '004010',
      status: 'accepted' as const,
      sets: Array.from({ length: 10 }, (_, s) => ({
        setId: '850',
        controlNumber: String(s + 1).padStart(4, '0'),
        version: '004010',
        status: 'accepted' as const,
        segmentCount: 12,
      })),
    })),
  };
}

/** Runs `total` operations with `concurrency` workers; returns operations per second. */
async function rate(total: number, concurrency: number, op: () => Promise<unknown>): Promise<number> {
  let left = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        await op();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

interface Case {
  what: string;
  driver: string;
  concurrency: number;
  total: number;
  op: (ledger: Ledger) => () => Promise<unknown>;
}

export default async function ledgerBench(args: string[]): Promise<string> {
  const { quick, runs } = parseBenchArgs(args);
  const n = quick ? 200 : 1000;
  const cases: Case[] = [];
  for (const driver of ['pg', 'pglite']) {
    const concurrencies = driver === 'pg' ? [1, 8] : [1];
    for (const c of concurrencies) {
      cases.push({
        what: 'interchanges recorded (3 groups × 10 sets)',
        driver,
        concurrency: c,
        total: n,
        op: (l) => () => l.recordInterchange(interchange()),
      });
    }
    for (const c of concurrencies) {
      cases.push({
        what: 'ISA13 allocations (one partner)',
        driver,
        concurrency: c,
        total: n * 2,
        op: (l) => () => l.nextControlNumber({ partnerId: 'bench', level: 'ISA13' }),
      });
    }
  }

  const pgInfo = await findTestPostgres();
  const schema = uniqueSchema('bench');
  const ledgers: Record<string, Ledger | undefined> = {
    pg: pgInfo.url ? await openLedger({ url: pgInfo.url, schema, poolSize: 10 }) : undefined,
    pglite: await openLedger({}),
  };
  const rows: string[][] = [];
  try {
    for (const c of cases) {
      const ledger = ledgers[c.driver];
      if (!ledger) {
        rows.push([
          c.what,
          c.driver,
          String(c.concurrency),
          'skipped',
          pgInfo.url ? '' : (pgInfo as { reason: string }).reason,
        ]);
        continue;
      }
      const op = c.op(ledger);
      await rate(Math.min(50, c.total), c.concurrency, op); // warm-up
      const rates: number[] = [];
      for (let r = 0; r < runs; r++) rates.push(await rate(c.total, c.concurrency, op));
      rows.push([
        c.what,
        c.driver === 'pg' ? 'PostgreSQL (pg)' : 'PGlite (in memory)',
        String(c.concurrency),
        `${Math.round(median(rates)).toLocaleString('en-US')}/s`,
        `${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}`,
      ]);
    }
  } finally {
    for (const l of Object.values(ledgers)) if (l) await l.close();
    if (pgInfo.url) await dropSchemas(pgInfo.url, schema);
  }
  return [
    '## Ledger',
    '',
    `${n} interchanges and ${2 * n} allocations per run; ${runs} run(s), median; one transaction per interchange.`,
    `PostgreSQL: ${pgInfo.url ? pgInfo.source : 'not reachable'} (pool of 10).`,
    '',
    table(['Case', 'Driver', 'Concurrent callers', 'Median', 'Range (per s)'], rows),
  ].join('\n');
}
