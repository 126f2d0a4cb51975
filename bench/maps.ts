/**
 * Map benchmark (issue #5 item 7): documents per second translating X12
 * 004010 850s of 50 lines and 856s of 200 HL loops through the Initech maps
 * (p_003, extending the standard bases), and the share of that time spent
 * inside JSONata. Parsing and guide validation happen before the clock
 * starts; the clock covers `translateAll` only (tree walk, conversions,
 * JSONata, zod validation). In-process; the median of `--runs` runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEdi, validateGuides, type ParseResult } from '@edigate/edi';
import {
  MapRepository,
  partnerIdsFromProfile,
  partnerOf,
  translateAll,
  type PartnerIds,
  type TranslateTimings,
} from '@edigate/maps';
import { parseBenchArgs } from './lib/args.js';
import { table } from './lib/markdown.js';
import { Rng } from './lib/rng.js';
import { fmt, median } from './lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function readMaps(dir: string, base = dir, files = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) readMaps(full, base, files);
    else if (e.name.endsWith('.yaml'))
      files.set(path.relative(base, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}

function envelope(sets: string[][], gs: string): string {
  const isa = `ISA*00*${' '.repeat(10)}*00*${' '.repeat(10)}*ZZ*INITECH        *ZZ*EDIGATE        *261120*1030*U*00401*000000001*0*P*>`;
  const body = sets.flatMap((segs, i) => {
    const n = String(i + 1).padStart(4, '0');
    const all = [`ST*${segs[0]}*${n}`, ...segs.slice(1)];
    return [...all, `SE*${all.length + 1}*${n}`];
  });
  return (
    [isa, `GS*${gs}*INITECH*EDIGATE*20261120*1030*1*X*004010`, ...body, `GE*${sets.length}*1`, 'IEA*1*000000001'].join(
      '~\n',
    ) + '~\n'
  );
}

/** An 850 with `lines` PO1 loops (each PO1 + PID), two N1 loops, REFs, DTM, CTT. */
function po850(rng: Rng, n: number, lines: number): string[] {
  const segs = ['850', `BEG*00*SA*PO-${n}**20261120`, 'CUR*BY*USD', 'REF*DP*042', 'DTM*002*20261204'];
  segs.push(
    'N1*BY*Initech Procurement*92*INIT-BY-01',
    'N3*4120 Freidrich Lane',
    'N4*Austin*TX*78744*US',
    'N1*ST*Initech DC 3*92*DC03',
    'N4*Round Rock*TX*78664*US',
  );
  for (let i = 1; i <= lines; i++) {
    segs.push(
      `PO1*${i}*${rng.int(1, 500)}*${rng.pick(['EA', 'CA', 'BX', 'DZ'])}*${rng.int(1, 9999) / 100}**UP*${rng.digits(12)}*VN*SKU-${rng.alnum(6)}`,
    );
    segs.push(`PID*F****Item ${rng.alnum(12)}`);
  }
  segs.push(`CTT*${lines}`);
  return segs;
}

/** An 856 of 200 HL loops: 1 shipment, 3 orders, 49 packs (SSCC), 147 items. */
function asn856(rng: Rng, n: number): string[] {
  const segs = [
    '856',
    `BSN*00*ASN-${n}*20261122*0815`,
    'HL*1**S',
    'TD5**2*UPSN',
    `REF*CN*1Z${rng.digits(16)}`,
    'N1*ST*Initech DC 3*92*DC03',
    'N1*SF*Warehouse*92*WH1',
  ];
  let id = 1;
  for (const packs of [17, 16, 16]) {
    const o = ++id;
    segs.push(`HL*${o}*1*O`, `PRF*PO-${rng.digits(6)}`);
    for (let p = 0; p < packs; p++) {
      const pk = ++id;
      segs.push(`HL*${pk}*${o}*P`, `MAN*GM*00${rng.digits(16)}`);
      for (let i = 1; i <= 3; i++)
        segs.push(
          `HL*${++id}*${pk}*I`,
          `LIN*${i}*UP*${rng.digits(12)}*VN*SKU-${rng.alnum(6)}`,
          `SN1**${rng.int(1, 50)}*EA`,
        );
    }
  }
  segs.push(`CTT*${id}`);
  return segs;
}

function parse(text: string): ParseResult {
  const parsed = parseEdi(text);
  parsed.interchanges.forEach((ic, i) => validateGuides(ic, { interchangeIndex: i }));
  return parsed;
}

/** The maps area of `pnpm bench`. */
export default async function (args: string[]): Promise<string> {
  const { quick, runs } = parseBenchArgs(args);
  const repository = new MapRepository(readMaps(path.join(root, 'maps')));
  const partners = readdirSync(path.join(root, 'partner-profiles'))
    .map((f) => partnerIdsFromProfile(readFileSync(path.join(root, 'partner-profiles', f), 'utf8')))
    .filter((p): p is PartnerIds => p !== undefined);
  const rng = new Rng(2026);
  const count850 = quick ? 100 : 400;
  const count856 = quick ? 40 : 150;
  const cases = [
    {
      label: `X12 850, 50 lines (${count850} sets)`,
      parsed: parse(
        envelope(
          Array.from({ length: count850 }, (_, i) => po850(rng, i, 50)),
          'PO',
        ),
      ),
      docs: count850,
    },
    {
      label: `X12 856, 200 HL loops (${count856} sets)`,
      parsed: parse(
        envelope(
          Array.from({ length: count856 }, (_, i) => asn856(rng, i)),
          'SH',
        ),
      ),
      docs: count856,
    },
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const perRun: { ms: number; jsonataMs: number; ok: number }[] = [];
    for (let r = 0; r <= runs; r++) {
      const timings: TranslateTimings = { jsonataMs: 0, jsonataCalls: 0 };
      const t0 = performance.now();
      const results = await translateAll(c.parsed, {
        partnerOf: (ic) => partnerOf(ic, partners),
        selectMap: repository.selector,
        timings,
      });
      const ms = performance.now() - t0;
      if (r > 0) perRun.push({ ms, jsonataMs: timings.jsonataMs, ok: results.filter((x) => x.document).length }); // run 0 warms up
    }
    const ms = median(perRun.map((p) => p.ms));
    const share = median(perRun.map((p) => p.jsonataMs / p.ms));
    const ok = perRun[0]!.ok;
    rows.push([
      c.label,
      fmt((c.docs / ms) * 1000),
      fmt(ms / c.docs, 3),
      `${fmt(share * 100, 2)} %`,
      ok === c.docs ? `${ok}/${c.docs}` : `⚠️ ${ok}/${c.docs}`,
    ]);
  }
  return [
    '## Maps (translation)',
    '',
    `In-process, \`translateAll\` only (input parsed and guide-validated before timing), Initech (p_003) maps over the standard 004010 bases; median of ${runs} runs after one warm-up.`,
    '',
    table(['Input', 'documents/s', 'ms/document', 'time in JSONata', 'translated'], rows),
    '',
  ].join('\n');
}
