/**
 * Seeded benchmark inputs, generated as a stream into a cache folder
 * (`bench/out/data/`, git-ignored) and reused while the generator version,
 * seed and size stay the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from './rng.js';

/** Where generated inputs are cached. */
export const dataDir = fileURLToPath(new URL('../out/data/', import.meta.url));

/** Produces the next unit (e.g. one interchange) of a data file; `index` counts from 0. */
export type UnitGenerator = (rng: Rng, index: number) => string;

/** Options of {@link ensureDataFile}. */
export interface DataFileOptions {
  /** File name inside {@link dataDir}; include kind, size, seed and generator version. */
  name: string;
  /** Stop after the first unit that reaches this many bytes (the file ends on a whole unit). */
  targetBytes: number;
  seed: number;
  generate: UnitGenerator;
  /** Encoding of the units; default latin1 (one byte per char, so lengths are byte counts). */
  encoding?: BufferEncoding;
}

const chunkBytes = 4 * 1024 * 1024;

/**
 * Writes `targetBytes` of generated units to `dataDir/name` unless a complete
 * copy is cached (a `.done` marker is written last, so an interrupted run
 * regenerates). Never holds more than one ~4 MB chunk in memory.
 * Returns the path.
 */
export async function ensureDataFile(options: DataFileOptions): Promise<string> {
  const path = join(dataDir, options.name);
  const marker = `${path}.done`;
  if (existsSync(path) && existsSync(marker) && readFileSync(marker, 'utf8') === String(statSync(path).size))
    return path;
  mkdirSync(dataDir, { recursive: true });
  const partial = `${path}.partial`;
  const encoding = options.encoding ?? 'latin1';
  const rng = new Rng(options.seed);
  const handle = await open(partial, 'w');
  let written = 0;
  try {
    let pending: string[] = [];
    let pendingBytes = 0;
    for (let index = 0; written + pendingBytes < options.targetBytes; index++) {
      const unit = options.generate(rng, index);
      pending.push(unit);
      pendingBytes += Buffer.byteLength(unit, encoding);
      if (pendingBytes >= chunkBytes) {
        await handle.write(Buffer.from(pending.join(''), encoding));
        written += pendingBytes;
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0) await handle.write(Buffer.from(pending.join(''), encoding));
    written += pendingBytes;
  } finally {
    await handle.close();
  }
  await rm(marker, { force: true });
  await rename(partial, path);
  await writeFile(marker, String(written));
  return path;
}

/** Generates units in memory until `targetBytes` (for tests and small inputs). */
export function generateString(options: Omit<DataFileOptions, 'name'>): string {
  const rng = new Rng(options.seed);
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < options.targetBytes; index++) {
    const unit = options.generate(rng, index);
    parts.push(unit);
    length += Buffer.byteLength(unit, options.encoding ?? 'latin1');
  }
  return parts.join('');
}

/** SHA-256 hex of a string or bytes (determinism checks). */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
