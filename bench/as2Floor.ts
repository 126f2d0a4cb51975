/**
 * The floor of the AS2 benchmark, measured in its own process: the same
 * cryptography as one receive with Node's primitives only (RSA key unwrap,
 * AES-256-CBC decrypt, SHA-256 twice, RSA verify, RSA sign of the MDN).
 *
 * Its own process because at 1 MB the primitives' output goes to memory the
 * allocator hands out, and the first touch of fresh pages costs about 3 ms
 * per MB on this VM: in the benchmark's main process, whose heap holds the
 * messages of every burst, the median of the floor came out 2.2 ms in one
 * run and 7.8 ms in the next, warm-ups or not. Here nothing else allocates.
 *
 * Receives `{ bytes, samples, warmUps, us, them }` (key pairs as PEM) over
 * IPC, replies `{ floorMs }` (median) and exits.
 */
import crypto from 'node:crypto';
import { median } from './lib/stats.js';

interface FloorArgs {
  encryptedKey: Buffer;
  ourKey: crypto.KeyObject;
  iv: Buffer;
  cek: Buffer;
  ciphertext: Buffer;
  signedAttrs: Buffer;
  signature: Buffer;
  partnerPublic: crypto.KeyObject;
}

/** One receive's cryptography, timed. */
function floorOnce(o: FloorArgs): number {
  const t = performance.now();
  crypto.privateDecrypt({ key: o.ourKey, padding: crypto.constants.RSA_NO_PADDING }, o.encryptedKey);
  const d = crypto.createDecipheriv('aes-256-cbc', o.cek, o.iv);
  const plain = Buffer.concat([d.update(o.ciphertext), d.final()]);
  crypto.createHash('sha256').update(plain).digest(); // messageDigest check
  crypto.createHash('sha256').update(plain).digest(); // MIC
  crypto.verify('sha256', o.signedAttrs, o.partnerPublic, o.signature);
  crypto.sign('sha256', Buffer.alloc(600, 1), o.ourKey); // the MDN signature
  return performance.now() - t;
}

type Pem = { privateKey: string; certificate: string };

function measure(m: { bytes: number; samples: number; warmUps: number; us: Pem; them: Pem }): number {
  const payload = crypto.randomBytes(m.bytes);
  const cek = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const c = crypto.createCipheriv('aes-256-cbc', cek, iv);
  const ciphertext = Buffer.concat([c.update(payload), c.final()]);
  const ourKey = crypto.createPrivateKey(m.us.privateKey);
  const encryptedKey = crypto.publicEncrypt(
    { key: m.us.certificate, padding: crypto.constants.RSA_PKCS1_PADDING },
    cek,
  );
  const signedAttrs = crypto.randomBytes(120);
  const signature = crypto.sign('sha256', signedAttrs, crypto.createPrivateKey(m.them.privateKey));
  const partnerPublic = crypto.createPublicKey(m.them.certificate);
  const args = { encryptedKey, ourKey, iv, cek, ciphertext, signedAttrs, signature, partnerPublic };
  for (let i = 0; i < m.warmUps; i++) floorOnce(args);
  return median(Array.from({ length: m.samples }, () => floorOnce(args)));
}

process.once('message', (m: { bytes: number; samples: number; warmUps: number; us: Pem; them: Pem }) => {
  process.send?.({ floorMs: measure(m) }, () => process.exit(0));
});
