import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Archive } from './archive.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = (fsync = true) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-archive-'));
  dirs.push(dir);
  return new Archive({ dir, fsync });
};

describe('Archive', () => {
  it('stores a streamed entry under its SHA-256, whatever the pieces', async () => {
    const archive = fresh();
    const body = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const w = archive.begin('as2-request');
    // Many pieces, some queued while a write is in flight, some after a pause.
    let at = 0;
    for (let i = 0; at < body.length; i++) {
      const n = Math.min(body.length - at, 1 + ((i * 7919) % 70_000));
      w.write(body.subarray(at, at + n));
      at += n;
      if (i % 13 === 0) await new Promise((r) => setImmediate(r));
    }
    w.write(new Uint8Array(0));
    const entry = await w.finish();
    const sha = crypto.createHash('sha256').update(body).digest('hex');
    expect(entry).toEqual({ sha256: sha, size: body.length, location: archive.locate('as2-request', sha) });
    expect(readFileSync(entry.location).equals(body)).toBe(true);
    expect(readdirSync(path.join(archive.dir, 'tmp'))).toEqual([]);
  });

  it('seal() names the entry once hashed, and durable settles once it is there', async () => {
    const archive = fresh(false);
    const w = archive.begin('payload');
    w.write(Buffer.from('ISA*00*'));
    w.write(Buffer.from('~'));
    const sealed = w.seal();
    expect(() => w.write(Buffer.from('x'))).toThrow(/already finished/);
    const entry = await sealed.entry;
    expect(entry.size).toBe(8);
    await sealed.durable;
    expect(readFileSync(entry.location, 'latin1')).toBe('ISA*00*~');
  });

  it('the same bytes stored twice are one file', async () => {
    const archive = fresh();
    const a = await archive.put('mdn', Buffer.from('same'));
    const b = await archive.put('mdn', Buffer.from('sa'), Buffer.from('me'));
    expect(b.location).toBe(a.location);
    expect(readdirSync(path.dirname(a.location))).toHaveLength(1);
  });

  it('a small view of a large buffer is stored as the view', async () => {
    const archive = fresh(false);
    const big = Buffer.alloc(1_000_000, 'x');
    big.write('ISA', 500_000);
    const entry = await archive.put('payload', big.subarray(500_000, 500_003));
    expect(readFileSync(entry.location, 'latin1')).toBe('ISA');
  });

  it('a closed archive starts its I/O thread again when used', async () => {
    const archive = fresh();
    await archive.put('mdn', Buffer.from('one'));
    await archive.close();
    const again = await archive.put('mdn', Buffer.from('two'));
    expect(readFileSync(again.location, 'latin1')).toBe('two');
    await archive.close();
  });

  it('abort() removes the temporary file', async () => {
    const archive = fresh();
    const w = archive.begin('as2-request');
    w.write(crypto.randomBytes(100_000));
    await w.abort();
    expect(readdirSync(path.join(archive.dir, 'tmp'))).toEqual([]);
  });

  it('a write failure surfaces in finish() and leaves nothing behind', async () => {
    const archive = fresh();
    const w = archive.begin('as2-request');
    w.write(Buffer.from('first'));
    // The temporary directory vanishes under the writer: the rename must fail.
    rmSync(path.join(archive.dir, 'tmp'), { recursive: true, force: true });
    await expect(w.finish()).rejects.toThrow();
    const files = readdirSync(archive.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files).toEqual([]);
  });
});
