/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and sums self time
 * per function, for the "where does the time go" part of a benchmark report.
 *
 * `node --import tsx bench/lib/profile.ts <file.cpuprofile> [top]` prints the table.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './markdown.js';
import { fmt } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function (all its profile nodes summed). */
export interface FunctionTime {
  name: string;
  /** `file:line` (1-based), or '' for V8 / native entries. */
  location: string;
  selfMs: number;
  /** Share of all sampled time, 0–100. */
  percent: number;
}

/** Self time per function, highest first. */
export function summariseCpuProfile(path: string, top = 15): FunctionTime[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url ? `${basename(url.replace(/\?.*$/, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName}@${location}`;
    const entry = selfUs.get(key) ?? { name: functionName || '(anonymous)', location, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.us / 1000,
      percent: total > 0 ? (e.us / total) * 100 : 0,
    }));
}

/** The summary as a markdown table. */
export function cpuProfileTable(path: string, top = 15): string {
  return table(
    ['Function', 'Where', 'Self ms', 'Self %'],
    summariseCpuProfile(path, top).map((f) => [`\`${f.name}\``, f.location, fmt(f.selfMs), `${fmt(f.percent, 2)} %`]),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/lib/profile.ts <file.cpuprofile> [top]');
    process.exitCode = 2;
  } else console.log(cpuProfileTable(file, top ? Number(top) : 15));
}
