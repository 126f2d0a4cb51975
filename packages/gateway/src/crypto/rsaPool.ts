import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { PrivateDecryptRequest } from '@edigate/as2';

interface Pending {
  resolve(result: Buffer | undefined): void;
  reject(err: Error): void;
}

/**
 * RSA private-key operations of decryption in worker threads, so the event
 * loop answers other requests while a message's key is unwrapped (about a
 * millisecond of CPU for RSA-2048, the largest single step of a small
 * message). Operations go to the worker with the fewest in flight. Only
 * OpenSSL's arithmetic runs there: the PKCS#1 padding check stays in
 * @edigate/as2, constant-time.
 */
export class RsaPool {
  private readonly workers: { worker: Worker; pending: Map<number, Pending>; keys: WeakSet<KeyObject> }[] = [];
  private readonly keyIds = new WeakMap<KeyObject, number>();
  private nextId = 1;
  private nextKeyId = 1;
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./rsaWorker.js', import.meta.url));
      const pending = new Map<number, Pending>();
      worker.on('message', (m: { id: number; result?: Uint8Array }) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (pending.size === 0) worker.unref();
        p?.resolve(m.result ? Buffer.from(m.result.buffer, m.result.byteOffset, m.result.byteLength) : undefined);
      });
      const failAll = (err: Error) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      };
      worker.on('error', failAll);
      worker.on('exit', () => failAll(new Error('RSA worker stopped')));
      // An idle worker must not keep the process alive.
      worker.unref();
      this.workers.push({ worker, pending, keys: new WeakSet() });
    }
  }

  /** The `privateDecrypt` hook of @edigate/as2's receiveMessage. */
  readonly privateDecrypt = (r: PrivateDecryptRequest): Promise<Buffer | undefined> => {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error('RSA pool closed'));
    let w = this.workers[0]!;
    for (const c of this.workers) if (c.pending.size < w.pending.size) w = c;
    let keyId = this.keyIds.get(r.key);
    if (keyId === undefined) this.keyIds.set(r.key, (keyId = this.nextKeyId++));
    const sendKey = !w.keys.has(r.key);
    if (sendKey) w.keys.add(r.key);
    const id = this.nextId++;
    const target = w;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      // The process stays alive while an answer is due, and only then.
      if (target.pending.size === 1) target.worker.ref();
      target.worker.postMessage({
        id,
        keyId,
        ...(sendKey ? { key: r.key } : {}),
        padding: r.padding,
        ...(r.oaepHash ? { oaepHash: r.oaepHash } : {}),
        ...(r.oaepLabel ? { oaepLabel: r.oaepLabel } : {}),
        data: r.data,
      });
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
