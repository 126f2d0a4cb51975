import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from './ledger.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from './query.js';
import { testDrivers } from './testing.js';
import type { InterchangeInput } from './types.js';

const drivers = await testDrivers();
let n = 0;

function interchange(partnerId: string, over: Partial<InterchangeInput> = {}): InterchangeInput {
  n += 1;
  return {
    partnerId,
    standard: 'x12',
    sender: { qualifier: 'ZZ', id: `Q${process.pid}` },
    receiver: { qualifier: 'ZZ', id: 'EDIGATE' },
    controlNumber: String(n).padStart(9, '0'),
    version: '00401',
    status: 'accepted',
    groups: [{ functionalId: 'PO', controlNumber: '1', version: '004010', status: 'accepted', sets: [] }],
    ...over,
  };
}

describe('cursor', () => {
  it('round-trips and refuses foreign cursors', () => {
    const at = new Date('2026-11-28T10:00:00.123Z');
    expect(decodeCursor(encodeCursor(at, 42))).toEqual({ at, id: 42 });
    expect(() => decodeCursor('bm9wZQ')).toThrow(InvalidCursorError);
  });
});

describe.each(drivers)('ops queries on $name', (driver) => {
  if (driver.skip) {
    it.skip(`skipped: ${driver.skip}`, () => {});
    return;
  }
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await driver.open();
  });
  afterAll(async () => {
    await driver.cleanup();
  });

  it('pages newest first; concurrent inserts make no page repeat or skip a row (B-001)', async () => {
    const partner = `page-${driver.name}`;
    const base = Date.now() - 3_600_000;
    const initial: number[] = [];
    // 60 rows, 20 of them sharing one timestamp so the id tiebreaker matters.
    for (let i = 0; i < 60; i++) {
      const at = new Date(i < 20 ? base : base + i * 1000);
      initial.push((await ledger.recordInterchange(interchange(partner, { at }))).id);
    }
    let inserting = true;
    const inserter = (async () => {
      let k = 0;
      while (inserting) {
        // New rows land before, among and after the rows being paged.
        const at = new Date(base + ((k * 7919) % 80) * 1000 - 10_000);
        await ledger.recordInterchange(interchange(partner, { at }));
        k += 1;
        // PGlite runs in this thread and resolves in microtasks: let the pager's timers run.
        await new Promise((r) => setImmediate(r));
      }
      return k;
    })();
    const seen: number[] = [];
    let cursor: string | undefined;
    let last: { at: number; id: number } | undefined;
    do {
      const page = await ledger.listInterchanges({ partnerId: partner, limit: 7, cursor });
      for (const r of page.rows) {
        if (last) expect(r.at.getTime() < last.at || (r.at.getTime() === last.at && r.id < last.id)).toBe(true);
        last = { at: r.at.getTime(), id: r.id };
        seen.push(r.id);
      }
      cursor = page.nextCursor ?? undefined;
      await new Promise((r) => setTimeout(r, 2));
    } while (cursor);
    inserting = false;
    expect(await inserter).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of initial) expect(seen).toContain(id);
  });

  it('filters by status, direction, date range and control number', async () => {
    const partner = `filter-${driver.name}`;
    const t0 = Date.now() - 86_400_000;
    const a = await ledger.recordInterchange(interchange(partner, { at: new Date(t0) }));
    const b = await ledger.recordInterchange(interchange(partner, { at: new Date(t0 + 1000), status: 'rejected' }));
    const c = await ledger.recordInterchange(
      interchange(partner, { at: new Date(t0 + 2000), direction: 'outbound', status: 'sent' }),
    );
    const ids = async (f: Parameters<Ledger['listInterchanges']>[0]) =>
      (await ledger.listInterchanges({ partnerId: partner, ...f })).rows.map((r) => r.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ status: 'rejected' })).toEqual([b.id]);
    expect(await ids({ status: ['rejected', 'sent'] })).toEqual([c.id, b.id]);
    expect(await ids({ direction: 'outbound' })).toEqual([c.id]);
    expect(await ids({ from: new Date(t0 + 500), to: new Date(t0 + 1500) })).toEqual([b.id]);
    const chainA = await ledger.showInterchange(a.id);
    expect(await ids({ controlNumber: chainA!.interchange.controlNumber })).toEqual([a.id]);
  });

  it('lists duplicates with their originals and finds interchanges by reference', async () => {
    const partner = `dup-${driver.name}`;
    const input = interchange(partner);
    const first = await ledger.recordInterchange(input);
    const dup = await ledger.recordInterchange(input);
    const page = await ledger.listDuplicates({ partnerId: partner });
    expect(page.rows.map((r) => [r.id, r.original?.id])).toEqual([[dup.id, first.id]]);
    expect((await ledger.findInterchanges(input.controlNumber)).map((r) => r.id)).toEqual([dup.id, first.id]);
    expect((await ledger.findInterchanges(`id:${first.id}`)).map((r) => r.id)).toEqual([first.id]);
    expect((await ledger.findInterchanges(String(first.id)))[0]?.id).toBe(first.id);
  });

  it('lists outbound interchanges without a 997/999/CONTRL past the partner SLA', async () => {
    const now = new Date();
    const min = 60_000;
    const initech = `initech-${driver.name}`;
    const late = await ledger.recordInterchange(
      interchange(initech, { direction: 'outbound', status: 'sent', at: new Date(now.getTime() - 20 * min) }),
    );
    await ledger.recordInterchange(
      interchange(initech, { direction: 'outbound', status: 'sent', at: new Date(now.getTime() - 5 * min) }),
    );
    const acked = await ledger.recordInterchange(
      interchange(initech, { direction: 'outbound', status: 'sent', at: new Date(now.getTime() - 30 * min) }),
    );
    await ledger.recordAcknowledgment({ direction: 'received', kind: '997', interchangeId: acked.id, code: 'A' });
    const onlyTa1 = await ledger.recordInterchange(
      interchange(initech, { direction: 'outbound', status: 'sent', at: new Date(now.getTime() - 40 * min) }),
    );
    await ledger.recordAcknowledgment({ direction: 'received', kind: 'TA1', interchangeId: onlyTa1.id, code: 'A' });
    await ledger.recordInterchange(
      interchange(`other-${driver.name}`, {
        direction: 'outbound',
        status: 'sent',
        at: new Date(now.getTime() - 90 * min),
      }),
    );

    const overdue = await ledger.listOverdueAcks({ now, slaByPartner: { [initech]: 15 * min } });
    expect(overdue.map((o) => o.id)).toEqual([onlyTa1.id, late.id]);
    expect(overdue[1]).toMatchObject({ slaMs: 15 * min, overdueMs: 5 * min });
    const withDefault = await ledger.listOverdueAcks({
      now,
      slaByPartner: { [initech]: 15 * min },
      defaultSlaMs: 60 * min,
    });
    expect(withDefault.some((o) => o.partnerId === `other-${driver.name}`)).toBe(true);
    expect(
      (await ledger.listInterchanges({ partnerId: initech, direction: 'outbound' })).rows.find((r) => r.id === acked.id)
        ?.ack,
    ).toMatchObject({
      kind: '997',
      code: 'A',
      direction: 'received',
    });
  });
});
