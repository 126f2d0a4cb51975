/**
 * AS2 interoperability over HTTP: messages made by the `openssl cms` CLI (an
 * independent implementation) for every algorithm combination and for the
 * quirks real products send, posted to a running gateway (in-process, port 0,
 * temp home, PGlite in memory). The MDNs are checked with `openssl cms
 * -verify`, and the MIC is recomputed with `openssl dgst` over the same bytes.
 */
import crypto from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway, type InboundPayload } from '@edigate/gateway';
import { makeHome, pairFor, until, type TestHome } from './helpers.js';
import {
  cleanupOpenssl,
  entity,
  hasOpenssl,
  multipartSigned,
  opensslCompressedData,
  opensslEncrypt,
  opensslMic,
  opensslVerifyMdn,
  readReport,
  type Cipher,
  type Md,
} from './openssl.js';

const X12 = Buffer.from(
  'ISA*00*          *00*          *ZZ*PARTNER        *ZZ*EDIGATE        *261128*2100*U*00401*000000001*0*P*>~\n' +
    'GS*PO*PARTNER*EDIGATE*20261128*2100*1*X*004010~\nST*850*0001~\nBEG*00*SA*PO-1**20261128~\nSE*3*0001~\nGE*1*1~\nIEA*1*000000001~\n',
);

const partnerPair = pairFor('OSSL-PARTNER');
const stranger = pairFor('STRANGER');
const expiredPair = pairFor('OSSL-EXPIRED', { days: 1, notBefore: new Date(Date.now() - 10 * 86_400_000) });

let home: TestHome;
let gw: Gateway;
const payloads: InboundPayload[] = [];

beforeAll(async () => {
  home = makeHome({
    partners: [
      { id: 'strict', as2Id: 'OSSL STRICT', pair: partnerPair, as2: { requireSigned: true, requireEncrypted: true } },
      { id: 'lax', as2Id: 'OSSL-LAX', pair: partnerPair, as2: { requireSigned: false, requireEncrypted: false } },
      { id: 'expired', as2Id: 'OSSL-EXPIRED', pair: expiredPair },
      { id: 'expiredok', as2Id: 'OSSL-EXPIRED-OK', pair: expiredPair, as2: { allowExpiredCertificate: true } },
    ],
    http: { maxBodySize: '256kb' },
  });
  gw = await startGateway({
    home: home.dir,
    port: 0,
    inMemoryLedger: true,
    onPayload: (p) => Promise.resolve(void payloads.push(p)),
  });
});

afterAll(async () => {
  await gw?.close();
  home?.cleanup();
  cleanupOpenssl();
});

let seq = 0;
const newMessageId = () => `<openssl-${Date.now()}-${++seq}@interop.test>`;

interface Posted {
  status: number;
  headers: Headers;
  body: Buffer;
  messageId: string;
}

async function post(o: {
  contentType: string;
  body: Buffer;
  from?: string;
  to?: string;
  micalg?: string;
  signedMdn?: boolean;
  messageId?: string;
  extra?: Record<string, string>;
}): Promise<Posted> {
  const messageId = o.messageId ?? newMessageId();
  const res = await fetch(`${gw.url}/as2`, {
    method: 'POST',
    headers: {
      'AS2-Version': '1.2',
      'AS2-From': o.from ?? '"OSSL STRICT"',
      'AS2-To': o.to ?? 'EDIGATE',
      'Message-ID': messageId,
      'Content-Type': o.contentType,
      'Disposition-Notification-To': 'mdn@partner.example',
      ...(o.signedMdn === false
        ? {}
        : {
            'Disposition-Notification-Options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${o.micalg ?? 'sha-256'}`,
          }),
      ...o.extra,
    },
    body: o.body,
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()), messageId };
}

/** Checks the MDN with openssl and returns the report fields. */
function checkMdn(r: Posted): ReturnType<typeof readReport> {
  expect(r.status).toBe(200);
  const ct = r.headers.get('content-type') ?? '';
  expect(ct).toMatch(/^multipart\/signed/i);
  const report = readReport(opensslVerifyMdn(ct, r.body, home.us.certificate));
  // RFC 4130 §7.4.3: Original-Message-ID echoes the Message-ID exactly, brackets kept.
  expect(report.originalMessageId).toBe(r.messageId);
  return report;
}

