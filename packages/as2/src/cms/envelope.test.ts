import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, context, parseBer, sequence, tlv } from './asn1.js';
import { unwrapPkcs1 } from './envelope.js';
import {
  decryptEnvelope,
  decryptEnvelopeAsync,
  encryptEnvelope,
  inspectCms,
  type PrivateDecryptRequest,
} from './index.js';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './opensslPeer.js';
import type { ContentEncryptionAlgorithm, KeyTransport } from './types.js';

const available = hasOpenssl();

const CIPHER_FLAGS: [ContentEncryptionAlgorithm, string][] = [
  ['des-ede3-cbc', '-des3'],
  ['aes-128-cbc', '-aes128'],
  ['aes-256-cbc', '-aes256'],
  ['aes-128-gcm', '-aes-128-gcm'],
  ['aes-256-gcm', '-aes-256-gcm'],
];

const TRANSPORT_OPTS: [KeyTransport, string[]][] = [
  ['rsa-pkcs1v15', []],
  ['rsa-oaep-sha1', ['-keyopt', 'rsa_padding_mode:oaep']],
  ['rsa-oaep-sha256', ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256']],
  // SHA-384/512 with MGF1 over the same hash: what some AS2 libraries send (RFC 4055 §2.1).
  ['rsa-oaep-sha384', ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha384']],
  ['rsa-oaep-sha512', ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha512']],
];

describe.skipIf(!available)('EnvelopedData with openssl as the peer', () => {
  let peer: OpensslPeer;
  let ours: TestIdentity;
  let next: TestIdentity;
  let stranger: TestIdentity;
  const payload = Buffer.from('Content-Type: application/edi-x12\r\n\r\nISA*00*          *00*~IEA*1*000000001~\r\n');

  beforeAll(() => {
    peer = new OpensslPeer();
    ours = peer.identity('edigate-ours');
    next = peer.identity('edigate-next');
    stranger = peer.identity('stranger');
  });
  afterAll(() => peer?.dispose());

  const opensslEncrypt = (
    args: string[],
    content: Buffer = payload,
    recipient = ours,
    keyopts: string[] = [],
  ): Buffer =>
    peer.run(
      ['cms', '-encrypt', '-binary', '-outform', 'DER', ...args, '-recip', recipient.certFile, ...keyopts],
      content,
    );

  describe('openssl encrypts, we decrypt', () => {
    for (const [algorithm, flag] of CIPHER_FLAGS) {
      for (const [transport, keyopts] of TRANSPORT_OPTS) {
        it(`${algorithm} with ${transport}`, () => {
          const der = opensslEncrypt([flag], payload, ours, keyopts);
          expect(inspectCms(der).type).toBe(algorithm.endsWith('gcm') ? 'authEnveloped' : 'enveloped');
          const r = decryptEnvelope(der, [{ privateKey: ours.key, certificate: ours.cert }]);
          expect(r).toMatchObject({ ok: true, contentAlgorithm: algorithm, keyTransport: transport });
          expect(r.ok && r.content.equals(payload)).toBe(true);
        });
      }
    }

    it('aes-192-cbc, recipient named by subject key identifier (-keyid)', () => {
      const der = opensslEncrypt(['-aes192', '-keyid']);
      const r = decryptEnvelope(der, [{ privateKey: ours.key, certificate: ours.cert }]);
      expect(r).toMatchObject({ ok: true, contentAlgorithm: 'aes-192-cbc' });
    });

    it.each([['-aes256'], ['-aes-256-gcm']])(
      'streamed BER (indefinite lengths, constructed OCTET STRING) of 300 KB, %s',
      (flag) => {
        const big = randomBytes(300_000);
        const der = opensslEncrypt([flag, '-stream'], big);
        expect(der[1]).toBe(0x80); // indefinite length at the outside
        const r = decryptEnvelope(der, [{ privateKey: ours.key, certificate: ours.cert }]);
        expect(r.ok && r.content.equals(big)).toBe(true);
      },
    );

    it('PEM armour (openssl -outform PEM) is read as DER', () => {
      const pem = peer.run(
        ['cms', '-encrypt', '-binary', '-outform', 'PEM', '-aes128', '-recip', ours.certFile],
        payload,
      );
      const r = decryptEnvelope(pem, [{ privateKey: ours.key, certificate: ours.cert }]);
      expect(r.ok && r.content.equals(payload)).toBe(true);
    });

    it('key rollover: a message to the second certificate decrypts with two keys held', () => {
      const der = opensslEncrypt(['-aes256'], payload, next);
      const r = decryptEnvelope(der, [
        { privateKey: ours.key, certificate: ours.cert },
        { privateKey: next.key, certificate: next.cert },
      ]);
      expect(r.ok && r.content.equals(payload)).toBe(true);
      expect(r.ok && r.keyIndex).toBe(1);
    });

    it('no recipient names our certificate: every key is tried', () => {
      const der = opensslEncrypt(['-aes128'], payload, next);
      const r = decryptEnvelope(der, [
        { privateKey: ours.key, certificate: ours.cert },
        { privateKey: next.key, certificate: ours.cert },
      ]);
      expect(r.ok && r.content.equals(payload)).toBe(true);
    });
  });

  describe('we encrypt, openssl decrypts', () => {
    for (const [algorithm] of CIPHER_FLAGS.concat([['aes-192-cbc', '']])) {
      for (const [transport] of TRANSPORT_OPTS) {
        it(`${algorithm} with ${transport}`, () => {
          const der = encryptEnvelope(payload, { certificates: [ours.cert], algorithm, keyTransport: transport });
          const out = peer.run(
            ['cms', '-decrypt', '-binary', '-inform', 'DER', '-inkey', ours.keyFile, '-recip', ours.certFile],
            der,
          );
          expect(out.equals(payload)).toBe(true);
        });
      }
    }

    it('defaults to aes-256-cbc with PKCS#1 v1.5, to two recipients', () => {
      const der = encryptEnvelope(payload, { certificates: [ours.cert, next.cert] });
      const printed = peer.run(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString('utf8');
      expect(printed).toContain('aes-256-cbc');
      expect(printed).toContain('rsaEncryption');
      const out = peer.run(
        ['cms', '-decrypt', '-binary', '-inform', 'DER', '-inkey', next.keyFile, '-recip', next.certFile],
        der,
      );
      expect(out.equals(payload)).toBe(true);
      const back = decryptEnvelope(der, [{ privateKey: next.key, certificate: next.cert }]);
      expect(back.ok && back.content.equals(payload)).toBe(true);
    });
  });

  describe('private-key operations handed out (decryptEnvelopeAsync)', () => {
    const elsewhere = (seen: PrivateDecryptRequest[]) => (r: PrivateDecryptRequest) => {
      seen.push(r);
      const { data, ...options } = r;
      return Promise.resolve(privateDecrypt(options, data));
    };

    for (const [transport, keyopts] of TRANSPORT_OPTS) {
      it(`${transport}: the same result as in this thread`, async () => {
        const der = opensslEncrypt(['-aes-256-cbc'], payload, ours, keyopts);
        const seen: PrivateDecryptRequest[] = [];
        const r = await decryptEnvelopeAsync(der, [{ privateKey: ours.key, certificate: ours.cert }], elsewhere(seen));
        expect(r).toMatchObject({ ok: true, keyTransport: transport });
        expect(r.ok && r.content.equals(payload)).toBe(true);
        expect(seen).toHaveLength(1);
        expect(seen[0]!.padding).toBe(
          transport === 'rsa-pkcs1v15' ? constants.RSA_NO_PADDING : constants.RSA_PKCS1_OAEP_PADDING,
        );
      });
    }

    it('a refused or failed operation is decryption-failed, as a wrong key is', async () => {
      const der = encryptEnvelope(Buffer.alloc(64, 'A'), { certificates: [ours.cert] });
      const keys = [{ privateKey: ours.key, certificate: ours.cert }];
      for (const run of [() => Promise.resolve(undefined), () => Promise.reject(new Error('worker gone'))]) {
        const r = await decryptEnvelopeAsync(der, keys, run);
        // Implicit rejection: a substitute key, which (1 in 256) may happen to give valid padding, never the content.
        if (r.ok) expect(r.content.equals(Buffer.alloc(64, 'A'))).toBe(false);
        else expect(r.error.code).toBe('decryption-failed');
      }
      // Without a hook: in this thread.
      expect((await decryptEnvelopeAsync(der, keys)).ok).toBe(true);
    });
  });

  describe('failures', () => {
    it('a wrong key and corrupted content give the same decryption-failed', () => {
      // A block-aligned plaintext: dropping the padding block leaves a last block that ends in 'A', never valid padding.
      const aligned = Buffer.alloc(64, 'A');
      const der = encryptEnvelope(aligned, { certificates: [ours.cert] });
      const wrongKey = decryptEnvelope(der, [{ privateKey: stranger.key, certificate: ours.cert }]);
      const corrupted = decryptEnvelope(dropLastBlock(der), [{ privateKey: ours.key, certificate: ours.cert }]);
      expect(corrupted.ok).toBe(false);
      // Implicit rejection: the wrong key yields a random content key, and about 1 in 256 of those
      // happens to give valid CBC padding — garbage out, exactly as for a corrupted message.
      if (wrongKey.ok) {
        expect(wrongKey.content.equals(aligned)).toBe(false);
        return;
      }
      if (corrupted.ok) return;
      expect(wrongKey.error.code).toBe('decryption-failed');
      expect(corrupted.error.code).toBe('decryption-failed');
      expect(wrongKey.error.message).toBe(corrupted.error.message);
      expect(wrongKey.error.disposition).toEqual({ kind: 'error', description: 'decryption-failed' });
    });

    it('implicit rejection: a bad padding gives a substitute key, the same for the same ciphertext', () => {
      const key = createPrivateKey(ours.key);
      const publicKey = createPublicKey(ours.cert);
      const cek = randomBytes(32);
      const good = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, cek);
      expect(unwrapPkcs1(key, good, 32)).toEqual(cek);
      // A valid padding around a key of the wrong length, and a block that is no padding at all.
      const wrongLength = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(16));
      const noise = randomBytes(256);
      noise[0] = 0;
      for (const bad of [wrongLength, noise]) {
        const first = unwrapPkcs1(key, bad, 32);
        expect(first.length).toBe(32);
        expect(unwrapPkcs1(key, bad, 32)).toEqual(first);
        expect(unwrapPkcs1(createPrivateKey(stranger.key), bad, 32)).not.toEqual(first);
      }
      expect(unwrapPkcs1(key, wrongLength, 32)).not.toEqual(unwrapPkcs1(key, noise, 32));
    });

    it('a wrong key on OAEP and on GCM is decryption-failed', () => {
      for (const [algorithm, keyTransport] of [
        ['aes-256-gcm', 'rsa-oaep-sha256'],
        ['aes-128-cbc', 'rsa-oaep-sha1'],
      ] as const) {
        const der = encryptEnvelope(payload, { certificates: [ours.cert], algorithm, keyTransport });
        const r = decryptEnvelope(der, [{ privateKey: stranger.key, certificate: ours.cert }]);
        // GCM always fails; CBC with a random key passes its padding check about 1 time in 256 (garbage out).
        if (r.ok) expect(algorithm === 'aes-128-cbc' && !r.content.equals(payload)).toBe(true);
        else expect(r.error.code).toBe('decryption-failed');
      }
    });

    it('a flipped GCM tag is decryption-failed', () => {
      const der = encryptEnvelope(payload, { certificates: [ours.cert], algorithm: 'aes-128-gcm' });
      const bad = Buffer.from(der);
      bad[bad.length - 1]! ^= 1; // the mac is the last element
      const r = decryptEnvelope(bad, [{ privateKey: ours.key, certificate: ours.cert }]);
      expect(r.ok ? 'ok' : r.error.code).toBe('decryption-failed');
    });

    it('a message naming us in many recipients costs at most 16 RSA operations', () => {
      // GCM, so that a random content key never passes by chance (a CBC padding check would, 1 time in 256).
      const der = encryptEnvelope(payload, { certificates: [ours.cert], algorithm: 'aes-128-gcm' });
      const [type, explicit] = children(parseBer(der));
      const [version, recipientInfos, ...rest] = children(children(explicit!)[0]!);
      const real = children(recipientInfos!)[0]!;
      const [v, rid, alg, key] = children(real);
      const bogus = sequence(v!.raw, rid!.raw, alg!.raw, tlv(0x04, Buffer.alloc(key!.content.length, 7)));
      const build = (recipients: Buffer[]): Buffer =>
        sequence(
          type!.raw,
          context(0, true, sequence(version!.raw, tlv(0x31, ...recipients), ...rest.map((f) => f.raw))),
        );
      const keys = [{ privateKey: ours.key, certificate: ours.cert }];
      const started = performance.now();
      const last = decryptEnvelope(build([...Array<Buffer>(40).fill(bogus), real.raw]), keys);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(last.ok ? 'ok' : last.error.code).toBe('decryption-failed');
      const first = decryptEnvelope(build([real.raw, ...Array<Buffer>(40).fill(bogus)]), keys);
      expect(first.ok && first.content.equals(payload)).toBe(true);
    });

    it('garbage, empty and truncated input never throw', () => {
      const der = encryptEnvelope(payload, { certificates: [ours.cert] });
      const keys = [{ privateKey: ours.key, certificate: ours.cert }];
      for (const input of [Buffer.alloc(0), randomBytes(100), der.subarray(0, 40), der.subarray(0, der.length - 5)]) {
        const r = decryptEnvelope(input, keys);
        expect(r.ok ? 'ok' : r.error.code).toBe('decryption-failed');
      }
    });

    it('a broken key of ours is unexpected-processing-error, not the partner’s fault', () => {
      const der = encryptEnvelope(payload, { certificates: [ours.cert] });
      const r = decryptEnvelope(der, [{ privateKey: 'not a key', certificate: ours.cert }]);
      expect(r.ok ? 'ok' : r.error.code).toBe('unexpected-processing-error');
      const withGood = decryptEnvelope(der, [
        { privateKey: 'not a key', certificate: ours.cert },
        { privateKey: ours.key, certificate: ours.cert },
      ]);
      expect(withGood.ok && withGood.keyIndex).toBe(1);
    });

    it('reads a certificate file written by openssl', () => {
      expect(readFileSync(ours.certFile, 'utf8')).toBe(ours.cert);
    });
  });
});

/** Re-encodes a DER EnvelopedData with the last 16 bytes of the encrypted content removed. */
function dropLastBlock(der: Buffer): Buffer {
  const [type, explicit] = children(parseBer(der));
  const fields = children(children(explicit!)[0]!);
  const [contentType, cipher, encrypted] = children(fields[fields.length - 1]!);
  const eci = sequence(contentType!.raw, cipher!.raw, context(0, false, encrypted!.content.subarray(0, -16)));
  return sequence(type!.raw, context(0, true, sequence(...fields.slice(0, -1).map((f) => f.raw), eci)));
}
