import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLedger } from '@edigate/ledger';
import { dropSchemas, findTestPostgres, uniqueSchema } from '@edigate/ledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../context.js';
import { run } from '../program.js';
import { humanMs, table } from './ledger.js';

/** An X12 850 interchange: `groups` groups of `sets` sets. */
function x12(opts: { control: string; sender?: string; groups?: number; sets?: number; badSet?: boolean }): string {
  const sender = (opts.sender ?? 'INITECH').padEnd(15);
  const segs = [
    `ISA*00*          *00*          *ZZ*${sender}*ZZ*EDIGATE        *261120*1030*U*00401*${opts.control}*0*P*>`,
  ];
  for (let g = 1; g <= (opts.groups ?? 1); g++) {
    segs.push(`GS*PO*INITECH*EDIGATE*20261120*1030*${g}*X*004010`);
    const n = opts.sets ?? 1;
    for (let s = 1; s <= n; s++) {
      const st = String(s).padStart(4, '0');
      segs.push(
        `ST*850*${st}`,
        'BEG*00*SA*PO-1**20261120',
        'PO1*1*10*EA*9.5**VP*W-1',
        'CTT*1',
        `SE*${opts.badSet && s === 1 ? 9 : 5}*${st}`,
      );
    }
    segs.push(`GE*${n}*${g}`);
  }
  segs.push(`IEA*${opts.groups ?? 1}*${opts.control}`);
  return segs.join('~\n') + '~\n';
}

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdin: () => (async function* () {})(),
    out: () => out,
    err: () => err,
  };
}

