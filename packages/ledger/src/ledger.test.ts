import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from './ledger.js';
import { loadMigrations, migrate } from './migrate.js';
import { dropSchemas, testDrivers, uniqueSchema } from './testing.js';
import type { InterchangeInput } from './types.js';

const drivers = await testDrivers();

let seq = 0;
/** A unique interchange (3 groups × `sets` sets unless told otherwise). */
function interchange(over: Partial<InterchangeInput> = {}, sets = 2): InterchangeInput {
  seq += 1;
  const cn = String(100_000_000 + seq * 7 + Math.floor(Math.random() * 5));
  return {
    partnerId: 'p_003',
    standard: 'x12',
    sender: { qualifier: 'ZZ', id: `INITECH${process.pid}` },
    receiver: { qualifier: 'ZZ', id: 'EDIGATE' },
    controlNumber: cn,
    version: '00401',
    status: 'accepted',
    groups: [1, 2, 3].map((g) => ({
      functionalId: 'PO',
      controlNumber: String(g),
      version: '004010',
      status: 'accepted' as const,
      sets: Array.from({ length: sets }, (_, s) => ({
        setId: '850',
        controlNumber: String(s + 1).padStart(4, '0'),
        version: '004010',
        status: 'accepted' as const,
      })),
    })),
    ...over,
  };
}

