import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkerCalls } from './workerCalls.js';

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
  /** @internal The I/O thread. */
  readonly io = new WorkerCalls(new URL('./archiveWorker.js', import.meta.url), 'archive I/O');

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
  close(): Promise<void> {
    return this.io.terminate();
  }

  /** @internal A fresh temporary file name. */
  tmpName(): string {
    return path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
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
    this.id = archive.io.newId();
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

  /** The temporary file is opened with the first bytes sent; an entry sealed before that goes in one message. */
  private opened = false;

  private flush(): void {
    if (this.held.length === 0) return;
    if (!this.opened) this.archive.io.post({ op: 'open', id: this.id, tmp: this.tmp });
    this.opened = true;
    this.archive.io.post({ op: 'write', id: this.id, chunks: this.held });
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
    // Small entries (most MDNs and payloads) travel as one message: open, write and commit.
    const whole = this.opened ? undefined : this.held;
    if (whole) this.held = [];
    else this.flush();
    let named!: (e: ArchivedEntry) => void;
    const entry = new Promise<ArchivedEntry>((resolve) => (named = resolve));
    const { archive, kind } = this;
    const durable = archive.io
      .call(
        {
          op: 'commit',
          id: this.id,
          tmp: this.tmp,
          dir: path.join(archive.dir, kind),
          fsync: archive.fsync,
          ...(whole ? { whole } : {}),
        },
        (a) => {
          const sha256 = a.sha256 as string;
          named({ sha256, size: a.size as number, location: archive.locate(kind, sha256) });
        },
      )
      .then(() => undefined);
    // A failure before the hash (the I/O thread gone) must reject `entry` too.
    return { entry: Promise.race([entry, durable.then(() => entry)]), durable };
  }

  /** Drops the entry (the temporary file is removed). */
  async abort(): Promise<void> {
    this.done = true;
    this.held = [];
    if (this.opened) await this.archive.io.call({ op: 'abort', id: this.id, tmp: this.tmp });
  }
}
