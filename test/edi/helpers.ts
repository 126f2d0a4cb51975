import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A fixture of ours (test/edi/fixtures/<standard>/<name>). */
export function fixture(path: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url)));
}

/** The fixture as text with `from` replaced by `to` (exactly once). */
export function mutate(path: string, from: string | RegExp, to: string): string {
  const text = fixture(path).toString('latin1');
  const out = text.replace(from, to);
  if (out === text) throw new Error(`mutation ${String(from)} did not apply to ${path}`);
  return out;
}

/** Bytes of a latin1 string (fixtures are 7-bit or latin1). */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Splits bytes into chunks at the given cut points. */
export function chunksAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    if (p > prev) out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** An async iterable over chunks. */
export async function* asStream(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield await Promise.resolve(c);
}
