import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
/**
 * Our sender → our receiver over HTTP, for every algorithm and layering, with
 * sync and async MDNs. Gateway A is "us" (ledger on PGlite in memory);
 * gateway B plays the partner, sends with `sendMessage`, and receives the
 * async MDNs A posts back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadHomeStrict,
  MemoryJobQueue,
  MemoryRecorder,
  sendMessage,
  startGateway,
  type Gateway,
  type HomeConfig,
  type InboundPayload,
  type PartnerProfile,
} from '@edigate/gateway';
import { makeHome, pairFor, until, type TestHome } from './helpers.js';

const X12 = Buffer.from(
  'ISA*00*          *00*          *ZZ*RT-PARTNER     *ZZ*EDIGATE        *261128*2100*U*00401*000000007*0*P*>~\nIEA*0*000000007~\n',
);

let usHome: TestHome;
let partnerHome: TestHome;
let a: Gateway;
let b: Gateway;
let partnerConfig: HomeConfig;
let edigateAsSeenByPartner: PartnerProfile;
const received: InboundPayload[] = [];
const bRecorder = new MemoryRecorder();

beforeAll(async () => {
  const partnerPair = pairFor('RT-PARTNER');
  usHome = makeHome({
    partners: [
      { id: 'rt', as2Id: 'RT-PARTNER', pair: partnerPair, as2: { requireSigned: false, requireEncrypted: false } },
    ],
    // The stricter order here (interop.test.ts runs the default): the MDN waits for the payload file too.
    archive: { syncPayloadBeforeMdn: true },
  });
  a = await startGateway({
    home: usHome.dir,
    port: 0,
    inMemoryLedger: true,
    onPayload: (p) => Promise.resolve(void received.push(p)),
  });
  partnerHome = makeHome({
    usId: 'RT-PARTNER',
    us: partnerPair,
    partners: [{ id: 'edigate', as2Id: 'EDIGATE', pair: usHome.us, as2: { url: `${a.url}/as2` } }],
  });
  b = await startGateway({ home: partnerHome.dir, port: 0, recorder: bRecorder, jobs: new MemoryJobQueue() });
  partnerConfig = loadHomeStrict(partnerHome.dir);
  edigateAsSeenByPartner = partnerConfig.partners[0]!;
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  usHome?.cleanup();
  partnerHome?.cleanup();
});

type As2 = NonNullable<PartnerProfile['as2']>;
interface Case {
  name: string;
  as2: Partial<As2>;
}

const cases: Case[] = [
  ...(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'] as const).map((d) => ({
    name: `sign ${d} + aes-256-cbc`,
    as2: { signingAlgorithm: d },
  })),
  ...(['des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-128-gcm', 'aes-256-gcm'] as const).map((e) => ({
    name: `sign sha-256 + ${e}`,
    as2: { encryptionAlgorithm: e },
  })),
  ...(['rsa-oaep-sha1', 'rsa-oaep-sha256'] as const).map((k) => ({
    name: `key transport ${k}`,
    as2: { keyTransport: k },
  })),
  { name: 'compress before sign', as2: { compress: 'before-sign' } },
  { name: 'compress after sign', as2: { compress: 'after-sign' } },
  { name: 'sign only', as2: { encrypt: false } },
  { name: 'encrypt only', as2: { sign: false } },
  { name: 'neither (plain), unsigned MDN', as2: { sign: false, encrypt: false, mdn: { signed: false } } },
];

function partnerWith(as2: Partial<As2>, asyncMdn: boolean): PartnerProfile {
  const base = edigateAsSeenByPartner.as2!;
  return {
    ...edigateAsSeenByPartner,
    as2: { ...base, ...as2, mdn: { ...base.mdn, ...as2.mdn, ...(asyncMdn ? { async: `${b.url}/as2` } : {}) } },
  };
}

describe('edigate sender → edigate receiver over HTTP', () => {
  it.each(cases)('sync MDN: $name', async ({ as2 }) => {
    const r = await sendMessage({
      config: partnerConfig,
      partner: partnerWith(as2, false),
      payload: X12,
      recorder: bRecorder,
      archive: b.archive,
    });
    expect(r.status, JSON.stringify(r.mdn)).toBe('delivered');
    expect(r.mdn?.micMatches).toBe(true);
    expect(r.mdn?.signed).toBe(as2.mdn?.signed ?? true);
    const mine = () => received.filter((p) => p.messageId === r.messageId);
    await until(() => mine().length > 0);
    expect(mine().length).toBe(1);
    expect(mine()[0]!.content.equals(X12)).toBe(true);
    expect(readFileSync(a.archive.locate('payload', createHash('sha256').update(X12).digest('hex'))).equals(X12)).toBe(
      true,
    );
    const row = await a.recorder.findAs2Message({ direction: 'inbound', partnerId: 'rt', messageId: r.messageId });
    expect(row?.status).toBe('processed');
    expect(row?.mic).toBe(r.mic.digest);
  });

  it('archive.syncPayloadBeforeMdn: the payload file is on disk when the MDN arrives', async () => {
    const payload = Buffer.concat([X12, Buffer.from(`${randomUUID()}\r\n`)]);
    const r = await sendMessage({
      config: partnerConfig,
      partner: partnerWith(cases[0]!.as2, false),
      payload,
      recorder: bRecorder,
      archive: b.archive,
    });
    expect(r.status).toBe('delivered');
    // No waiting: with this setting the answer came only once the payload was durable.
    expect(existsSync(a.archive.locate('payload', createHash('sha256').update(payload).digest('hex')))).toBe(true);
  });

  it('async MDN, every combination (sent together; the MDNs come back through the durable job queue)', async () => {
    const sent = await Promise.all(
      cases.map(async (c) => ({
        name: c.name,
        r: await sendMessage({
          config: partnerConfig,
          partner: partnerWith(c.as2, true),
          payload: X12,
          recorder: bRecorder,
        }),
      })),
    );
    for (const { name, r } of sent) expect(r.status, name).toBe('awaiting-mdn');
    const rows = async () => Promise.all(sent.map(({ r }) => bRecorder.getAs2Message(r.as2MessageRowId)));
    await until(async () => (await rows()).every((row) => row?.status !== 'awaiting-mdn'), 20_000);
    for (const [i, row] of (await rows()).entries()) {
      expect(row?.status, sent[i]!.name).toBe('delivered');
      expect(row?.mdnMicMatched, sent[i]!.name).toBe(true);
    }
  });

  it('queued send (durable job): delivered with a checked MDN; a refused one ends failed', async () => {
    const q = await b.send({ partnerId: 'edigate', payload: X12, filename: 'po.edi' });
    await until(
      async () =>
        ['delivered', 'rejected', 'failed'].includes((await bRecorder.getAs2Message(q.as2MessageRowId))?.status ?? ''),
      15_000,
    );
    const row = await bRecorder.getAs2Message(q.as2MessageRowId);
    expect(row?.status).toBe('delivered');
    expect(row?.mdnMicMatched).toBe(true);
    await until(() => received.some((p) => p.messageId === q.messageId));
    expect(received.find((p) => p.messageId === q.messageId)!.filename).toBe('po.edi');
    await expect(b.send({ partnerId: 'nobody', payload: X12 })).rejects.toThrow(/no AS2 partner/);
  });

  it('retries a 503 with backoff, stops at a 403, and records the failure', async () => {
    const sleeps: number[] = [];
    const gone = await sendMessage({
      config: partnerConfig,
      partner: partnerWith({}, false),
      payload: X12,
      recorder: bRecorder,
      url: `${a.url}/not-here`,
      retry: { maxAttempts: 3, backoffBase: 10, backoffCap: 40 },
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(gone.status).toBe('failed');
    expect(gone.attempts).toBe(1); // 404 is final
    const refused = await sendMessage({
      config: { as2: { ...partnerConfig.as2, id: 'NOT-KNOWN' } },
      partner: partnerWith({}, false),
      payload: X12,
      recorder: bRecorder,
      retry: { maxAttempts: 3, backoffBase: 10, backoffCap: 40 },
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(refused.status).toBe('failed');
    expect(refused.error).toBe('HTTP 403');
    const down = await sendMessage({
      config: partnerConfig,
      partner: partnerWith({}, false),
      payload: X12,
      recorder: bRecorder,
      url: 'http://127.0.0.1:9/as2',
      retry: { maxAttempts: 3, backoffBase: 10, backoffCap: 40 },
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(down.status).toBe('failed');
    expect(down.attempts).toBe(3);
    expect(sleeps.length).toBe(2);
    for (const [i, ms] of sleeps.entries()) expect(ms).toBeLessThanOrEqual(Math.min(40, 10 * 2 ** i));
    expect((await bRecorder.getAs2Message(down.as2MessageRowId))?.status).toBe('failed');
  });

  it('a partner certificate rollover: a message signed with either of two certificates is accepted', async () => {
    const newPair = pairFor('RT-PARTNER-2027');
    const home = makeHome({
      partners: [
        {
          id: 'rt',
          as2Id: 'RT-PARTNER',
          pair: pairFor('RT-PARTNER'),
          extraCertificates: [newPair],
          as2: { requireSigned: true, requireEncrypted: false },
        },
      ],
    });
    const c = await startGateway({
      home: home.dir,
      port: 0,
      recorder: new MemoryRecorder(),
      jobs: new MemoryJobQueue(),
    });
    try {
      for (const pair of [pairFor('RT-PARTNER'), newPair]) {
        const cfg: HomeConfig = {
          ...partnerConfig,
          as2: {
            ...partnerConfig.as2,
            keys: [{ privateKey: pair.privateKey, certificate: pair.certificate, keyFile: '', certificateFile: '' }],
          },
        };
        const r = await sendMessage({
          config: cfg,
          partner: {
            ...partnerWith({ encrypt: false }, false),
            as2: { ...partnerWith({ encrypt: false }, false).as2!, url: `${c.url}/as2` },
          },
          payload: X12,
          recorder: new MemoryRecorder(),
        });
        expect(r.status, JSON.stringify(r.mdn)).toBe('delivered');
      }
    } finally {
      await c.close();
      home.cleanup();
    }
  });
});
