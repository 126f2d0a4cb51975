import { createHash, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateInfo } from './certs.js';
import { algorithm, context, integer, octetString, oid, parseBer, sequence, setOf, tlv } from './asn1.js';
import { inspectCms, signDetached, signDetachedAsync, verifyDetached } from './index.js';
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

    it('signDetachedAsync (private-key operation in the thread pool) signs alike', async () => {
      for (const [pss, signedAttributes] of [
        [false, true],
        [true, false],
      ] as const) {
        const der = await signDetachedAsync(content, {
          privateKey: partner.key,
          certificate: partner.cert,
          pss,
          signedAttributes,
        });
        expect(opensslVerify(der).stderr, `pss=${pss} attrs=${signedAttributes}`).toContain('Verification successful');
        expect(verifyDetached(der, content, { certificates: [partner.cert] })).toMatchObject({
          ok: true,
          signedAttributes,
        });
      }
      await expect(
        signDetachedAsync(content, {
          privateKey: partner.key,
          certificate: partner.cert,
          digestAlgorithm: 'md5' as DigestAlgorithm,
        }),
      ).rejects.toThrow(/unsupported digest/);
    });

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

    it('mendelson-like: RFC 6211 CMSAlgorithmProtection signed along (PKCS#1 v1.5 and PSS)', () => {
      for (const pss of [false, true]) {
        const der = signDetached(content, {
          privateKey: partner.key,
          certificate: partner.cert,
          pss,
          algorithmProtection: true,
        });
        expect(peer.run(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString()).toContain(
          '1.2.840.113549.1.9.52',
        );
        expect(opensslVerify(der).stderr).toContain('Verification successful');
        expect(verifyDetached(der, content, { certificates: [partner.cert] }).ok).toBe(true);
      }
    });

    it('a CMSAlgorithmProtection that names other algorithms is authentication-failed', () => {
      const der = handSigned(content, partner.key, partner.cert, {
        protectedDigestOid: '2.16.840.1.101.3.4.2.3' /* sha-512, but sha-256 used */,
      });
      const r = verifyDetached(der, content, { certificates: [partner.cert] });
      expect(r.ok ? 'ok' : r.error.message).toMatch(/CMSAlgorithmProtection/);
      const honest = handSigned(content, partner.key, partner.cert, { protectedDigestOid: '2.16.840.1.101.3.4.2.1' });
      expect(verifyDetached(honest, content, { certificates: [partner.cert] }).ok).toBe(true);
    });

    it('Java-encoder-like: sha256WithRSAEncryption as signatureAlgorithm, NULL digest parameters, signer by SKI', () => {
      const der = handSigned(content, partner.key, partner.cert, {
        signatureAlgorithmOid: '1.2.840.113549.1.1.11',
        digestParamsNull: true,
        bySki: true,
      });
      const v = opensslVerify(der);
      expect(v.stderr).toContain('Verification successful');
      expect(verifyDetached(der, content, { certificates: [stranger.cert, partner.cert] })).toMatchObject({
        ok: true,
        digestAlgorithm: 'sha-256',
      });
    });

    it('base64 text (no Content-Transfer-Encoding) and PEM armour are read as DER', () => {
      const der = signDetached(content, { privateKey: partner.key, certificate: partner.cert });
      const base64 = Buffer.from(der.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n');
      expect(inspectCms(base64).type).toBe('signed');
      expect(verifyDetached(base64, content, { certificates: [partner.cert] }).ok).toBe(true);
      const pem = peer.run([
        'cms',
        '-sign',
        '-binary',
        '-in',
        contentFile,
        '-outform',
        'PEM',
        '-signer',
        partner.certFile,
        '-inkey',
        partner.keyFile,
      ]);
      expect(pem.toString().startsWith('-----BEGIN CMS-----')).toBe(true);
      expect(verifyDetached(pem, content, { certificates: [partner.cert] }).ok).toBe(true);
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
    expect(verifyDetached(der, content, { certificates: ['not a certificate', partner.cert] }).ok).toBe(true);
  });
});

interface HandSigned {
  /** RFC 6211 attribute naming this digest OID (omitted when undefined). */
  protectedDigestOid?: string;
  /** signatureAlgorithm OID; default rsaEncryption. */
  signatureAlgorithmOid?: string;
  /** Write the digest AlgorithmIdentifier with NULL parameters (older Java encoders). */
  digestParamsNull?: boolean;
  /** Name the signer by subject key identifier (SignerInfo version 3). */
  bySki?: boolean;
}

/** A detached SHA-256 RSA SignedData put together by hand, to reproduce other products' encodings. */
function handSigned(content: Buffer, key: string, certPem: string, o: HandSigned = {}): Buffer {
  const cert = certificateInfo(certPem);
  const sha256 = algorithm('2.16.840.1.101.3.4.2.1', o.digestParamsNull ? 'null' : undefined);
  const signatureAlgorithm = algorithm(o.signatureAlgorithmOid ?? '1.2.840.113549.1.1.1', 'null');
  const attribute = (type: string, value: Buffer): Buffer => sequence(oid(type), setOf(value));
  const attrs = [
    attribute('1.2.840.113549.1.9.3', oid('1.2.840.113549.1.7.1')),
    attribute('1.2.840.113549.1.9.4', octetString(createHash('sha256').update(content).digest())),
  ];
  if (o.protectedDigestOid !== undefined) {
    const protectedSignature = parseBer(signatureAlgorithm).content;
    attrs.push(
      attribute('1.2.840.113549.1.9.52', sequence(algorithm(o.protectedDigestOid), tlv(0xa1, protectedSignature))),
    );
  }
  attrs.sort((a, b) => Buffer.compare(a, b));
  const signature = sign('sha256', tlv(0x31, ...attrs), key);
  const sid = o.bySki ? tlv(0x80, cert.subjectKeyId) : sequence(cert.issuer, tlv(0x02, cert.serial));
  const signerInfo = sequence(
    integer(o.bySki ? 3 : 1),
    sid,
    sha256,
    tlv(0xa0, ...attrs),
    signatureAlgorithm,
    octetString(signature),
  );
  const body = sequence(
    integer(o.bySki ? 3 : 1),
    setOf(sha256),
    sequence(oid('1.2.840.113549.1.7.1')),
    context(0, true, cert.der),
    setOf(signerInfo),
  );
  return sequence(oid('1.2.840.113549.1.7.2'), context(0, true, body));
}
