import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICIES, type Jobs, type RetryPolicy } from './jobs.js';
import { RETENTION_FLOW, type Ledger } from './ledger.js';
import { testDrivers } from './testing.js';

describe('backoffDelayMs', () => {
  it('keeps full jitter within [0, min(cap, base·2^(n−1))]', () => {
    const policy: RetryPolicy = { maxAttempts: 8, backoffCapMs: 300_000, jitter: 'full' };
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(300_000, 1000 * 2 ** (attempt - 1));
      expect(backoffDelayMs(policy, attempt, () => 0)).toBe(0);
      expect(backoffDelayMs(policy, attempt, () => 0.999999)).toBeCloseTo(ceiling * 0.999999, 3);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelayMs(policy, attempt);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelayMs({ ...policy, jitter: 'none' }, 30)).toBe(300_000);
    expect(backoffDelayMs({ ...policy, jitter: 'equal' }, 2, () => 0)).toBe(1000);
  });

  it('carries the playbook table', () => {
    expect(DEFAULT_RETRY_POLICIES['webhook.delivery']).toEqual({
      maxAttempts: 8,
      backoffCapMs: 300_000,
      jitter: 'full',
    });
    expect(DEFAULT_RETRY_POLICIES['api.call']).toMatchObject({ maxAttempts: 4, backoffCapMs: 60_000 });
    expect(DEFAULT_RETRY_POLICIES['file.transfer']).toMatchObject({ maxAttempts: 5, backoffCapMs: 600_000 });
  });
});

const drivers = await testDrivers();

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(drivers)('pg-boss jobs on $name', (driver) => {
  if (driver.skip) {
    it.skip(`skipped: ${driver.skip}`, () => {});
    return;
  }
  let ledger: Ledger;
  let jobs: Jobs;
  beforeAll(async () => {
    ledger = await driver.open({
      jobs: {
        pollingIntervalSeconds: 0.5,
        supervise: true,
        retry: { 'test.flaky': { maxAttempts: 3, baseMs: 200, backoffCapMs: 300 } },
      },
    });
    jobs = await ledger.startJobs();
  });
  afterAll(async () => {
    await jobs?.stop();
    await driver.cleanup();
  });

  it('runs a job', async () => {
    const seen: unknown[] = [];
    await ledger.work<{ n: number }>('test.ok', (payload, ctx) => {
      seen.push({ ...payload, attempt: ctx.attempt });
      return Promise.resolve();
    });
    await ledger.enqueue('test.ok', { n: 1 });
    await waitFor('the job', () => Promise.resolve(seen.length > 0 ? true : undefined));
    expect(seen).toEqual([{ n: 1, attempt: 1 }]);
  });

  it('retries with capped full-jitter delays, dead-letters after the last attempt, and replays', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    let healthy = false;
    await ledger.work<{ to: string }>('test.flaky', (_payload, ctx) => {
      attempts.push({ attempt: ctx.attempt, at: Date.now() });
      return healthy ? Promise.resolve() : Promise.reject(new Error(`partner down (attempt ${ctx.attempt})`));
    });
    const id = await ledger.enqueue('test.flaky', { to: 'initech' });
    const dead = await waitFor('the dead letter', async () => (await jobs.listDeadLetters('test.flaky'))[0]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(dead).toMatchObject({ flow: 'test.flaky', attempts: 3 });
    expect(dead.errors).toEqual(['partner down (attempt 1)', 'partner down (attempt 2)', 'partner down (attempt 3)']);

    // The retry jobs' start_after, set by the database: within [0, min(cap, base·2^(n−1))] of the failure.
    const { rows } = await ledger.database.query<{ attempt: number; delay_ms: string }>(
      `SELECT (data->>'attempt')::int AS attempt,
              extract(epoch FROM (start_after - created_on)) * 1000 AS delay_ms
       FROM "${jobs.schema}".job WHERE name = 'test.flaky' AND id <> $1::uuid ORDER BY created_on`,
      [id],
    );
    expect(rows.map((r) => r.attempt)).toEqual([2, 3]);
    for (const r of rows) {
      const ceiling = Math.min(300, 200 * 2 ** (r.attempt - 2));
      expect(Number(r.delay_ms)).toBeGreaterThanOrEqual(0);
      expect(Number(r.delay_ms)).toBeLessThanOrEqual(ceiling + 5);
    }

    healthy = true;
    const replayed = await ledger.replayDeadLetter(dead.id);
    expect(replayed).toBeDefined();
    await waitFor('the replayed attempt', () => Promise.resolve(attempts.length === 4 ? true : undefined));
    expect(attempts[3]!.attempt).toBe(1);
    expect(await jobs.listDeadLetters('test.flaky')).toEqual([]);
    expect(await ledger.replayDeadLetter(dead.id)).toBeUndefined();
  });

  it('lets one job carry its own retry policy', async () => {
    const attempts: number[] = [];
    await ledger.work('test.own', (_p, ctx) => {
      attempts.push(ctx.attempt);
      return Promise.reject(new Error(`no (${ctx.maxAttempts})`));
    });
    await ledger.enqueue('test.own', {}, { retry: { maxAttempts: 2, baseMs: 10, backoffCapMs: 10 } });
    const dead = await waitFor('the dead letter', async () => (await jobs.listDeadLetters('test.own'))[0]);
    expect(attempts).toEqual([1, 2]);
    expect(dead.errors).toEqual(['no (2)', 'no (2)']);
  });

  it('schedules the retention run', async () => {
    await ledger.scheduleRetention('*/5 * * * *');
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([RETENTION_FLOW, '*/5 * * * *']);
  });
});
