// @ts-check
// The worker thread of rsaPool.ts: runs RSA private-key operations
// (crypto.privateDecrypt) off the gateway's event loop. Plain JavaScript so
// that it starts under any loader (tsx, vitest, plain node).
import { privateDecrypt } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * @typedef {object} Request
 * @property {number} id
 * @property {number} keyId
 * @property {import('node:crypto').KeyObject} [key] sent once per key and worker
 * @property {number} padding
 * @property {string} [oaepHash]
 * @property {Buffer} [oaepLabel]
 * @property {Uint8Array} data
 */

/** @type {Map<number, import('node:crypto').KeyObject>} keys by the id rsaPool.ts gave them */
const keys = new Map();

parentPort?.on('message', (/** @type {Request} */ m) => {
  if (m.key) keys.set(m.keyId, m.key);
  /** @type {Buffer | undefined} */
  let result;
  try {
    const key = keys.get(m.keyId);
    result = key
      ? privateDecrypt({ key, padding: m.padding, oaepHash: m.oaepHash, oaepLabel: m.oaepLabel }, m.data)
      : undefined;
  } catch {
    result = undefined; // the caller treats a refusal like a bad padding (implicit rejection)
  }
  parentPort?.postMessage({ id: m.id, result });
});
