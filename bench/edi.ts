/**
 * EDI syntax benchmark (issue #2 item 5): throughput and peak RSS of our
 * tokenizer + envelope validation, of full guide validation, of node-x12,
 * and of a plain indexOf split (the floor), on seeded X12 850 / 856 and
 * EDIFACT ORDERS files of 1, 10 and 100 MB; plus a 1 GB file streamed
 * through `streamInterchanges`. `--quick`: 1 and 10 MB, 100 MB stream.
 * `--profile`: also CPU-profile our cases on the largest size and print the
 * functions with the most self time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { edifactOrders } from './generate/edifact.js';
import { x12_850, x12_856 } from './generate/x12.js';
import { parseBenchArgs } from './lib/args.js';
import { describeStatus, runCase, type CaseResult, type RunCaseOptions } from './lib/child.js';
import { ensureDataFile, type UnitGenerator } from './lib/data.js';
import { table } from './lib/markdown.js';
import { cpuProfileTable } from './lib/profile.js';
import { MB, fmt, fmtRatio, fmtRssKiB, fmtSize } from './lib/stats.js';
import { ediFeatures } from './ediCases.js';

/** Bump when a generator's output changes, so cached files are regenerated. */
const generatorVersion = 2;
const seed = 2026;

interface Kind {
  id: string;
  label: string;
  x12: boolean;
  generate: UnitGenerator;
}

const kinds: Kind[] = [
  { id: 'x12-850', label: 'X12 850 (4010)', x12: true, generate: x12_850 },
  { id: 'x12-856', label: 'X12 856 (5010)', x12: true, generate: x12_856 },
  { id: 'edifact-orders', label: 'EDIFACT ORDERS (D96A)', x12: false, generate: edifactOrders },
];

const casesModule = fileURLToPath(new URL('./ediCases.ts', import.meta.url));

/** Generates (or reuses) the data file of one kind and size. */
export function dataFile(kind: Kind, bytes: number): Promise<string> {
  return ensureDataFile({
    name: `${kind.id}-${fmtSize(bytes).replace(' ', '')}-s${seed}-v${generatorVersion}.edi`,
    targetBytes: bytes,
    seed,
    generate: kind.generate,
  });
}

function mbps(result: CaseResult | undefined): number | undefined {
  return result && result.runsMs.length > 0 ? result.mbPerSec : undefined;
}

function speedCell(result: CaseResult | undefined): string {
  if (!result) return 'not run';
  const status = describeStatus(result);
  if (result.runsMs.length === 0) return status;
  return status ? `${fmt(result.mbPerSec)} (${status})` : fmt(result.mbPerSec);
}

function mark(pass: boolean | undefined, measured: string): string {
  return pass === undefined ? `⚠️ ${measured}` : `${pass ? '✅' : '❌'} ${measured}`;
}

/** A target row: the ratio of two cases' MB/s by wall clock and by CPU time, each marked pass/fail against `min`. */
function targetRow(
  where: string,
  measure: string,
  min: number,
  ours: CaseResult | undefined,
  base: CaseResult | undefined,
): string[] {
  const cell = (a: number | undefined, b: number | undefined): string =>
    mark(a === undefined || b === undefined || !(b > 0) ? undefined : a / b >= min, fmtRatio(a, b));
  const cpu = (r: CaseResult | undefined): number | undefined =>
    r && r.runsCpuMs.length > 0 ? r.cpuMbPerSec : undefined;
  return [where, measure, `≥ ${min}×`, cell(mbps(ours), mbps(base)), cell(cpu(ours), cpu(base))];
}

