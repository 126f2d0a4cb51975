import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './cms/opensslPeer.js';
import {
  createMdn,
  createMdnAsync,
  formatAs2Name,
  formatDisposition,
  parseAs2Name,
  parseDisposition,
  parseMdn,
} from './mdn.js';

describe('Disposition field', () => {
  it.each([
    [{ type: 'processed' as const }, 'automatic-action/MDN-sent-automatically; processed'],
    [
      { type: 'processed' as const, modifier: 'error' as const, description: 'decryption-failed' },
      'automatic-action/MDN-sent-automatically; processed/error: decryption-failed',
    ],
    [
      { type: 'processed' as const, modifier: 'warning' as const, description: 'duplicate-document' },
      'automatic-action/MDN-sent-automatically; processed/warning: duplicate-document',
    ],
    [
      { type: 'failed' as const, modifier: 'failure' as const, description: 'unsupported MIC-algorithms' },
      'automatic-action/MDN-sent-automatically; failed/Failure: unsupported MIC-algorithms',
    ],
  ])('%j', (d, text) => {
    expect(formatDisposition(d)).toBe(text);
    expect(parseDisposition(text)).toEqual(d);
  });

  it('reads other products’ spellings', () => {
    expect(parseDisposition('Automatic-Action/MDN-Sent-Automatically;  Processed/Error:authentication-failed')).toEqual(
      {
        type: 'processed',
        modifier: 'error',
        description: 'authentication-failed',
      },
    );
    expect(parseDisposition('nonsense')).toBeUndefined();
  });
});

describe('AS2 names', () => {
  it('quotes names with spaces (RFC 4130 §6.2) and reads them back', () => {
    expect(formatAs2Name('ACME')).toBe('ACME');
    expect(formatAs2Name('Acme Corp')).toBe('"Acme Corp"');
    expect(formatAs2Name('edi@acme.example')).toBe('edi@acme.example');
    expect(formatAs2Name('a"b')).toBe('"a\\"b"');
    expect(parseAs2Name(formatAs2Name('a"b'))).toBe('a"b');
    expect(parseAs2Name('"Acme Corp"')).toBe('Acme Corp');
    expect(parseAs2Name(' plain ')).toBe('plain');
  });
});

