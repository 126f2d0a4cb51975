/**
 * Every golden case under maps/<partner>/tests/: the .edi translated with the
 * partner's maps must equal <case>.expected.json. Regenerate a reviewed
 * expectation with `pnpm edigate maps test <partner> --update`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, MapRepository, partnerIdsFromProfile, runGoldenCase, type PartnerIds } from '@edigate/maps';
import { serialize } from '@edigate/edi';
import { readMapsFolder, parseForMaps } from './support.js';

const root = path.resolve(import.meta.dirname, '../..');
const mapsRoot = path.join(root, 'maps');
const repository = new MapRepository(readMapsFolder(mapsRoot));
const partners: PartnerIds[] = readdirSync(path.join(root, 'partner-profiles'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => partnerIdsFromProfile(readFileSync(path.join(root, 'partner-profiles', f), 'utf8')))
  .filter((p): p is PartnerIds => p !== undefined);

const cases = readdirSync(mapsRoot)
  .filter((d) => existsSync(path.join(mapsRoot, d, 'tests')))
  .flatMap((d) =>
    readdirSync(path.join(mapsRoot, d, 'tests'))
      .filter((f) => f.endsWith('.edi'))
      .map((f) => `${d}/tests/${f.slice(0, -4)}`),
  );

describe('golden map cases', () => {
  it('every map loads without errors', () => {
    const errors = [...repository.issues.values()].flat().filter((i) => i.severity === 'error');
    expect(errors.map(formatIssue)).toEqual([]);
  });
  it.each(cases)('%s', async (name) => {
    const input = readFileSync(path.join(mapsRoot, `${name}.edi`));
    const expectedFile = path.join(mapsRoot, `${name}.expected.json`);
    const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8') : undefined;
    const result = await runGoldenCase(expected === undefined ? { name, input } : { name, input, expected }, {
      repository,
      partners,
      parse: parseForMaps,
    });
    if (!result.pass) expect.fail(`${name}: output differs from ${name}.expected.json\n${result.diff}`);
  });
  it.each(cases)('%s round-trips: parse → serialize gives the input back', (name) => {
    const input = readFileSync(path.join(mapsRoot, `${name}.edi`));
    const written = Buffer.concat(parseForMaps(input).interchanges.map((ic) => serialize(ic)));
    expect(written.equals(input)).toBe(true);
  });
});