/** The EDI benchmark section. */
export default async function ediBench(args: string[]): Promise<string> {
  const { quick, runs, rest } = parseBenchArgs(args);
  const profile = rest.includes('--profile');
  const sizes = quick ? [1 * MB, 10 * MB] : [1 * MB, 10 * MB, 100 * MB];
  const streamBytes = quick ? 100 * MB : 1000 * MB;
  const largest = sizes[sizes.length - 1]!;
  const features = await ediFeatures();
  const log = (line: string): void => console.error(`[edi] ${line}`);

  const run = async (
    label: string,
    options: Omit<RunCaseOptions, 'module' | 'runs'> & { runs?: number },
  ): Promise<CaseResult> => {
    log(`${label} …`);
    const result = await runCase({ module: casesModule, runs, ...options });
    log(
      `${label}: ${speedCell(result)} MB/s, peak RSS ${fmtRssKiB(result.maxRssKiB)}${result.error ? ` — ${result.error.split('\n')[0]}` : ''}`,
    );
    return result;
  };

  const rows: string[][] = [];
  const targets: string[][] = [];
  const results = new Map<string, { nodeX12: CaseResult | undefined }>();
  for (const kind of kinds) {
    for (const size of sizes) {
      log(`generating ${kind.id} ${fmtSize(size)} …`);
      const path = await dataFile(kind, size);
      const params = { path };
      const big = size >= 100 * MB;
      const warmup = big ? 0 : 1;
      const tag = `${kind.id} ${fmtSize(size)}`;
      const floor = await run(`${tag} floor`, { export: 'floor', params, warmup });
      const floorSlice = await run(`${tag} floor (slice)`, { export: 'floorSlice', params, warmup });
      const floorRetained = await run(`${tag} floor (retained)`, { export: 'floorRetained', params, warmup });
      // node-x12 builds an object per element and may not finish 100 MB: capped in time and heap, fewer runs.
      const nodeX12 = kind.x12
        ? await run(`${tag} node-x12`, {
            export: 'nodeX12',
            params,
            warmup,
            runs: big ? Math.min(runs, 3) : runs,
            timeoutMs: big ? 300_000 : 120_000,
            maxOldSpaceMb: 4096,
          })
        : undefined;
      const ours = features.parseEdi ? await run(`${tag} parseEdi`, { export: 'ours', params, warmup }) : undefined;
      const elements = features.parseEdi
        ? await run(`${tag} parseEdi+elements`, { export: 'oursElements', params, warmup })
        : undefined;
      const guides = features.validateGuides
        ? await run(`${tag} parseEdi+validateGuides`, { export: 'oursGuides', params, warmup })
        : undefined;
      const line = (name: string, r: CaseResult | undefined, ratios: boolean): string[] => [
        kind.label,
        fmtSize(size),
        name,
        speedCell(r),
        r && r.runsMs.length > 0 ? fmt(r.cpuMbPerSec) : '',
        r ? fmtRssKiB(r.maxRssKiB) : 'n/a',
        r ? String(r.runsMs.length) : '0',
        ratios && kind.x12 ? fmtRatio(mbps(r), mbps(nodeX12)) : '',
        ratios ? fmtRatio(mbps(r), mbps(floor)) : '',
        ratios ? fmtRatio(mbps(r), mbps(floorRetained)) : '',
        r?.check ?? (r?.error ? r.error.split('\n')[0]!.slice(0, 80) : ''),
      ];
      rows.push(line('indexOf floor (`split`)', floor, false));
      rows.push(line('indexOf floor (`slice`), for reference', floorSlice, false));
      rows.push(line('indexOf floor (`split`), element arrays kept to the end', floorRetained, false));
      if (kind.x12) rows.push(line('node-x12 `X12Parser(true).parse`', nodeX12, false));
      rows.push(line('edigate `parseEdi`', ours, true));
      rows.push(line("edigate `parseEdi`, then every segment's `elements` read", elements, true));
      rows.push(line('edigate `parseEdi` + `validateGuides`', guides, true));

      results.set(`${kind.id} ${size}`, { nodeX12 });
      if (kind.x12 && size === largest) {
        const where = `${kind.label} ${fmtSize(size)}`;
        let x12Base = nodeX12;
        let x12Note = '';
        if (nodeX12 && nodeX12.runsMs.length === 0 && sizes.length > 1) {
          // node-x12 could not finish the largest file: judge against its throughput one size down.
          const smaller = sizes[sizes.length - 2]!;
          x12Base = results.get(`${kind.id} ${smaller}`)?.nodeX12;
          x12Note = ` (node-x12: ${describeStatus(nodeX12)} at ${fmtSize(size)}; ratio to its ${fmtSize(smaller)} MB/s)`;
        }
        targets.push(targetRow(where, `parseEdi / node-x12${x12Note}`, 10, ours, x12Base));
        targets.push(targetRow(where, 'parseEdi / floor', 0.5, ours, floor));
        targets.push(targetRow(where, "parseEdi with every segment's elements read / floor", 0.5, elements, floor));
        targets.push(targetRow(where, 'parseEdi + validateGuides / floor', 0.25, guides, floor));
      }
    }
  }

  log(`generating ${fmtSize(streamBytes)} stream file …`);
  const streamKind = kinds[0]!;
  const streamPath = await dataFile(streamKind, streamBytes);
  const stream = features.streamInterchanges
    ? await run(`${streamKind.id} ${fmtSize(streamBytes)} streamInterchanges`, {
        export: 'oursStream',
        params: { path: streamPath },
        warmup: 0,
        runs: Math.min(runs, quick ? runs : 5),
        timeoutMs: 1_800_000,
      })
    : undefined;
  // V8 grows the heap lazily while the live set stays small: the same stream under a 64 MB old-space cap shows what is live.
  const streamCapped = features.streamInterchanges
    ? await run(`${streamKind.id} ${fmtSize(streamBytes)} streamInterchanges, 64 MB old space`, {
        export: 'oursStream',
        params: { path: streamPath },
        warmup: 0,
        runs: Math.min(runs, quick ? runs : 3),
        timeoutMs: 1_800_000,
        maxOldSpaceMb: 64,
      })
    : undefined;
  const streamRss = stream?.maxRssKiB;
  const idle = await run('idle child (Node + tsx + @edigate/edi, no input)', { export: 'idle', runs: 1, warmup: 0 });
  const streamRow = (label: string, r: CaseResult | undefined): string[] => [
    streamKind.label,
    fmtSize(streamBytes),
    label,
    speedCell(r),
    r && r.runsMs.length > 0 ? fmt(r.cpuMbPerSec) : '',
    fmtRssKiB(r?.maxRssKiB),
    String(r?.runsMs.length ?? 0),
    r?.check ?? r?.error?.split('\n')[0] ?? '',
  ];
  const rssPass = streamRss === undefined ? undefined : (streamRss * 1024) / MB < 200;
  targets.push([
    `${streamKind.label} ${fmtSize(streamBytes)} stream`,
    'streamInterchanges peak RSS',
    '< 200 MB',
    mark(rssPass, fmtRssKiB(streamRss)) +
      (streamCapped?.maxRssKiB !== undefined
        ? `; with \`--max-old-space-size=64\`: ${fmtRssKiB(streamCapped.maxRssKiB)}`
        : ''),
    '',
  ]);

  const profiles: string[] = [];
  if (profile) {
    const dir = fileURLToPath(new URL('./out/profiles/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    for (const kind of kinds) {
      const path = await dataFile(kind, largest);
      for (const [exportName, label, present] of [
        ['ours', '`parseEdi`', features.parseEdi],
        ['oursGuides', '`parseEdi` + `validateGuides`', features.validateGuides],
      ] as const) {
        if (!present) continue;
        const file = join(dir, `${exportName}-${kind.id}.cpuprofile`);
        const result = await run(`${kind.id} ${fmtSize(largest)} ${exportName} (profiled)`, {
          export: exportName,
          params: { path },
          runs: 1,
          warmup: 1,
          cpuProfile: file,
        });
        if (result.status !== 'ok' || !existsSync(file)) continue;
        profiles.push(
          `#### ${label}, ${kind.label} ${fmtSize(largest)} (warm-up + 1 run; \`bench/out/profiles/${basename(file)}\`)`,
          '',
          cpuProfileTable(file, 12),
          '',
        );
      }
    }
  }

  const missing = Object.entries(features)
    .filter(([, present]) => !present)
    .map(([name]) => `\`${name}\``);
  return [
    '## EDI syntax',
    '',
    `Seeded inputs (seed ${seed}, generator v${generatorVersion}) in \`bench/out/data/\`. MB = 10^6 bytes; MB/s at the median of the timed runs; ` +
      `each case in its own child process (peak RSS = that process's \`maxRSS\`, input file in memory included). ` +
      `MB/s (CPU time) divides by the run's user + system CPU time (all threads, GC helpers included), which is steadier when other work shares the machine. ` +
      `Ratios in this table compare wall-clock MB/s; the targets show both. node-x12 runs capped at 4 GB heap and 2–5 min.` +
      (missing.length > 0 ? ` Not yet in \`@edigate/edi\`: ${missing.join(', ')} (rows say "not run").` : ''),
    '',
    table(
      [
        'Input',
        'Size',
        'Case',
        'MB/s',
        'MB/s (CPU time)',
        'Peak RSS',
        'Runs',
        'ours / node-x12',
        'ours / floor',
        'ours / floor (slice)',
        'Result of last run',
      ],
      rows,
    ),
    '',
    `### Streaming`,
    '',
    table(
      ['Input', 'Size', 'Case', 'MB/s', 'MB/s (CPU time)', 'Peak RSS', 'Runs', 'Result'],
      [
        [
          '—',
          '—',
          'idle child: Node + tsx loader + `@edigate/edi` loaded, no input (the floor of every Peak RSS here)',
          '',
          '',
          fmtRssKiB(idle.maxRssKiB),
          '',
          '',
        ],
        streamRow('`streamInterchanges(createReadStream(file))`', stream),
        streamRow('the same, `--max-old-space-size=64`', streamCapped),
      ],
    ),
    '',
    `### Targets (issue #2)${quick ? ' — quick mode: measured on the largest quick size, not the 100 MB / 1 GB the targets name' : ''}`,
    '',
    table(['Input', 'Measure', 'Target', 'Wall clock', 'CPU time'], targets),
    ...(profiles.length > 0
      ? ['', '### Where the time goes (`--profile`: self time per function)', '', ...profiles]
      : []),
  ].join('\n');
}
