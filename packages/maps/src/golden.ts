/**
 * Golden tests of maps: `maps/<partner>/tests/<case>.edi` beside
 * `<case>.expected.json`. The runner is given the files as data and a parse
 * function; it translates, compares the whole output with the expected JSON
 * and renders a readable line diff on a mismatch. The CLI and the vitest
 * file do the reading.
 */
import type { ParseResult } from '@edigate/edi';
import { formatIssue } from './issues.js';
import { partnerOf, type MapRepository, type PartnerIds } from './repository.js';
import { translateAll, type SetTranslation } from './translate.js';

/** One golden case as data. */
export interface GoldenCase {
  /** `p_003/tests/po-basic` */
  name: string;
  /** The EDI bytes (or text). */
  input: Uint8Array | string;
  /** The expected JSON text; undefined when the file does not exist yet. */
  expected?: string;
}

/** The outcome of one case. */
export interface GoldenResult {
  name: string;
  pass: boolean;
  /** The actual output, as it would be written to `<case>.expected.json`. */
  actual: string;
  /** A unified-style line diff, expected → actual (empty on pass). */
  diff: string;
}

/** Options of {@link runGoldenCase}. */
export interface GoldenOptions {
  repository: MapRepository;
  partners: readonly PartnerIds[];
  parse: (input: Uint8Array | string) => ParseResult;
}

/**
 * What a golden file holds for one set: the set, the map used, and the
 * document or the issues (in their readable form, so an expected failure
 * is a golden case too).
 */
export function goldenView(results: readonly SetTranslation[]): unknown[] {
  return results.map((r) => ({
    set: `${r.setId} ${r.controlNumber}`,
    ...(r.map ? { map: r.map } : {}),
    ...(r.document ? { document: r.document } : {}),
    ...(r.issues.length ? { issues: r.issues.map(formatIssue) } : {}),
  }));
}

/** Translates a case's input and compares the result with its expected JSON. */
export async function runGoldenCase(c: GoldenCase, opts: GoldenOptions): Promise<GoldenResult> {
  const parsed = opts.parse(c.input);
  const results = await translateAll(parsed, {
    partnerOf: (ic) => partnerOf(ic, opts.partners),
    selectMap: opts.repository.selector,
  });
  const actual = `${JSON.stringify(goldenView(results), null, 2)}\n`;
  if (c.expected === undefined)
    return {
      name: c.name,
      pass: false,
      actual,
      diff: `no ${c.name}.expected.json yet; review the output and save it with \`edigate maps test --update\``,
    };
  const normalized = `${JSON.stringify(JSON.parse(c.expected), null, 2)}\n`;
  const pass = normalized === actual;
  return { name: c.name, pass, actual, diff: pass ? '' : lineDiff(normalized, actual) };
}

/**
 * A line diff (longest common subsequence) with three lines of context,
 * `-` expected, `+` actual. Hand-written: golden files are a few hundred
 * lines and this is all the diffing the runner needs.
 */
export function lineDiff(expected: string, actual: string, context = 3): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { op: ' ' | '-' | '+'; line: string; at: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: ' ', line: a[i++]!, at: j++ });
    else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ op: '+', line: b[j]!, at: j++ });
    else ops.push({ op: '-', line: a[i++]!, at: j });
  }
  const keep = ops.map(() => false);
  ops.forEach((o, k) => {
    if (o.op !== ' ')
      for (let x = Math.max(0, k - context); x <= Math.min(ops.length - 1, k + context); x++) keep[x] = true;
  });
  const out: string[] = [];
  ops.forEach((o, k) => {
    if (!keep[k]) return;
    if (k === 0 || !keep[k - 1]) out.push(`@@ output line ${o.at + 1} @@`);
    out.push(`${o.op} ${o.line}`);
  });
  return out.join('\n');
}