async function cli(...argv: string[]) {
  const io = capture();
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('humanMs and table', () => {
  it('formats durations and aligns columns', () => {
    expect(humanMs(90_000)).toBe('1m30s');
    expect(humanMs(15 * 60_000)).toBe('15m');
    expect(humanMs(26 * 3_600_000 + 5_000)).toBe('1d2h');
    expect(table(['A', 'BB'], [['xyz', '1']])).toBe('A    BB\n---  --\nxyz  1\n');
  });
});

const pgInfo = await findTestPostgres();

// The whole command set runs on PostgreSQL when there is one (fast to open);
// the embedded PGlite default is covered by the smoke test below.
describe.skipIf(!pgInfo.url)('edigate ingest and edigate ledger (PostgreSQL)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'edigate-cli-ledger-'));
  const schema = uniqueSchema('cli');
  const savedUrl = process.env.DATABASE_URL;
  const files = {
    po: path.join(home, 'po.edi'),
    big: path.join(home, 'big.edi'),
    bad: path.join(home, 'bad.edi'),
  };
  beforeAll(() => {
    process.env.DATABASE_URL = `${pgInfo.url!}${pgInfo.url!.includes('?') ? '&' : '?'}schema=${schema}`;
    writeFileSync(files.po, x12({ control: '000000905' }));
    writeFileSync(files.big, x12({ control: '000000906', groups: 3, sets: 10 }));
    writeFileSync(files.bad, x12({ control: '000000907', sets: 2, badSet: true }));
  });
  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    rmSync(home, { recursive: true, force: true });
    await dropSchemas(pgInfo.url!, schema, `${schema}_jobs`);
  });

  it('ingests, records a repeat as a duplicate, and lists and shows them', async () => {
    const first = await cli('ingest', files.po, '--home', home, '--partner', 'p_003');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/000000905\s+ZZ:INITECH → ZZ:EDIGATE\s+p_003\s+1\s+1\s+accepted/);

    const again = await cli('ingest', files.po, '--home', home, '--partner', 'p_003', '--json');
    expect(again.code).toBe(1);
    const report = JSON.parse(again.out);
    expect(report.interchanges[0].recorded).toMatchObject({ status: 'duplicate', groups: [] });

    expect((await cli('ingest', files.big, '--home', home, '--partner', 'p_003')).code).toBe(0);
    const bad = await cli('ingest', files.bad, '--home', home, '--partner', 'p_003', '--json');
    expect(
      JSON.parse(bad.out).interchanges[0].recorded.groups[0].sets.map((s: { status: string }) => s.status),
    ).toEqual(['rejected', 'accepted']);

    const list = await cli('ledger', 'interchanges', '--home', home, '--json');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out).rows;
    expect(rows.map((r: { controlNumber: string; status: string }) => [r.controlNumber, r.status])).toEqual([
      ['000000907', 'accepted-with-errors'],
      ['000000906', 'accepted'],
      ['000000905', 'duplicate'],
      ['000000905', 'accepted'],
    ]);
    const human = await cli('ledger', 'interchanges', '--home', home, '--status', 'duplicate');
    expect(human.out).toMatch(/^ID\s+AT \(UTC\)\s+DIR\s+PARTNER/);
    expect(human.out).toContain('duplicate of #');

    const paged = await cli('ledger', 'interchanges', '--home', home, '--limit', '3');
    const cursor = /--cursor (\S+)/.exec(paged.out)?.[1];
    expect(cursor).toBeDefined();
    const rest = JSON.parse(
      (await cli('ledger', 'interchanges', '--home', home, '--limit', '3', '--cursor', cursor!, '--json')).out,
    );
    expect(rest.rows).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();

    const show = await cli('ledger', 'show', '000000906', '--home', home);
    expect(show.code).toBe(0);
    expect(show.out).toContain('interchange #');
    expect(show.out.match(/^group #/gm)).toHaveLength(3);
    expect(show.out.match(/^ {2}set #/gm)).toHaveLength(30);

    const dups = await cli('ledger', 'duplicates', '--home', home, '--json');
    expect(JSON.parse(dups.out).rows).toHaveLength(1);
    expect((await cli('ledger', 'show', 'nope', '--home', home)).code).toBe(1);
    expect((await cli('ledger', 'interchanges', '--home', home, '--status', 'weird')).code).toBe(2);
  });

  it('lists overdue acknowledgments by the partner SLA', async () => {
    const ledger = await openLedger({ url: process.env.DATABASE_URL! });
    const sent = await ledger.recordInterchange({
      direction: 'outbound',
      partnerId: 'p_003',
      standard: 'x12',
      sender: { qualifier: 'ZZ', id: 'EDIGATE' },
      receiver: { qualifier: 'ZZ', id: 'INITECH' },
      controlNumber: '000000042',
      version: '00401',
      status: 'sent',
      at: new Date(Date.now() - 20 * 60_000),
      groups: [],
    });
    await ledger.close();
    const late = await cli('ledger', 'overdue-acks', '--home', home, '--sla', 'p_003=15m');
    expect(late.code).toBe(1);
    expect(late.out).toMatch(new RegExp(`^${sent.id}\\s.*p_003\\s+000000042.*15m`, 'm'));
    const fine = await cli('ledger', 'overdue-acks', '--home', home, '--sla', 'p_003=30m', '--json');
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.out).rows).toEqual([]);
    expect((await cli('ledger', 'overdue-acks', '--home', home, '--sla', 'p_003')).code).toBe(2);
  });

  it('lists and replays dead letters, and runs retention', async () => {
    const ledger = await openLedger({
      url: process.env.DATABASE_URL!,
      jobs: { retry: { 'test.cli': { maxAttempts: 1 } } },
    });
    const jobs = await ledger.startJobs({ supervise: false, pollingIntervalSeconds: 0.5 });
    await ledger.work('test.cli', () => Promise.reject(new Error('partner endpoint refused')));
    await ledger.enqueue('test.cli', { to: 'p_003' });
    for (let i = 0; i < 100 && (await jobs.listDeadLetters('test.cli')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await ledger.close();

    const list = await cli('ledger', 'dead-letters', '--home', home);
    expect(list.out).toMatch(/test\.cli\s+\S+ \S+\s+1\s+partner endpoint refused/);
    const id = JSON.parse((await cli('ledger', 'dead-letters', '--home', home, '--json')).out).rows[0].id;
    const replayed = await cli('ledger', 'replay', id, '--home', home);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain(`replayed ${id} as job `);
    expect((await cli('ledger', 'replay', id, '--home', home)).code).toBe(1);
    expect((await cli('ledger', 'dead-letters', '--home', home)).out).toBe('no dead letters\n');
    const retention = JSON.parse((await cli('ledger', 'retention', '--home', home, '--json')).out);
    expect(retention).toMatchObject({ deleted: 0 });
  });
});

describe('edigate ingest on the embedded PGlite ledger', () => {
  it('keeps the ledger under <home>/.edigate/ledger', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'edigate-cli-pglite-'));
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const file = path.join(home, 'po.edi');
      writeFileSync(file, x12({ control: '000000001' }));
      expect((await cli('ingest', file, '--home', home)).code).toBe(0);
      const list = JSON.parse((await cli('ledger', 'interchanges', '--home', home, '--json')).out);
      expect(list.rows.map((r: { controlNumber: string }) => r.controlNumber)).toEqual(['000000001']);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
      rmSync(home, { recursive: true, force: true });
    }
  });
});