const payloadEntity = entity(
  [
    ['Content-Type', 'application/edi-x12'],
    ['Content-Disposition', 'attachment; filename="po.edi"'],
  ],
  X12,
);

const ENVELOPED = 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"';
const AUTH_ENVELOPED = 'application/pkcs7-mime; smime-type=authEnveloped-data; name="smime.p7m"';

/** Signs and/or encrypts with openssl; returns what to post and the bytes the MIC is over. */
function build(o: {
  md?: Md;
  noattr?: boolean;
  pss?: boolean;
  cipher?: Cipher;
  oaep?: 'sha1' | 'sha256';
  signer?: typeof partnerPair;
  recipient?: string;
}) {
  let outer = payloadEntity;
  let contentType = 'application/edi-x12';
  let micBytes = payloadEntity;
  if (o.md) {
    const s = multipartSigned(payloadEntity, {
      cert: (o.signer ?? partnerPair).certificate,
      key: (o.signer ?? partnerPair).privateKey,
      md: o.md,
      noattr: o.noattr,
      pss: o.pss,
    });
    contentType = s.contentType;
    outer = entity([['Content-Type', s.contentType]], s.body);
    micBytes = payloadEntity;
    if (!o.cipher) return { contentType, body: s.body, micBytes };
  }
  if (o.cipher) {
    const der = opensslEncrypt(outer, { cert: o.recipient ?? home.us.certificate, cipher: o.cipher, oaep: o.oaep });
    return {
      contentType: o.cipher.endsWith('gcm') ? AUTH_ENVELOPED : ENVELOPED,
      body: der,
      micBytes: o.md ? payloadEntity : outer,
    };
  }
  return { contentType, body: outer.subarray(outer.indexOf('\r\n\r\n') + 4), micBytes };
}

const processed = /;\s*processed\s*$/i;

