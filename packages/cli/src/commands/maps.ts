import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseEdi, validateGuides, type ParseResult } from '@edigate/edi';
import {
  formatIssue,
  MapRepository,
  partnerIdsFromProfile,
  runGoldenCase,
  type MapIssue,
  type PartnerIds,
} from '@edigate/maps';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions, type Io } from '../context.js';
import type { Register } from '../program.js';

/** Every `.yaml` under `<home>/maps`, by its path relative to that folder (`/` separators). */
export function readMapsFolder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(root)) return files;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name))
        files.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** The envelope ids of every partner profile under `<home>/partner-profiles`. */
export function readPartners(home: string): PartnerIds[] {
  const dir = path.join(home, 'partner-profiles');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => partnerIdsFromProfile(readFileSync(path.join(dir, f), 'utf8')))
    .filter((p): p is PartnerIds => p !== undefined);
}

/** Parses EDI and arranges each set by its guide (the tree the maps walk). */
export function parseForTranslation(input: Uint8Array | string): ParseResult {
  const parsed = parseEdi(input);
  parsed.interchanges.forEach((interchange, interchangeIndex) => validateGuides(interchange, { interchangeIndex }));
  return parsed;
}

/** Loads the maps of a home folder. */
export function loadRepository(home: string): MapRepository {
  return new MapRepository(readMapsFolder(path.join(home, 'maps')));
}

interface GoldenCaseFile {
  name: string;
  edi: string;
  expected: string;
}

function goldenCases(mapsRoot: string, partner?: string): GoldenCaseFile[] {
  if (!existsSync(mapsRoot)) return [];
  const dirs = partner ? [partner] : readdirSync(mapsRoot).sort();
  const out: GoldenCaseFile[] = [];
  for (const d of dirs) {
    const tests = path.join(mapsRoot, d, 'tests');
    if (!existsSync(tests)) continue;
    for (const f of readdirSync(tests).sort()) {
      if (!f.endsWith('.edi')) continue;
      const base = f.slice(0, -4);
      out.push({
        name: `${d}/tests/${base}`,
        edi: path.join(tests, f),
        expected: path.join(tests, `${base}.expected.json`),
      });
    }
  }
  return out;
}

function printIssues(io: Io, issues: readonly MapIssue[]): void {
  for (const i of issues) io.stdout(`  ${formatIssue(i).replace(/\n/g, '\n  ')}\n`);
}

/** `edigate maps check` and `edigate maps test [partner]`. */
export const registerMaps: Register = (program: Command, io: Io, setExit) => {
  const maps = program.command('maps').description('partner map files: check them, run their golden tests');

  withCommon(maps.command('check').description('load and check every map under <home>/maps, without input')).action(
    (opts: CommonOptions) => {
      const home = resolveHome(opts);
      const repo = loadRepository(home);
      const files = [...repo.issues.keys()].sort();
      const errors = [...repo.issues.values()].flat().filter((i) => i.severity === 'error').length;
      const warnings = [...repo.issues.values()].flat().length - errors;
      if (opts.json) {
        io.stdout(
          `${JSON.stringify({ maps: files.map((f) => ({ file: f, ok: repo.maps.has(f), issues: repo.issues.get(f) ?? [] })), errors, warnings }, null, 2)}\n`,
        );
      } else {
        for (const f of files) {
          const issues = repo.issues.get(f) ?? [];
          io.stdout(
            `${repo.maps.has(f) ? 'ok  ' : 'FAIL'} maps/${f}${issues.length ? ` (${issues.length} finding${issues.length > 1 ? 's' : ''})` : ''}\n`,
          );
          printIssues(io, issues);
        }
        io.stdout(
          `${files.length} map${files.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
        );
      }
      if (files.length === 0) throw new CliError(`no map files under ${path.join(home, 'maps')}`, ExitCode.unreadable);
      setExit(errors ? ExitCode.invalid : ExitCode.ok);
    },
  );

  withCommon(
    maps
      .command('test')
      .description('run the golden cases maps/<partner>/tests/<case>.edi against <case>.expected.json')
      .argument('[partner]', 'only this partner (folder under maps/)')
      .option(
        '--update',
        'write the actual output to <case>.expected.json for failing or new cases (review the diff before committing)',
      ),
  ).action(async (partner: string | undefined, opts: CommonOptions & { update?: boolean }) => {
    const home = resolveHome(opts);
    const mapsRoot = path.join(home, 'maps');
    if (partner && !/^[A-Za-z0-9_-]+$/.test(partner))
      throw new CliError(`bad partner name '${partner}'`, ExitCode.unreadable);
    const cases = goldenCases(mapsRoot, partner);
    if (cases.length === 0)
      throw new CliError(`no golden cases under ${path.join(mapsRoot, partner ?? '*', 'tests')}`, ExitCode.unreadable);
    const repository = loadRepository(home);
    const partners = readPartners(home);
    const loadErrors = [...repository.issues.values()].flat().filter((i) => i.severity === 'error');
    const results = [];
    for (const c of cases) {
      const expected = existsSync(c.expected) ? readFileSync(c.expected, 'utf8') : undefined;
      const input = readFileSync(c.edi);
      const r = await runGoldenCase(
        expected === undefined ? { name: c.name, input } : { name: c.name, input, expected },
        { repository, partners, parse: parseForTranslation },
      );
      if (!r.pass && opts.update) writeFileSync(c.expected, r.actual);
      results.push(r);
    }
    const failed = results.filter((r) => !r.pass);
    if (opts.json) {
      io.stdout(
        `${JSON.stringify({ cases: results.map((r) => ({ name: r.name, pass: r.pass, diff: r.diff || undefined })), loadErrors, updated: Boolean(opts.update) }, null, 2)}\n`,
      );
    } else {
      if (loadErrors.length) {
        io.stdout('map files with errors (their sets fall back or fail):\n');
        printIssues(io, loadErrors);
      }
      for (const r of results) {
        io.stdout(`${r.pass ? 'PASS' : opts.update ? 'UPDATED' : 'FAIL'} ${r.name}\n`);
        if (!r.pass && !opts.update) io.stdout(`${r.diff.replace(/^/gm, '    ')}\n`);
      }
      io.stdout(`${results.length - failed.length} passed, ${failed.length} ${opts.update ? 'updated' : 'failed'}\n`);
    }
    setExit(failed.length && !opts.update ? ExitCode.invalid : ExitCode.ok);
  });
};