describe.each(drivers)('ledger on $name', (driver) => {
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

  it('migrates from empty once and re-applies as a no-op', async () => {
    const again = await migrate(ledger.database);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(loadMigrations().map((m) => m.tag));
    const { rows } = await ledger.database.query<{ n: string }>('SELECT count(*) AS n FROM ledger_migrations');
    expect(Number(rows[0]!.n)).toBe(loadMigrations().length);
  });

  // Replicas exist only with a server: PGlite is one process's embedded database.
  if (driver.name === 'pg') {
    it('lets several replicas migrate a fresh schema at once', async () => {
      const schema = uniqueSchema('mig');
      try {
        const replicas = await Promise.all([1, 2, 3].map(() => openLedger({ url: driver.url!, schema, poolSize: 2 })));
        const { rows } = await replicas[0]!.database.query<{ n: string }>(
          'SELECT count(*) AS n FROM ledger_migrations',
        );
        expect(Number(rows[0]!.n)).toBe(loadMigrations().length);
        await Promise.all(replicas.map((r) => r.close()));
      } finally {
        await dropSchemas(driver.url!, schema);
      }
    });
  }

  it('records an interchange with its groups and sets in one go', async () => {
    const input = interchange();
    const r = await ledger.recordInterchange(input);
    expect(r.status).toBe('accepted');
    expect(r.duplicateOf).toBeUndefined();
    expect(r.groups.map((g) => g.controlNumber)).toEqual(['1', '2', '3']);
    expect(r.groups.flatMap((g) => g.sets.map((s) => s.controlNumber))).toEqual([
      '0001',
      '0002',
      '0001',
      '0002',
      '0001',
      '0002',
    ]);
    const chain = await ledger.showInterchange(r.id);
    expect(chain?.interchange).toMatchObject({
      controlNumber: input.controlNumber,
      groupCount: 3,
      setCount: 6,
      dedupeActive: true,
    });
    expect(chain?.groups[1]?.sets.map((s) => s.id)).toEqual(r.groups[1]?.sets.map((s) => s.id));
  });

  it('records a second receipt as a duplicate pointing at the original, with nothing below it', async () => {
    const input = interchange();
    const first = await ledger.recordInterchange(input);
    const second = await ledger.recordInterchange({ ...input, status: 'rejected' });
    expect(second).toEqual({ id: second.id, status: 'duplicate', duplicateOf: first.id, groups: [] });
    const chain = await ledger.showInterchange(second.id);
    expect(chain?.groups).toEqual([]);
    expect(chain?.original?.id).toBe(first.id);
    expect((await ledger.showInterchange(first.id))?.duplicates.map((d) => d.id)).toEqual([second.id]);
    // Same number from another sender is not a duplicate (B-104 key includes the parties).
    const other = await ledger.recordInterchange({ ...input, sender: { qualifier: '01', id: 'ACME' } });
    expect(other.status).toBe('accepted');
  });

  it('marks repeated group and set numbers within their parent as duplicates', async () => {
    const input = interchange();
    input.groups[2]!.controlNumber = '1';
    input.groups[0]!.sets[1]!.controlNumber = '0001';
    const r = await ledger.recordInterchange(input);
    expect(r.groups[2]).toMatchObject({ status: 'duplicate', duplicateOf: r.groups[0]!.id });
    expect(r.groups[0]!.sets[1]).toMatchObject({ status: 'duplicate', duplicateOf: r.groups[0]!.sets[0]!.id });
    expect(r.groups[2]!.sets.map((s) => s.status)).toEqual(['accepted', 'accepted']);
  });

  it('lets an original outside its window no longer count', async () => {
    const old = interchange({ at: new Date(Date.now() - 3 * 86_400_000), retentionDays: 2 });
    const first = await ledger.recordInterchange(old);
    const again = await ledger.recordInterchange({ ...old, at: undefined });
    expect(again.status).toBe('accepted');
    const chain = await ledger.showInterchange(first.id);
    expect(chain?.interchange.dedupeActive).toBe(false);
    expect(chain?.interchange.status).toBe('accepted');
  });

  it('uses the per-partner window', async () => {
    const l = await driver.open({ retention: { days: 180, byPartner: { p_short: 1 } } });
    expect(l.retentionDays('p_short')).toBe(1);
    expect(l.retentionDays('p_003')).toBe(180);
    const input = interchange({ partnerId: 'p_short', at: new Date(Date.now() - 2 * 86_400_000) });
    await l.recordInterchange(input);
    expect((await l.recordInterchange({ ...input, at: undefined })).status).toBe('accepted');
    const long = interchange({ at: new Date(Date.now() - 2 * 86_400_000) });
    await l.recordInterchange(long);
    expect((await l.recordInterchange({ ...long, at: undefined })).status).toBe('duplicate');
  });

  it('50 concurrent recordings of one interchange: exactly one accepted, 49 duplicates', async () => {
    const input = interchange({}, 10);
    // pg: spread over two pools, like two replicas.
    const other = driver.name === 'pg' ? await driver.open() : ledger;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? other : ledger).recordInterchange(input)),
    );
    const accepted = results.filter((r) => r.status === 'accepted');
    const duplicates = results.filter((r) => r.status === 'duplicate');
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    expect(new Set(duplicates.map((d) => d.duplicateOf))).toEqual(new Set([accepted[0]!.id]));
    const { rows } = await ledger.database.query<{ n: string; groups: string }>(
      `SELECT count(*) AS n, (SELECT count(*) FROM functional_groups g JOIN interchanges i ON i.id = g.interchange_id
         WHERE i.control_number = $1 AND i.sender_id = $2) AS groups
       FROM interchanges WHERE control_number = $1 AND sender_id = $2`,
      [input.controlNumber, input.sender.id],
    );
    expect(Number(rows[0]!.n)).toBe(50);
    expect(Number(rows[0]!.groups)).toBe(3);
  });

  it('concurrent receipts after the window: one replaces the expired original, the rest are its duplicates', async () => {
    const input = interchange({}, 1);
    const old = await ledger.recordInterchange({
      ...input,
      at: new Date(Date.now() - 10 * 86_400_000),
      retentionDays: 1,
    });
    const other = driver.name === 'pg' ? await driver.open() : ledger;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? other : ledger).recordInterchange(input)),
    );
    const accepted = results.filter((r) => r.status === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.id).not.toBe(old.id);
    expect(results.filter((r) => r.status === 'duplicate').every((r) => r.duplicateOf === accepted[0]!.id)).toBe(true);
  });

  it('records AS2 Message-IDs once per partner; a repeat points at the first', async () => {
    const messageId = `<${seq++}-${process.pid}@initech.example>`;
    const first = await ledger.recordAs2Message({
      direction: 'inbound',
      partnerId: 'p_003',
      messageId,
      mic: 'abc=',
      micAlgorithm: 'sha256',
      mdnMode: 'async',
      mdnUrl: 'https://initech.example/mdn',
    });
    expect(first.duplicate).toBe(false);
    const again = await ledger.recordAs2Message({ direction: 'inbound', partnerId: 'p_003', messageId });
    expect(again.duplicate).toBe(true);
    if (again.duplicate)
      expect(again.original).toMatchObject({ id: first.id, messageId: messageId.slice(1, -1), mic: 'abc=' });
    expect((await ledger.recordAs2Message({ direction: 'inbound', partnerId: 'p_001', messageId })).duplicate).toBe(
      false,
    );
    await ledger.updateAs2Message(first.id, {
      mdnSentAt: new Date(),
      mdnDisposition: 'automatic-action/MDN-sent-automatically; processed',
      status: 'processed',
    });
    expect(await ledger.getAs2Message(first.id)).toMatchObject({
      status: 'processed',
      mdnDisposition: 'automatic-action/MDN-sent-automatically; processed',
    });
  });

  it('records a received AS2 request (archive entry + message) and completes it, one statement each', async () => {
    const messageId = `<${seq++}-${process.pid}@umbrella.example>`;
    const sha = (c: string) => c.repeat(64);
    const raw = { sha256: sha('a'), size: 1234, location: `/archive/as2-request/${seq}`, kind: 'as2-request' };
    const at = new Date('2026-11-28T10:00:00.123Z');
    const first = await ledger.recordAs2Request(raw, {
      direction: 'inbound',
      partnerId: 'p_003',
      messageId,
      as2From: 'INITECH',
      as2To: 'EDIGATE',
      subject: 'PO',
      at,
      mdnMode: 'sync',
      mdnSigned: true,
    });
    expect(first).toMatchObject({ duplicate: false });
    expect(await ledger.getAs2Message(first.id)).toMatchObject({
      messageId: messageId.slice(1, -1),
      archiveId: first.archiveId,
      status: 'received',
      mdnMode: 'sync',
      mdnSigned: true,
      subject: 'PO',
      at,
      duplicateOf: null,
    });
    const done = await ledger.completeAs2Message(
      first.id,
      { status: 'processed', mic: 'mic=', micAlgorithm: 'sha-256', mdnDisposition: 'processed', mdnSentAt: at },
      {
        payload: {
          sha256: sha('b'),
          size: 1000,
          location: `/archive/payload/${seq}`,
          kind: 'payload',
          mediaType: 'application/edi-x12',
        },
        mdn: { sha256: sha('c'), size: 900, location: `/archive/mdn/${seq}`, kind: 'mdn' },
      },
    );
    expect(done.payloadArchiveId).toBeGreaterThan(0);
    expect(done.mdnArchiveId).toBeGreaterThan(done.payloadArchiveId!);
    expect(await ledger.getAs2Message(first.id)).toMatchObject({
      status: 'processed',
      mic: 'mic=',
      micAlgorithm: 'sha-256',
      mdnDisposition: 'processed',
      mdnSentAt: at,
      mdnArchiveId: done.mdnArchiveId,
    });
    // The same raw bytes again (a partner's retry): one archive entry, a duplicate message row.
    const again = await ledger.recordAs2Request(raw, { direction: 'inbound', partnerId: 'p_003', messageId });
    expect(again).toMatchObject({ duplicate: true, archiveId: first.archiveId, original: { id: first.id } });
    expect(await ledger.getAs2Message(again.id)).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
    // Only an error, no archives.
    expect(await ledger.completeAs2Message(again.id, { status: 'failed', error: 'bad' })).toEqual({});
    expect(await ledger.getAs2Message(again.id)).toMatchObject({ status: 'failed', error: 'bad' });
    expect(await ledger.completeAs2Message(again.id, {})).toEqual({});
    expect(await ledger.recordArchive(raw)).toEqual({ id: first.archiveId });
  });

  it('completes several AS2 messages in one statement; the same payload twice is one entry', async () => {
    const sha = (c: string) => c.repeat(64);
    const at = new Date('2026-11-28T11:00:00.000Z');
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const r = await ledger.recordAs2Request(
        { sha256: sha(String(i)), size: 10, location: `/archive/as2-request/b${seq}-${i}`, kind: 'as2-request' },
        { direction: 'inbound', partnerId: 'p_003', messageId: `<batch-${seq}-${i}-${process.pid}@x>` },
      );
      ids.push(r.id);
    }
    const payload = { sha256: sha('d'), size: 5, location: `/archive/payload/b${seq}`, kind: 'payload' };
    const results = await ledger.completeAs2Messages([
      {
        id: ids[0]!,
        update: { status: 'processed', mic: 'm0', mdnSentAt: at },
        archives: { payload, mdn: { sha256: sha('e'), size: 7, location: `/archive/mdn/b${seq}-0`, kind: 'mdn' } },
      },
      { id: ids[1]!, update: { status: 'processed', mic: 'm1' }, archives: { payload } },
      { id: ids[2]!, update: { status: 'failed', error: 'bad' } },
    ]);
    seq++;
    expect(results[0]!.payloadArchiveId).toBeGreaterThan(0);
    expect(results[1]!.payloadArchiveId).toBe(results[0]!.payloadArchiveId);
    expect(results[1]!.mdnArchiveId).toBeUndefined();
    expect(results[2]).toEqual({});
    expect(await ledger.getAs2Message(ids[0]!)).toMatchObject({
      status: 'processed',
      mic: 'm0',
      mdnSentAt: at,
      mdnArchiveId: results[0]!.mdnArchiveId,
    });
    expect(await ledger.getAs2Message(ids[1]!)).toMatchObject({ status: 'processed', mic: 'm1', mdnArchiveId: null });
    expect(await ledger.getAs2Message(ids[2]!)).toMatchObject({ status: 'failed', error: 'bad', mic: null });
    expect(await ledger.completeAs2Messages([])).toEqual([]);
  });

  it('links AS2 message, archive, documents and acknowledgments into the chain', async () => {
    const archive = await ledger.recordArchive({
      sha256: 'a'.repeat(64),
      size: 1234,
      location: 'archive/aa/aaaa',
      kind: 'as2-request',
    });
    expect((await ledger.recordArchive({ sha256: 'a'.repeat(64), size: 1234, location: 'archive/aa/aaaa' })).id).toBe(
      archive.id,
    );
    const msg = await ledger.recordAs2Message({
      direction: 'inbound',
      partnerId: 'p_003',
      messageId: `chain-${seq++}-${process.pid}`,
      archiveId: archive.id,
    });
    const r = await ledger.recordInterchange(interchange({ as2MessageId: msg.id, archiveId: archive.id }));
    const set = r.groups[0]!.sets[0]!;
    await ledger.recordDocument({
      direction: 'inbound',
      partnerId: 'p_003',
      interchangeId: r.id,
      transactionSetId: set.id,
      documentType: 'purchaseOrder',
      mapId: 'initech/850',
      mapVersion: '3',
      body: { poNumber: 'PO-1' },
    });
    await ledger.recordAcknowledgment({
      direction: 'sent',
      kind: '997',
      interchangeId: r.id,
      groupId: r.groups[0]!.id,
      code: 'A',
    });
    await ledger.recordAcknowledgment({ direction: 'sent', kind: 'TA1', interchangeId: r.id, code: 'A' });
    const chain = (await ledger.showInterchange(r.id))!;
    expect(chain.as2Message?.id).toBe(msg.id);
    expect(chain.archive?.sha256).toBe('a'.repeat(64));
    expect(chain.groups[0]!.sets[0]!.documents[0]).toMatchObject({
      mapId: 'initech/850',
      mapVersion: '3',
      body: { poNumber: 'PO-1' },
    });
    expect(chain.acknowledgments.map((a) => a.kind)).toEqual(['997', 'TA1']);
  });

  it('sets an outbound interchange status from the 997 received', async () => {
    const r = await ledger.recordInterchange(interchange({ direction: 'outbound', status: 'sent' }));
    await ledger.recordAcknowledgment({ direction: 'received', kind: '997', interchangeId: r.id, code: 'R' });
    expect((await ledger.showInterchange(r.id))?.interchange.status).toBe('rejected');
  });

  it('allocates padded control numbers per partner and level', async () => {
    const partnerId = `seq-${seq++}`;
    expect(await ledger.nextControlNumber({ partnerId, level: 'ISA13' })).toBe('000000001');
    expect(await ledger.nextControlNumber({ partnerId, level: 'ISA13' })).toBe('000000002');
    expect(await ledger.nextControlNumber({ partnerId, level: 'GS06' })).toBe('1');
    expect(await ledger.nextControlNumber({ partnerId, level: 'ST02' })).toBe('0001');
    expect(await ledger.nextControlNumber({ partnerId, level: 'UNB0020' })).toBe('1');
    expect(await ledger.nextControlNumber({ partnerId: `${partnerId}-b`, level: 'ISA13' })).toBe('000000001');
  });

  it('concurrent allocators never hand out a number twice', async () => {
    const partnerId = `seq-${seq++}`;
    const other = driver.name === 'pg' ? await driver.open() : ledger;
    const numbers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? other : ledger).nextControlNumber({ partnerId, level: 'ISA13' })),
    );
    expect(new Set(numbers).size).toBe(200);
    expect([...numbers].sort().at(-1)).toBe('000000200');
  });

  it('wraps after the maximum, but never reuses a number inside the window', async () => {
    const partnerId = `seq-${seq++}`;
    const noWindow = await driver.open({ sequenceMax: { GS06: 3 }, sequenceWindowDays: 0 });
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await noWindow.nextControlNumber({ partnerId, level: 'GS06' }));
    expect(got).toEqual(['1', '2', '3', '1', '2']);
    const windowed = await driver.open({ sequenceMax: { GS06: 3 }, sequenceWindowDays: 30 });
    const p2 = `seq-${seq++}`;
    for (let i = 0; i < 3; i++) await windowed.nextControlNumber({ partnerId: p2, level: 'GS06' });
    await expect(windowed.nextControlNumber({ partnerId: p2, level: 'GS06' })).rejects.toThrow(
      /all were issued within the window/,
    );
  });

  it('retention retires rows past the window from the dedupe index and keeps the evidence', async () => {
    const input = interchange({ at: new Date(Date.now() - 10 * 86_400_000), retentionDays: 5 });
    const r = await ledger.recordInterchange(input);
    const result = await ledger.runRetention();
    expect(result.retired).toBeGreaterThanOrEqual(1);
    expect(result.deleted).toBe(0);
    const chain = await ledger.showInterchange(r.id);
    expect(chain?.interchange.dedupeActive).toBe(false);
    expect(chain?.groups).toHaveLength(3);
  });

  it('deletes evidence past deleteEvidenceAfterDays only when configured', async () => {
    const purging = await driver.open({ retention: { deleteEvidenceAfterDays: 400 } });
    const old = await purging.recordInterchange(interchange({ at: new Date(Date.now() - 500 * 86_400_000) }));
    const dup = await purging.recordInterchange(
      interchange({
        at: new Date(Date.now() - 500 * 86_400_000),
        controlNumber: '777000777',
        sender: { qualifier: 'ZZ', id: `PURGE${seq}` },
      }),
    );
    const keep = await purging.recordInterchange(interchange());
    const result = await purging.runRetention();
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    expect(await purging.showInterchange(old.id)).toBeUndefined();
    expect(await purging.showInterchange(dup.id)).toBeUndefined();
    expect(await purging.showInterchange(keep.id)).toBeDefined();
  });
});