describe.skipIf(!hasOpenssl)('openssl cms → edigate over HTTP', () => {
  const digests: Md[] = ['sha1', 'sha256', 'sha384', 'sha512'];
  const ciphers: Cipher[] = ['des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];
  const micalgOf = (md: Md) =>
    ({ sha1: 'sha-1', sha224: 'sha-224', sha256: 'sha-256', sha384: 'sha-384', sha512: 'sha-512' })[md];

  it.each(
    digests.flatMap((md) => [
      { md, noattr: false },
      { md, noattr: true },
    ]),
  )('signed $md (noattr: $noattr) + aes-256-cbc', async ({ md, noattr }) => {
    const m = build({ md, noattr, cipher: 'aes-256-cbc' });
    const r = await post({ contentType: m.contentType, body: m.body, micalg: micalgOf(md) });
    const report = checkMdn(r);
    expect(report.disposition).toMatch(processed);
    expect(report.mic).toBe(opensslMic(m.micBytes, md));
  });

  it('signed sha256 with RSA-PSS + aes-256-cbc', async () => {
    const m = build({ md: 'sha256', pss: true, cipher: 'aes-256-cbc' });
    const report = checkMdn(await post({ contentType: m.contentType, body: m.body }));
    expect(report.disposition).toMatch(processed);
    expect(report.mic).toBe(opensslMic(m.micBytes, 'sha256'));
  });

  it.each(
    ciphers.flatMap((cipher) => [
      { cipher, oaep: undefined },
      ...(cipher === 'aes-256-cbc' || cipher === 'aes-128-gcm'
        ? [
            { cipher, oaep: 'sha1' as const },
            { cipher, oaep: 'sha256' as const },
          ]
        : []),
    ]),
  )('signed sha256 + $cipher (OAEP: $oaep)', async ({ cipher, oaep }) => {
    const m = build({ md: 'sha256', cipher, oaep });
    const report = checkMdn(await post({ contentType: m.contentType, body: m.body }));
    expect(report.disposition).toMatch(processed);
    expect(report.mic).toBe(opensslMic(m.micBytes, 'sha256'));
  });

  it('the payload reaches the pipeline once, byte for byte, and the raw request is in the archive', async () => {
    const m = build({ md: 'sha256', cipher: 'aes-128-cbc' });
    const r = await post({ contentType: m.contentType, body: m.body });
    expect(
      readReport(opensslVerifyMdn(r.headers.get('content-type')!, r.body, home.us.certificate)).disposition,
    ).toMatch(processed);
    const mine = () => payloads.filter((p) => p.messageId === r.messageId);
    await until(() => mine().length > 0);
    expect(mine().length).toBe(1);
    const p = mine()[0]!;
    expect(p.content.equals(X12)).toBe(true);
    expect(p.filename).toBe('po.edi');
    expect(archivedBodies().some((b) => b.equals(m.body))).toBe(true);
  });

  it('compressed before signing (RFC 5402), CompressedData from openssl asn1parse + zlib', async () => {
    const compressed = entity(
      [
        ['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'],
        ['Content-Transfer-Encoding', 'binary'],
      ],
      opensslCompressedData(payloadEntity),
    );
    const signed = multipartSigned(compressed, {
      cert: partnerPair.certificate,
      key: partnerPair.privateKey,
      md: 'sha256',
    });
    const der = opensslEncrypt(entity([['Content-Type', signed.contentType]], signed.body), {
      cert: home.us.certificate,
      cipher: 'aes-256-cbc',
    });
    const r = await post({ contentType: ENVELOPED, body: der });
    const report = checkMdn(r);
    expect(report.disposition).toMatch(processed);
    expect(report.mic).toBe(opensslMic(compressed, 'sha256'));
    await until(() => payloads.some((p) => p.messageId === r.messageId));
    expect(payloads.find((p) => p.messageId === r.messageId)!.content.equals(X12)).toBe(true);
    // Handed on only once its own archive file is there.
    expect(
      readFileSync(gw.archive.locate('payload', crypto.createHash('sha256').update(X12).digest('hex'))).equals(X12),
    ).toBe(true);
  });

  it('compressed after signing, then encrypted', async () => {
    const signed = multipartSigned(payloadEntity, {
      cert: partnerPair.certificate,
      key: partnerPair.privateKey,
      md: 'sha256',
    });
    const compressed = entity(
      [
        ['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'],
        ['Content-Transfer-Encoding', 'binary'],
      ],
      opensslCompressedData(entity([['Content-Type', signed.contentType]], signed.body)),
    );
    const der = opensslEncrypt(compressed, { cert: home.us.certificate, cipher: 'aes-128-cbc' });
    const report = checkMdn(await post({ contentType: ENVELOPED, body: der }));
    expect(report.disposition).toMatch(processed);
    expect(report.mic).toBe(opensslMic(payloadEntity, 'sha256'));
  });

  it('an expired partner certificate is refused unless the profile allows it', async () => {
    const m = build({ md: 'sha256', cipher: 'aes-256-cbc', signer: expiredPair });
    expect(
      checkMdn(await post({ contentType: m.contentType, body: m.body, from: 'OSSL-EXPIRED' })).disposition,
    ).toMatch(/processed\/error:\s*authentication-failed/i);
    const again = build({ md: 'sha256', cipher: 'aes-256-cbc', signer: expiredPair });
    expect(
      checkMdn(await post({ contentType: again.contentType, body: again.body, from: 'OSSL-EXPIRED-OK' })).disposition,
    ).toMatch(processed);
  });

  describe('named quirks', () => {
    it('Sterling: no signedAttrs, sha1, micalg "sha1" spelling echoed', async () => {
      const signed = multipartSigned(payloadEntity, {
        cert: partnerPair.certificate,
        key: partnerPair.privateKey,
        md: 'sha1',
        noattr: true,
        micalg: 'sha1',
      });
      const der = opensslEncrypt(entity([['Content-Type', signed.contentType]], signed.body), {
        cert: home.us.certificate,
        cipher: 'des-ede3-cbc',
      });
      const report = checkMdn(await post({ contentType: ENVELOPED, body: der, micalg: 'sha1' }));
      expect(report.disposition).toMatch(processed);
      expect(report.mic).toBe(opensslMic(payloadEntity, 'sha1'));
      expect(report.micAlgorithm).toBe('sha1');
    });

    it('binary signature part without Content-Transfer-Encoding', async () => {
      const signed = multipartSigned(payloadEntity, {
        cert: partnerPair.certificate,
        key: partnerPair.privateKey,
        md: 'sha256',
        signatureEncoding: 'binary-no-cte',
      });
      const der = opensslEncrypt(entity([['Content-Type', signed.contentType]], signed.body), {
        cert: home.us.certificate,
        cipher: 'aes-256-cbc',
      });
      const report = checkMdn(await post({ contentType: ENVELOPED, body: der }));
      expect(report.disposition).toMatch(processed);
    });

    it('x-pkcs7-* media types (application/x-pkcs7-mime, application/x-pkcs7-signature)', async () => {
      const signed = multipartSigned(payloadEntity, {
        cert: partnerPair.certificate,
        key: partnerPair.privateKey,
        md: 'sha256',
        xPkcs7: true,
      });
      const der = opensslEncrypt(entity([['Content-Type', signed.contentType]], signed.body), {
        cert: home.us.certificate,
        cipher: 'aes-256-cbc',
      });
      const report = checkMdn(
        await post({ contentType: 'application/x-pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', body: der }),
      );
      expect(report.disposition).toMatch(processed);
    });

    it('lower-case and folded MIME headers in the signed entity', async () => {
      const odd = Buffer.concat([
        Buffer.from(
          'content-type: application/edi-x12;\r\n\tname="po.edi"\r\ncontent-disposition: attachment;\r\n filename="po.edi"\r\n\r\n',
        ),
        X12,
      ]);
      const signed = multipartSigned(odd, { cert: partnerPair.certificate, key: partnerPair.privateKey, md: 'sha256' });
      const der = opensslEncrypt(entity([['content-type', signed.contentType]], signed.body), {
        cert: home.us.certificate,
        cipher: 'aes-256-cbc',
      });
      const report = checkMdn(await post({ contentType: ENVELOPED, body: der, extra: { 'as2-version': '1.1' } }));
      expect(report.disposition).toMatch(processed);
      expect(report.mic).toBe(opensslMic(odd, 'sha256'));
    });

    it('LF-only stored message (openssl text-mode S/MIME, line ends turned to LF)', async () => {
      // openssl cms -sign without -binary signs the CRLF-canonical form (RFC 5751 §3.1.1); the file then lost its CRs.
      const { openssl, tmpFile, fileOf } = await import('./openssl.js');
      const { writeFileSync } = await import('node:fs');
      const f = tmpFile('lf.txt');
      writeFileSync(f, payloadEntity.toString('latin1').replace(/\r\n/g, '\n'));
      const smime = openssl([
        'cms',
        '-sign',
        '-in',
        f,
        '-signer',
        fileOf(partnerPair.certificate),
        '-inkey',
        fileOf(partnerPair.privateKey),
        '-md',
        'sha256',
      ])
        .toString('latin1')
        .replace(/\r\n/g, '\n');
      const der = opensslEncrypt(Buffer.from(smime, 'latin1'), { cert: home.us.certificate, cipher: 'aes-256-cbc' });
      const report = checkMdn(await post({ contentType: ENVELOPED, body: der }));
      expect(report.disposition).toMatch(processed);
    });

    it('encrypt-only payload without MIME headers', async () => {
      const der = opensslEncrypt(X12, { cert: home.us.certificate, cipher: 'aes-256-cbc' });
      const r = await post({ contentType: ENVELOPED, body: der, from: 'OSSL-LAX' });
      const report = checkMdn(r);
      expect(report.disposition).toMatch(processed);
    });

    it('unsigned, unencrypted message to a lax partner, unsigned MDN asked', async () => {
      const r = await post({ contentType: 'application/edi-x12', body: X12, from: 'OSSL-LAX', signedMdn: false });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/multipart\/report/i);
      expect(readReport(r.body.toString('latin1')).disposition).toMatch(processed);
    });

    it('a repeated Message-ID is answered with duplicate-document and not processed again', async () => {
      const m = build({ md: 'sha256', cipher: 'aes-256-cbc' });
      const messageId = newMessageId();
      const mine = () => payloads.filter((p) => p.messageId === messageId).length;
      expect(checkMdn(await post({ contentType: m.contentType, body: m.body, messageId })).disposition).toMatch(
        processed,
      );
      await until(() => mine() > 0);
      const again = checkMdn(await post({ contentType: m.contentType, body: m.body, messageId }));
      expect(again.disposition).toMatch(/processed\/warning:\s*duplicate-document/i);
      await new Promise((res) => setTimeout(res, 100));
      expect(mine()).toBe(1);
    });
  });

  describe('refusals', () => {
    const negative = async (m: { contentType: string; body: Buffer }, from?: string) => {
      const r = await post({ contentType: m.contentType, body: m.body, ...(from ? { from } : {}) });
      const report = checkMdn(r);
      await new Promise((res) => setTimeout(res, 100));
      expect(payloads.filter((p) => p.messageId === r.messageId)).toEqual([]);
      expect(archivedBodies().some((b) => b.equals(m.body))).toBe(true);
      return report.disposition ?? '';
    };

    it('tampered body → integrity or authentication failure', async () => {
      const s = multipartSigned(payloadEntity, {
        cert: partnerPair.certificate,
        key: partnerPair.privateKey,
        md: 'sha256',
      });
      const tampered = Buffer.from(s.body.toString('latin1').replace('PO-1', 'PO-9'), 'latin1');
      const der = opensslEncrypt(entity([['Content-Type', s.contentType]], tampered), {
        cert: home.us.certificate,
        cipher: 'aes-256-cbc',
      });
      expect(await negative({ contentType: ENVELOPED, body: der })).toMatch(
        /processed\/error:\s*(integrity-check-failed|authentication-failed)/i,
      );
    });

    it('unknown signer → authentication-failed', async () => {
      const m = build({ md: 'sha256', cipher: 'aes-256-cbc', signer: stranger });
      expect(await negative(m)).toMatch(/processed\/error:\s*authentication-failed/i);
    });

    it('encrypted for another certificate → decryption-failed', async () => {
      const m = build({ md: 'sha256', cipher: 'aes-256-cbc', recipient: stranger.certificate });
      expect(await negative(m)).toMatch(/processed\/error:\s*decryption-failed/i);
    });

    it('unsigned where a signature is required → insufficient-message-security', async () => {
      const der = opensslEncrypt(payloadEntity, { cert: home.us.certificate, cipher: 'aes-256-cbc' });
      expect(await negative({ contentType: ENVELOPED, body: der })).toMatch(
        /processed\/error:\s*insufficient-message-security/i,
      );
    });

    it('truncated encrypted body → an error disposition', async () => {
      const m = build({ md: 'sha256', cipher: 'aes-256-cbc' });
      expect(
        await negative({ contentType: m.contentType, body: m.body.subarray(0, Math.floor(m.body.length / 2)) }),
      ).toMatch(/processed\/error:/i);
    });

    it('garbage body → an error disposition', async () => {
      expect(await negative({ contentType: ENVELOPED, body: crypto.randomBytes(3000) })).toMatch(/processed\/error:/i);
    });

    it('unknown partner → 403, wrong AS2-To → 404, missing AS2 headers → 400, in plain text; archived anyway', async () => {
      const body = crypto.randomBytes(64);
      const stranger1 = await post({ contentType: ENVELOPED, body, from: 'NOBODY' });
      expect(stranger1.status).toBe(403);
      expect(stranger1.headers.get('content-type')).toMatch(/text\/plain/);
      expect(stranger1.body.toString()).toMatch(/NOBODY/);
      expect((await post({ contentType: ENVELOPED, body, to: 'SOMEONE-ELSE' })).status).toBe(404);
      const res = await fetch(`${gw.url}/as2`, { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(archivedBodies().filter((b) => b.equals(body)).length).toBeGreaterThanOrEqual(1);
    });

    it('oversized request → 413, the bytes received are archived', async () => {
      const big = crypto.randomBytes(300 * 1024);
      const r = await post({ contentType: ENVELOPED, body: big }).catch((e: unknown) => ({ status: -1, error: e }));
      expect(r.status).toBe(413);
      const kinds = readdirSync(gw.archive.dir);
      expect(kinds).toContain('as2-request');
    });

    it('GET /healthz is 200; GET /as2 is 405; anything else 404', async () => {
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.url}/as2`)).status).toBe(405);
      expect((await fetch(`${gw.url}/nope`)).status).toBe(404);
    });
  });
});

/** Every archived request body (the part after the head's blank line). */
function archivedBodies(): Buffer[] {
  const out: Buffer[] = [];
  const root = path.join(gw.archive.dir, 'as2-request');
  for (const d of readdirSync(root)) {
    for (const f of readdirSync(path.join(root, d))) {
      const raw = readFileSync(path.join(root, d, f));
      const at = raw.indexOf('\r\n\r\n');
      out.push(raw.subarray(at + 4));
    }
  }
  return out;
}