describe('unsigned MDN', () => {
  it('builds multipart/report and parses back, echoing the Message-ID exactly', () => {
    const mdn = createMdn({
      originalMessageId: '<abc@partner>',
      as2From: 'us',
      as2To: 'them',
      disposition: { type: 'processed' },
      mic: { digest: 'AAAA', algorithm: 'sha-256' },
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(mdn.headers['Content-Type']).toMatch(/^multipart\/report; report-type=disposition-notification; boundary=/);
    expect(mdn.headers['AS2-From']).toBe('us');
    expect(mdn.headers['AS2-To']).toBe('them');
    expect(mdn.headers['AS2-Version']).toBe('1.2');
    const text = mdn.body.toString('latin1');
    expect(text).toContain('Original-Message-ID: <abc@partner>\r\n');
    expect(text).toContain('Final-Recipient: rfc822; us\r\n');
    expect(text).toContain('Received-Content-MIC: AAAA, sha-256\r\n');
    const parsed = parseMdn(mdn, { partnerCertificates: [], expectedMic: { digest: 'AAAA', algorithm: 'sha256' } });
    expect(parsed).toMatchObject({
      originalMessageId: '<abc@partner>',
      disposition: { type: 'processed' },
      receivedMic: { digest: 'AAAA', algorithm: 'sha-256' },
      signed: false,
      micMatches: true,
      as2From: 'us',
      messageId: mdn.messageId,
    });
    expect(parsed.error).toBeUndefined();
  });

  it('flags a MIC mismatch and an unsigned MDN when a signed one is required', () => {
    const mdn = createMdn({
      originalMessageId: 'x',
      as2From: 'a',
      as2To: 'b',
      disposition: { type: 'processed' },
      mic: { digest: 'AAAA', algorithm: 'sha-256' },
    });
    expect(
      parseMdn(mdn, { partnerCertificates: [], expectedMic: { digest: 'BBBB', algorithm: 'sha-256' } }),
    ).toMatchObject({
      micMatches: false,
      error: { code: 'integrity-check-failed' },
    });
    expect(parseMdn(mdn, { partnerCertificates: [], requireSigned: true }).error?.code).toBe(
      'insufficient-message-security',
    );
  });

  it('reads an MDN whose MIME headers are in the body, LF-only', () => {
    const body = [
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hello',
      '--b',
      'Content-Type: message/disposition-notification',
      '',
      'Original-Message-ID: <m1@x>',
      'Disposition: automatic-action/MDN-sent-automatically; processed/error: decryption-failed',
      '--b--',
      '',
    ].join('\n');
    expect(parseMdn({ headers: {}, body: Buffer.from(body) }, { partnerCertificates: [] })).toMatchObject({
      originalMessageId: '<m1@x>',
      disposition: { type: 'processed', modifier: 'error', description: 'decryption-failed' },
      text: 'hello',
    });
  });

  it('garbage gives an error value, not a throw', () => {
    expect(
      parseMdn(
        { headers: { 'content-type': 'multipart/signed; boundary=x' }, body: Buffer.from('junk') },
        { partnerCertificates: [] },
      ).error?.code,
    ).toBe('unexpected-processing-error');
    expect(parseMdn({ headers: {}, body: Buffer.from([0, 1, 2]) }, { partnerCertificates: [] }).error?.code).toBe(
      'unexpected-processing-error',
    );
  });
});

describe.skipIf(!hasOpenssl())('signed MDN', () => {
  let peer: OpensslPeer;
  let ours: TestIdentity;
  let other: TestIdentity;
  beforeAll(() => {
    peer = new OpensslPeer();
    ours = peer.identity('mdn-ours');
    other = peer.identity('mdn-other');
  });
  afterAll(() => peer?.dispose());

  const signed = (micalgNames?: 'legacy') =>
    createMdn({
      originalMessageId: '<orig@partner>',
      as2From: 'us',
      as2To: 'them',
      disposition: { type: 'processed' },
      mic: { digest: 'AAAA', algorithm: 'sha-256' },
      sign: {
        privateKey: ours.key,
        certificate: ours.cert,
        digestAlgorithm: 'sha-256',
        ...(micalgNames ? { micalgNames } : {}),
      },
    });

  it('verifies with our parser and with openssl cms -verify', () => {
    const mdn = signed();
    expect(mdn.headers['Content-Type']).toMatch(
      /^multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256; boundary=/,
    );
    expect(parseMdn(mdn, { partnerCertificates: [ours.cert] })).toMatchObject({
      signed: true,
      signatureValid: true,
      originalMessageId: '<orig@partner>',
    });
    const eml = Buffer.concat([
      Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${mdn.headers['Content-Type']}\r\n\r\n`),
      mdn.body,
    ]);
    const r = peer.try(['cms', '-verify', '-noverify', '-in', peer.write('mdn.eml', eml), '-out', peer.file('out')]);
    expect(r.stderr).toContain('Verification successful');
    expect(r.status).toBe(0);
  });

  it('createMdnAsync signs in the thread pool and gives the same, verifiable MDN', async () => {
    const opts = {
      originalMessageId: '<orig@partner>',
      as2From: 'us',
      as2To: 'them',
      disposition: { type: 'processed' as const },
      mic: { digest: 'AAAA', algorithm: 'sha-256' },
      sign: { privateKey: ours.key, certificate: ours.cert, digestAlgorithm: 'sha-256' as const },
    };
    const mdn = await createMdnAsync(opts);
    expect(mdn.headers['Content-Type']).toMatch(
      /^multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256;/,
    );
    expect(parseMdn(mdn, { partnerCertificates: [ours.cert] })).toMatchObject({
      signed: true,
      signatureValid: true,
      originalMessageId: '<orig@partner>',
      receivedMic: { digest: 'AAAA', algorithm: 'sha-256' },
    });
    const { sign: _unsigned, ...plain } = opts;
    const unsigned = await createMdnAsync(plain);
    expect(unsigned.headers['Content-Type']).toMatch(/^multipart\/report;/);
  });

  it('a signed MDN relayed with LF-only line ends still verifies', () => {
    const mdn = signed();
    const lf = {
      headers: mdn.headers,
      body: Buffer.from(mdn.body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
    };
    expect(parseMdn(lf, { partnerCertificates: [ours.cert] })).toMatchObject({
      signatureValid: true,
      disposition: { type: 'processed' },
    });
  });

  it('names micalg the legacy way when asked', () => {
    expect(signed('legacy').headers['Content-Type']).toContain('micalg=sha256');
  });

  it('a signature by another certificate, or a tampered report, is not valid', () => {
    const mdn = signed();
    expect(parseMdn(mdn, { partnerCertificates: [other.cert] })).toMatchObject({
      signatureValid: false,
      error: { code: 'authentication-failed' },
    });
    const tampered = {
      headers: mdn.headers,
      body: Buffer.from(mdn.body.toString('latin1').replace('processed', 'processeD'), 'latin1'),
    };
    const r = parseMdn(tampered, { partnerCertificates: [ours.cert] });
    expect(r.signatureValid).toBe(false);
    expect(r.error).toBeDefined();
  });
});
