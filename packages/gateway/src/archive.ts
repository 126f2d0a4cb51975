import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Where an archived entry ended up. */
export interface ArchivedEntry {
  /** Lower-case hex SHA-256 of the stored bytes (the whole file). */
  sha256: string;
  /** Absolute path of the file. */
  location: string;
  size: number;
}

/** Options of {@link Archive}. */
export interface ArchiveOptions {
  dir: string;
  /**
   * fsync each file and its directory before an entry counts as stored
   * (default true). The MDN is only sent after that: ARCHITECTURE.md "nothing
   * received is lost".
   */
  fsync?: boolean;
}

/**
 * A content-addressed, append-only store on the local file system:
 * `<dir>/<kind>/<sha256[0..2]>/<sha256>`. Files are written under a temporary
 * name, fsynced, then renamed to their hash, so a crash never leaves a file
 * whose name lies about its content. The same bytes stored twice are one file.
 *
 * Hashing and file I/O run in a worker thread (archiveWorker.js): its event
 * loop is never busy with cryptography or the ledger, so the steps that make
 * an entry durable (write, fdatasync, rename, directory fsync) follow each
 * other as fast as the disk allows, and the main thread only hands bytes over.
 */
export class Archive {
  readonly dir: string;
  readonly fsync: boolean;
  private worker: Worker | undefined;
  private readonly waiting = new Map<
    number,
    { hashed?: (h: { sha256: string; size: number }) => void; resolve(): void; reject(err: Error): void }
  >();
  private nextId = 1;

  constructor(opts: ArchiveOptions) {
    this.dir = path.resolve(opts.dir);
    this.fsync = opts.fsync ?? true;
    mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
  }

  /** Starts a streamed entry: write chunks as they arrive, then `finish()`. */
  begin(kind: string): ArchiveWriter {
    return new ArchiveWriter(this, kind);
  }

  /** Stores bytes in one go. The bytes are copied: the caller may reuse its buffers. */
  async put(kind: string, ...parts: Uint8Array[]): Promise<ArchivedEntry> {
    const w = this.begin(kind);
    for (const p of parts) w.write(p);
    return w.finish();
  }

  /** Reads an entry back. */
  async read(location: string): Promise<Buffer> {
    return fs.readFile(location);
  }

  /** Where an entry of this kind and hash is stored. */
  locate(kind: string, sha256: string): string {
    return path.join(this.dir, kind, sha256.slice(0, 2), sha256);
  }

  /** Stops the I/O thread (an idle archive does not keep the process alive anyway). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  /** @internal Sends one request to the I/O thread. */
  post(message: object): void {
    this.io().postMessage(message);
  }

  /** @internal Sends a request that is answered (`hashed` first for a commit), and waits for the answer. */
  request(
    message: { id: number; op: 'commit' | 'abort'; tmp: string; dir?: string; fsync?: boolean },
    hashed?: (h: { sha256: string; size: number }) => void,
  ): Promise<void> {
    const w = this.io();
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(message.id, { ...(hashed ? { hashed } : {}), resolve, reject });
      // The process stays alive while an answer is due, and only then.
      if (this.waiting.size === 1) w.ref();
      w.postMessage(message);
    });
  }

  /** @internal */
  newId(): number {
    return this.nextId++;
  }

  /** @internal A fresh temporary file name. */
  tmpName(): string {
    return path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
  }

  private io(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./archiveWorker.js', import.meta.url));
    w.unref();
    w.on(
      'message',
      (m: {
        id: number;
        hashed?: { sha256: string; size: number };
        ok?: boolean;
        error?: { message: string; code?: string };
      }) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        if (m.hashed) {
          p.hashed?.(m.hashed);
          return;
        }
        this.waiting.delete(m.id);
        if (this.waiting.size === 0) w.unref();
        if (m.ok) p.resolve();
        else p.reject(Object.assign(new Error(m.error?.message ?? 'archive write failed'), { code: m.error?.code }));
      },
    );
    const failAll = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', failAll);
    w.on('exit', () => failAll(new Error('the archive I/O thread stopped')));
    this.worker = w;
    return w;
  }
}

/** Bytes held back before they go to the I/O thread together (fewer, larger messages). */
const POST_BATCH = 256 * 1024;

/** A streamed archive entry: chunks go, in order, to the I/O thread, which hashes and writes them. */
export class ArchiveWriter {
  private readonly tmp: string;
  private readonly id: number;
  private size = 0;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private done = false;

  constructor(
    private readonly archive: Archive,
    private readonly kind: string,
  ) {
    this.tmp = archive.tmpName();
    this.id = archive.newId();
    archive.post({ op: 'open', id: this.id, tmp: this.tmp });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.size;
  }

  /** Appends a chunk (queued; errors surface in `finish`). The bytes are copied: the caller may reuse its buffer. */
  write(chunk: Uint8Array): void {
    if (this.done) throw new Error('archive entry already finished');
    if (chunk.length === 0) return;
    this.size += chunk.length;
    // Posting copies: a small view of a large buffer would take the whole buffer along.
    this.held.push(chunk.byteLength * 2 < chunk.buffer.byteLength ? Uint8Array.prototype.slice.call(chunk) : chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= POST_BATCH) this.flush();
  }

  private flush(): void {
    if (this.held.length === 0) return;
    this.archive.post({ op: 'write', id: this.id, chunks: this.held });
    this.held = [];
    this.heldBytes = 0;
  }

  /** Waits for every write, fsyncs and renames the file to its hash. */
  async finish(): Promise<ArchivedEntry> {
    const { entry, durable } = this.seal();
    const named = await entry;
    await durable;
    return named;
  }

  /**
   * Ends the entry. `entry` resolves as soon as its hash is known (where it
   * will be); `durable` settles once the bytes are written, fsynced and
   * renamed there. Callers may work in the meantime but must not acknowledge
   * anything before `durable` resolves. Both reject when the entry cannot be stored.
   */
  seal(): { entry: Promise<ArchivedEntry>; durable: Promise<void> } {
    this.done = true;
    this.flush();
    let named!: (e: ArchivedEntry) => void;
    const entry = new Promise<ArchivedEntry>((resolve) => (named = resolve));
    const durable = this.archive.request(
      {
        op: 'commit',
        id: this.id,
        tmp: this.tmp,
        dir: path.join(this.archive.dir, this.kind),
        fsync: this.archive.fsync,
      },
      ({ sha256, size }) => named({ sha256, size, location: this.archive.locate(this.kind, sha256) }),
    );
    // A failure before the hash (the I/O thread gone) must reject `entry` too.
    return { entry: Promise.race([entry, durable.then(() => entry)]), durable };
  }

  /** Drops the entry (the temporary file is removed). */
  async abort(): Promise<void> {
    this.done = true;
    this.held = [];
    await this.archive.request({ op: 'abort', id: this.id, tmp: this.tmp });
  }
}
