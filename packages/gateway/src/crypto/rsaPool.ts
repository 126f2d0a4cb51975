import type { PrivateDecryptRequest } from '@edigate/as2';
import { WorkerCalls } from '../workerCalls.js';

/**
 * RSA private-key operations of decryption in worker threads, so the event
 * loop answers other requests while a message's key is unwrapped (about a
 * millisecond of CPU for RSA-2048, the largest single step of a small
 * message). Operations go to the worker with the fewest in flight. Only
 * OpenSSL's arithmetic runs there: the PKCS#1 padding check stays in
 * @edigate/as2, constant-time.
 */
export class RsaPool {
  private readonly workers: WorkerCalls[] = [];
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++)
      this.workers.push(new WorkerCalls(new URL('./rsaWorker.js', import.meta.url), 'RSA'));
  }

  /** The `privateDecrypt` hook of @edigate/as2's receiveMessage. */
  readonly privateDecrypt = async (r: PrivateDecryptRequest): Promise<Buffer | undefined> => {
    if (this.closed || this.workers.length === 0) throw new Error('RSA pool closed');
    let w = this.workers[0]!;
    for (const c of this.workers) if (c.pending < w.pending) w = c;
    // A KeyObject crosses threads as a handle on the same OpenSSL key (Node's KeyObject cloning), not as key material.
    const { result } = (await w.call({
      key: r.key,
      padding: r.padding,
      ...(r.oaepHash ? { oaepHash: r.oaepHash } : {}),
      ...(r.oaepLabel ? { oaepLabel: r.oaepLabel } : {}),
      data: r.data,
    })) as { result?: Uint8Array };
    return result ? Buffer.from(result.buffer, result.byteOffset, result.byteLength) : undefined;
  };

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
