/**
 * `pnpm bench [area…] [--quick] [--runs N]`
 *
 * Runs `bench/<area>.ts` for each named area (default: each of edi, ledger,
 * as2, maps whose file exists). An area module exports
 * `default async function (args: string[]): Promise<string>` that returns a
 * markdown section; this prints the sections and writes them all to
 * `bench/out/latest.md`. Flags are passed to every area unchanged.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseBenchArgs } from './lib/args.js';

/** The areas run by default, in this order. */
const defaultAreas = ['edi', 'ledger', 'as2', 'maps'];

type AreaModule = { default: (args: string[]) => Promise<string> };

/** `abc1234` (+ "with uncommitted changes in packages/") when run from a git checkout; '' otherwise. */
function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head} with uncommitted changes in packages/` : head;
  } catch {
    return '';
  }
}

function areaFile(area: string): string {
  return fileURLToPath(new URL(`./${area}.ts`, import.meta.url));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const parsed = parseBenchArgs(argv);
  const named = parsed.rest.filter((a) => !a.startsWith('-'));
  const areaArgs = argv.filter((a) => !named.includes(a));
  const areas = named.length > 0 ? named : defaultAreas.filter((a) => existsSync(areaFile(a)));
  for (const area of areas) {
    if (!/^[a-z][a-z0-9-]*$/.test(area) || !existsSync(areaFile(area))) {
      console.error(`no benchmark area "${area}" (expected bench/${area}.ts)`);
      return 2;
    }
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    `# edigate benchmarks`,
    '',
    `${new Date().toISOString()} · ${gitRevision() || 'no git'} · Node ${process.version} · ${cpu} × ${cpus().length} · ${Math.round(totalmem() / 2 ** 30)} GiB RAM · ` +
      `\`pnpm bench ${argv.join(' ')}\`${parsed.quick ? ' (quick)' : ''} · median of ${parsed.runs} run(s)`,
    '',
  ].join('\n');
  console.log(header);
  const sections: string[] = [header];
  let failed = false;
  for (const area of areas) {
    const started = performance.now();
    let section: string;
    try {
      const mod = (await import(pathToFileURL(areaFile(area)).href)) as AreaModule;
      section = await mod.default(areaArgs);
    } catch (err) {
      failed = true;
      section = `## ${area}\n\nfailed: ${err instanceof Error ? err.message : String(err)}\n`;
      console.error(err);
    }
    section = `${section.trimEnd()}\n\n_${area}: ${((performance.now() - started) / 1000).toFixed(1)} s_\n`;
    console.log(section);
    sections.push(section);
  }
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}latest.md`, sections.join('\n'));
  console.log(`written to bench/out/latest.md`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
