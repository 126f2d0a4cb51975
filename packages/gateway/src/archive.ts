import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

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
 */
export class Archive {
  readonly dir: string;
  readonly fsync: boolean;

  constructor(opts: ArchiveOptions) {
    this.dir = path.resolve(opts.dir);
    this.fsync = opts.fsync ?? true;
    mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
  }

  /** Starts a streamed entry: write chunks as they arrive, then `finish()`. */
  begin(kind: string): ArchiveWriter {
    return new ArchiveWriter(this, kind);
  }

  /** Stores bytes in one go. */
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

  /** @internal */
  async commit(tmp: string, kind: string, sha256: string, fh: fs.FileHandle): Promise<string> {
    // fdatasync: the file's data and size, which is all a later read needs (POSIX fdatasync).
    if (this.fsync) await fh.datasync();
    await fh.close();
    const final = this.locate(kind, sha256);
    const dir = path.dirname(final);
    await fs.mkdir(dir, { recursive: true });
    await fs.rename(tmp, final);
    if (this.fsync) {
      // POSIX: the rename is durable only once the directory itself is synced.
      const d = await fs.open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    }
    return final;
  }
}

/**
 * A streamed archive entry; chunks are hashed as they come and written in
 * order. At most one write is in flight: chunks that arrive meanwhile are
 * queued and go out together in the next `writev`, so a body that arrives in
 * many small pieces costs a few system calls, and no write waits for the
 * event loop between two pieces while it is busy with cryptography.
 */
export class ArchiveWriter {
  private readonly hash = crypto.createHash('sha256');
  private readonly tmp: string;
  private readonly opened: Promise<fs.FileHandle>;
  private pending: Uint8Array[] = [];
  /** Settles when the queue is empty (the write loop has stopped); undefined when no loop runs. */
  private flushing: Promise<void> | undefined;
  private size = 0;
  private failed: unknown;
  private done = false;

  constructor(
    private readonly archive: Archive,
    private readonly kind: string,
  ) {
    this.tmp = path.join(archive.dir, 'tmp', `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    this.opened = fs.open(this.tmp, 'wx', 0o600);
    this.opened.catch((err: unknown) => {
      this.failed ??= err;
    });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.size;
  }

  /** Appends a chunk (queued; errors surface in `finish`). */
  write(chunk: Uint8Array): void {
    if (this.done) throw new Error('archive entry already finished');
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.flushing ??= this.drain();
  }

  /** Writes queued chunks until none are left. */
  private async drain(): Promise<void> {
    try {
      const fh = await this.opened;
      while (this.pending.length > 0 && !this.failed) {
        const batch = this.pending;
        this.pending = [];
        let total = 0;
        for (const b of batch) total += b.length;
        let written = 0;
        // writev may write less than asked (POSIX); go on from where it stopped.
        while (written < total) {
          const { bytesWritten } = await fh.writev(remaining(batch, written));
          written += bytesWritten;
        }
      }
    } catch (err) {
      this.failed ??= err;
    } finally {
      this.pending = [];
      this.flushing = undefined;
    }
  }

  /** Waits for every write, fsyncs and renames the file to its hash. */
  async finish(): Promise<ArchivedEntry> {
    const { entry, durable } = this.seal();
    await durable;
    return entry;
  }

  /**
   * Ends the entry and returns where it will be at once (its hash is known
   * from the chunks already written); `durable` settles once the bytes are
   * written, fsynced and renamed there. Callers may work in the meantime but
   * must not acknowledge anything before `durable` resolves.
   */
  seal(): { entry: ArchivedEntry; durable: Promise<void> } {
    this.done = true;
    const sha256 = this.hash.digest('hex');
    const entry = { sha256, location: this.archive.locate(this.kind, sha256), size: this.size };
    const durable = (async () => {
      await this.opened.catch(() => undefined);
      while (this.flushing) await this.flushing;
      if (this.failed) {
        await this.abort();
        throw this.failed instanceof Error ? this.failed : new Error('archive write failed', { cause: this.failed });
      }
      await this.archive.commit(this.tmp, this.kind, sha256, await this.opened);
    })();
    return { entry, durable };
  }

  /** Drops the entry (the temporary file is removed). */
  async abort(): Promise<void> {
    this.done = true;
    await this.opened.catch(() => undefined);
    while (this.flushing) await this.flushing;
    try {
      const fh = await this.opened;
      await fh.close().catch(() => undefined);
    } catch {
      /* never opened */
    }
    await fs.rm(this.tmp, { force: true });
  }
}

/** The buffers of `batch` after its first `skip` bytes. */
function remaining(batch: Uint8Array[], skip: number): Uint8Array[] {
  if (skip === 0) return batch;
  const out: Uint8Array[] = [];
  for (const b of batch) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
