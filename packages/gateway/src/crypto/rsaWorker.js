// @ts-check
// The worker thread of rsaPool.ts: runs RSA private-key operations
// (crypto.privateDecrypt) off the gateway's event loop. Plain JavaScript so
// that it starts under any loader (tsx, vitest, plain node).
import { privateDecrypt } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * @typedef {object} Request
 * @property {number} id
 * @property {import('node:crypto').KeyObject} key
 * @property {number} padding
 * @property {string} [oaepHash]
 * @property {Buffer} [oaepLabel]
 * @property {Uint8Array} data
 */

parentPort?.on('message', (/** @type {Request} */ m) => {
  /** @type {Buffer | undefined} */
  let result;
  try {
    result = privateDecrypt({ key: m.key, padding: m.padding, oaepHash: m.oaepHash, oaepLabel: m.oaepLabel }, m.data);
  } catch {
    result = undefined; // the caller treats a refusal like a bad padding (implicit rejection)
  }
  parentPort?.postMessage({ id: m.id, ok: true, result });
});
