import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCms, signDetached, verifyDetached } from './index.js';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './opensslPeer.js';
import type { DigestAlgorithm } from './types.js';

const available = hasOpenssl();

const DIGESTS: [DigestAlgorithm, string][] = [
  ['sha-1', 'sha1'],
  ['sha-224', 'sha224'],
  ['sha-256', 'sha256'],
  ['sha-384', 'sha384'],
  ['sha-512', 'sha512'],
];

describe.skipIf(!available)('detached SignedData with openssl as the peer', () => {
  let peer: OpensslPeer;
  let partner: TestIdentity;
  let renewed: TestIdentity;
  let stranger: TestIdentity;
  let ec: TestIdentity;
  // Canonical MIME entity as AS2 signs it: CRLF line ends (RFC 5751 §3.1.1).
  const content = Buffer.from(
    'Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\nISA*00*~IEA*1*000000001~',
  );
  let contentFile: string;

  beforeAll(() => {
    peer = new OpensslPeer();
    partner = peer.identity('partner');
    renewed = peer.identity('partner-renewed');
    stranger = peer.identity('stranger');
    const ecKey = peer.file('ec.key');
    const ecCert = peer.file('ec.crt');
    peer.run(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        ecKey,
        '-out',
        ecCert,
      ].concat(['-subj', '/CN=ec partner', '-days', '30']),
    );
    ec = {
      keyFile: ecKey,
      certFile: ecCert,
      key: peer.run(['pkey', '-in', ecKey]).toString(),
      cert: peer.run(['x509', '-in', ecCert]).toString(),
    };
    contentFile = peer.write('content.bin', content);
  });
  afterAll(() => peer?.dispose());

  const opensslSign = (args: string[], signer = partner, keyopts: string[] = []): Buffer =>
    peer.run([
      'cms',
      '-sign',
      '-binary',
      '-in',
      contentFile,
      '-outform',
      'DER',
      ...args,
      '-signer',
      signer.certFile,
      '-inkey',
      signer.keyFile,
      ...keyopts,
    ]);

  const opensslVerify = (der: Buffer, signer = partner): { status: number; stderr: string } =>
    peer.try(
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-content',
        contentFile,
        '-CAfile',
        signer.certFile,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      der,
    );

  describe('openssl signs, we verify', () => {
    for (const [name, md] of DIGESTS) {
      it(`${name} with signedAttrs`, () => {
        const der = opensslSign(['-md', md]);
        expect(inspectCms(der).type).toBe('signed');
        const r = verifyDetached(der, content, { certificates: [partner.cert] });
        expect(r).toMatchObject({ ok: true, digestAlgorithm: name, signedAttributes: true });
        expect(r.ok && r.signer.subject).toContain('CN=partner');
      });
    }

    it.each([
      ['sha-1', 'sha1'],
      ['sha-256', 'sha256'],
      ['sha-512', 'sha512'],
    ] as const)('Sterling-like: %s without signedAttrs (-noattr)', (name, md) => {
      const der = opensslSign(['-md', md, '-noattr']);
      expect(verifyDetached(der, content, { certificates: [partner.cert] })).toMatchObject({
        ok: true,
        digestAlgorithm: name,
        signedAttributes: false,
      });
    });

    it.each([
      ['sha-256', 'sha256'],
      ['sha-512', 'sha512'],
      ['sha-1', 'sha1'],
    ] as const)('RSASSA-PSS with %s', (name, md) => {
      const der = opensslSign(['-md', md], partner, ['-keyopt', 'rsa_padding_mode:pss']);
      expect(peer.run(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString()).toContain('rsassaPss');
      expect(verifyDetached(der, content, { certificates: [partner.cert] })).toMatchObject({
        ok: true,
        digestAlgorithm: name,
      });
    });

    it('signer named by subject key identifier (-keyid), streamed BER (-stream)', () => {
      const der = opensslSign(['-md', 'sha256', '-keyid', '-stream']);
      expect(verifyDetached(der, content, { certificates: [partner.cert] })).toMatchObject({ ok: true });
    });

    it('ECDSA P-256', () => {
      const der = opensslSign(['-md', 'sha256'], ec);
      expect(verifyDetached(der, content, { certificates: [ec.cert] })).toMatchObject({
        ok: true,
        digestAlgorithm: 'sha-256',
      });
    });

    it('rollover: the partner’s renewed certificate among two', () => {
      const der = opensslSign(['-md', 'sha256'], renewed);
      const r = verifyDetached(der, content, { certificates: [partner.cert, renewed.cert] });
      expect(r.ok && r.signer.subject).toContain('CN=partner-renewed');
    });

    it('tampered content is integrity-check-failed, with and without signedAttrs', () => {
      const tampered = Buffer.from(content);
      tampered[tampered.length - 3]! ^= 1;
      for (const args of [
        ['-md', 'sha256'],
        ['-md', 'sha256', '-noattr'],
      ]) {
        const r = verifyDetached(opensslSign(args), tampered, { certificates: [partner.cert] });
        expect(r.ok ? 'ok' : r.error.code).toBe('integrity-check-failed');
      }
    });

    it('a signer that is not the partner is authentication-failed, with and without signedAttrs', () => {
      for (const args of [
        ['-md', 'sha256'],
        ['-md', 'sha256', '-noattr'],
      ]) {
        const r = verifyDetached(opensslSign(args, stranger), content, { certificates: [partner.cert] });
        expect(r.ok ? 'ok' : r.error.code).toBe('authentication-failed');
        expect(r.ok || r.error.disposition.description).toBe('authentication-failed');
      }
    });

    it('an expired certificate is authentication-failed unless allowed', () => {
      const der = opensslSign(['-md', 'sha256']);
      const later = new Date(Date.now() + 365 * 86_400_000);
      const r = verifyDetached(der, content, { certificates: [partner.cert], now: later });
      expect(r.ok ? 'ok' : r.error.code).toBe('authentication-failed');
      expect(verifyDetached(der, content, { certificates: [partner.cert], now: later, allowExpired: true }).ok).toBe(
        true,
      );
    });
  });

  describe('we sign, openssl verifies', () => {
    for (const [name] of DIGESTS) {
      it(`${name}: PKCS#1 v1.5 and PSS, with and without signedAttrs`, () => {
        for (const pss of [false, true]) {
          for (const signedAttributes of [true, false]) {
            const der = signDetached(content, {
              privateKey: partner.key,
              certificate: partner.cert,
              digestAlgorithm: name,
              pss,
              signedAttributes,
            });
            const r = opensslVerify(der);
            expect(r.stderr, `${name} pss=${pss} attrs=${signedAttributes}`).toContain('Verification successful');
            expect(verifyDetached(der, content, { certificates: [partner.cert] })).toMatchObject({
              ok: true,
              digestAlgorithm: name,
              signedAttributes,
            });
          }
        }
      });
    }

    it('defaults: sha-256, signedAttrs, our certificate included', () => {
      const der = signDetached(content, { privateKey: partner.key, certificate: partner.cert });
      const printed = peer.run(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString();
      expect(printed).toContain('sha256');
      expect(printed).toContain('messageDigest');
      expect(printed).toContain('signingTime');
      const certs = peer.run(['pkcs7', '-inform', 'DER', '-print_certs'], der).toString();
      expect(certs).toContain('CN = partner');
      expect(opensslVerify(der).stderr).toContain('Verification successful');
    });

    it('ECDSA key', () => {
      const der = signDetached(content, { privateKey: ec.key, certificate: ec.cert, digestAlgorithm: 'sha-384' });
      expect(opensslVerify(der, ec).stderr).toContain('Verification successful');
    });

    it('1 MB content round trip', () => {
      const big = randomBytes(1 << 20);
      const der = signDetached(big, { privateKey: partner.key, certificate: partner.cert });
      expect(der.length).toBeLessThan(4096);
      expect(verifyDetached(der, big, { certificates: [partner.cert] }).ok).toBe(true);
    });
  });

  it('garbage and truncated signatures never throw', () => {
    const der = signDetached(content, { privateKey: partner.key, certificate: partner.cert });
    for (const input of [Buffer.alloc(0), randomBytes(64), der.subarray(0, 30), der.subarray(0, der.length - 10)]) {
      const r = verifyDetached(input, content, { certificates: [partner.cert] });
      expect(r.ok ? 'ok' : r.error.code).toBe('authentication-failed');
    }
    const r = verifyDetached(der, content, { certificates: ['not a certificate'] });
    expect(r.ok ? 'ok' : r.error.code).toBe('unexpected-processing-error');
  });
});
