/**
 * `pnpm exec vitest bench packages/as2/src/cms` — our CMS receive steps
 * against the raw Node crypto primitives they are built on (the floor):
 * decrypt = RSA private op without padding + AES-256-CBC over the content;
 * verify = SHA-256 over the content + one RSA-2048 signature check.
 */
import {
  X509Certificate,
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  privateDecrypt,
  randomBytes,
  verify,
} from 'node:crypto';
import { afterAll, bench, describe } from 'vitest';
import { children, octets, parseBer } from './asn1.js';
import { decryptEnvelope, encryptEnvelope, signDetached, verifyDetached } from './index.js';
import { OpensslPeer } from './opensslPeer.js';

const peer = new OpensslPeer();
const us = peer.identity('us');
const partner = peer.identity('partner');
const keys = [{ privateKey: us.key, certificate: us.cert }];
const ourKey = createPrivateKey(us.key);
const partnerKey = new X509Certificate(partner.cert).publicKey;

afterAll(() => peer.dispose());

// A long warm-up: the first MB-sized allocations fault in fresh pages, which would favour whichever case runs second.
const options = { warmupTime: 1000, time: 1500 };

for (const [label, size] of [
  ['10 KB', 10 * 1024],
  ['1 MB', 1 << 20],
] as const) {
  const payload = randomBytes(size);
  const envelope = encryptEnvelope(payload, { certificates: [us.cert] });
  const signature = signDetached(payload, { privateKey: partner.key, certificate: partner.cert });
  // The pieces of our own envelope, for the floor.
  const fields = children(children(children(parseBer(envelope))[1]!)[0]!);
  const encryptedKey = octets(children(children(fields[1]!)[0]!)[3]!);
  const eci = children(fields[2]!);
  const iv = children(eci[1]!)[1]!.content;
  const encrypted = octets(eci[2]!);
  const cek = randomBytes(32);
  // The last 256 bytes of the SignerInfo are the signature; a stand-in for the floor's RSA verify.
  const rawSignature = signature.subarray(signature.length - 256);

  describe(`decrypt ${label}`, () => {
    bench(
      'floor: privateDecrypt(NO_PADDING) + aes-256-cbc',
      () => {
        privateDecrypt({ key: ourKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
        createDecipheriv('aes-256-cbc', cek, iv).setAutoPadding(false).update(encrypted);
      },
      options,
    );
    bench(
      'decryptEnvelope',
      () => {
        if (!decryptEnvelope(envelope, keys).ok) throw new Error('decrypt failed');
      },
      options,
    );
  });

  describe(`verify ${label}`, () => {
    bench(
      'floor: sha256(content) + RSA verify',
      () => {
        createHash('sha256').update(payload).digest();
        verify('sha256', rawSignature, partnerKey, rawSignature);
      },
      options,
    );
    bench(
      'verifyDetached',
      () => {
        if (!verifyDetached(signature, payload, { certificates: [partner.cert] }).ok) throw new Error('verify failed');
      },
      options,
    );
  });
}
