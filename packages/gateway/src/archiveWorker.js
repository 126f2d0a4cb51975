// @ts-check
// The worker thread of archive.ts: the archive's hashing and file I/O (write,
// fdatasync, rename, directory fsync) run here, on an event loop that is never
// busy with cryptography or the ledger, so an entry becomes durable as fast as
// the disk allows whatever the main thread is doing. Plain JavaScript so that
// it starts under any loader (tsx, vitest, plain node).
import { createHash } from 'node:crypto';
import { renameSync, writevSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout } from 'node:timers';
import { parentPort } from 'node:worker_threads';

/**
 * @typedef {{ opened: Promise<import('node:fs/promises').FileHandle>, hash: import('node:crypto').Hash, size: number,
 *   pending: Uint8Array[], flushing: Promise<void> | undefined, failed: unknown }} Entry
 * @typedef {{ op: 'open', id: number, tmp: string }
 *   | { op: 'write', id: number, chunks: Uint8Array[] }
 *   | { op: 'commit', id: number, tmp: string, dir: string, fsync: boolean, whole?: Uint8Array[] }
 *   | { op: 'abort', id: number, tmp: string }} Request
 */

/** @type {Map<number, Entry>} entries being written, by the id archive.ts gave them */
const entries = new Map();

/** @param {string} tmp @returns {Entry} */
function open(tmp) {
  /** @type {Entry} */
  const e = {
    opened: fs.open(tmp, 'wx', 0o600),
    hash: createHash('sha256'),
    size: 0,
    pending: [],
    flushing: undefined,
    failed: undefined,
  };
  e.opened.catch((/** @type {unknown} */ err) => {
    e.failed ??= err;
  });
  return e;
}

/** @param {Entry} e @param {Uint8Array[]} chunks */
function write(e, chunks) {
  for (const c of chunks) {
    e.hash.update(c);
    e.size += c.length;
    e.pending.push(c);
  }
  e.flushing ??= drain(e);
}

/** Writes queued chunks, one writev at a time, until none are left. @param {Entry} e */
async function drain(e) {
  try {
    const fh = await e.opened;
    while (e.pending.length > 0 && !e.failed) {
      const batch = e.pending;
      e.pending = [];
      let total = 0;
      for (const b of batch) total += b.length;
      let written = 0;
      // Written here, synchronously: a write to the page cache takes tens of
      // microseconds, a hop through libuv's pool (shared with the main
      // thread's cryptography) up to milliseconds on a busy machine; this
      // thread has nothing else to do meanwhile. writev may write less than
      // asked (POSIX); go on from where it stopped.
      while (written < total) written += writevSync(fh.fd, rest(batch, written));
    }
  } catch (err) {
    e.failed ??= err;
  } finally {
    e.pending = [];
    e.flushing = undefined;
  }
}

/** @param {Uint8Array[]} batch @param {number} skip */
function rest(batch, skip) {
  if (skip === 0) return batch;
  const out = [];
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

/** @param {Entry} e */
async function settle(e) {
  await e.opened.catch(() => undefined);
  while (e.flushing) await e.flushing;
}

/**
 * Names the entry by its hash at once (a first answer), then makes it durable
 * under that name: fdatasync, rename, directory fsync.
 * @param {Extract<Request, { op: 'commit' }>} m @param {Entry} e
 */
async function commit(m, e) {
  const sha256 = e.hash.digest('hex');
  parentPort?.postMessage({ id: m.id, partial: true, sha256, size: e.size });
  await settle(e);
  if (e.failed) throw e.failed instanceof Error ? e.failed : new Error('archive write failed');
  const fh = await e.opened;
  // fdatasync: the file's data and size, which is all a later read needs (POSIX fdatasync).
  if (m.fsync) await fh.datasync();
  const dir = path.join(m.dir, sha256.slice(0, 2));
  const d = await directory(dir);
  // A rename is a metadata update in memory until the directory's fsync: synchronous, as the writes.
  renameSync(m.tmp, path.join(dir, sha256));
  // POSIX: the rename is durable only once the directory itself is synced.
  if (m.fsync) await d.sync();
  // Closing is not part of durability: it happens after the answer.
  fh.close().catch(() => undefined);
}

/** @type {Map<string, Promise<import('node:fs/promises').FileHandle>>} open handles of recent directories, for their fsync: opening one per entry costs two more steps */
const dirs = new Map();
const MAX_DIRS = 64;

/** The directory's handle, created (mkdir -p) when missing. @param {string} dir @returns {Promise<import('node:fs/promises').FileHandle>} */
function directory(dir) {
  let handle = dirs.get(dir);
  if (handle) {
    // Most recently used last.
    dirs.delete(dir);
    dirs.set(dir, handle);
    return handle;
  }
  handle = fs.mkdir(dir, { recursive: true }).then(() => fs.open(dir, 'r'));
  handle.catch(() => dirs.delete(dir));
  dirs.set(dir, handle);
  if (dirs.size > MAX_DIRS) {
    const oldest = /** @type {[string, Promise<import('node:fs/promises').FileHandle>]} */ (
      dirs.entries().next().value
    );
    dirs.delete(oldest[0]);
    // Closed once any sync in flight on it is done.
    setTimeout(() => void oldest[1].then((x) => x.close()).catch(() => undefined), 1_000);
  }
  return handle;
}

/** @param {string} tmp @param {Entry | undefined} e */
async function abort(tmp, e) {
  if (e) {
    await settle(e);
    await e.opened.then((fh) => fh.close()).catch(() => undefined); // already closed: ignored
  }
  await fs.rm(tmp, { force: true });
}

/** @param {unknown} err */
const describe = (err) =>
  err instanceof Error
    ? { message: err.message, code: /** @type {{ code?: string }} */ (err).code }
    : { message: String(err) };

parentPort?.on('message', (/** @type {Request} */ m) => {
  if (m.op === 'open') {
    entries.set(m.id, open(m.tmp));
    return;
  }
  // A commit with `whole`: the entry was never opened; its bytes come along.
  const e = m.op === 'commit' && m.whole ? open(m.tmp) : entries.get(m.id);
  if (e && m.op === 'commit' && m.whole) write(e, m.whole);
  if (m.op === 'write') {
    if (e) write(e, m.chunks);
    return;
  }
  entries.delete(m.id);
  // A commit for an entry this thread does not know (it was restarted meanwhile) fails: its bytes are gone.
  const work =
    m.op === 'abort'
      ? abort(m.tmp, e)
      : e
        ? commit(m, e)
        : Promise.reject(new Error('archive entry lost (I/O thread restarted)'));
  work.then(
    () => parentPort?.postMessage({ id: m.id, ok: true }),
    async (/** @type {unknown} */ err) => {
      // A failed commit leaves nothing behind: the temporary file goes.
      await abort(m.tmp, e).catch(() => undefined);
      parentPort?.postMessage({ id: m.id, ok: false, error: describe(err) });
    },
  );
});
