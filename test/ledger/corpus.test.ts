/**
 * The third-party corpus (see its README) through `ingest`'s conversion into
 * the ledger: every interchange the parser finds is recorded with its groups
 * and sets, whatever its defects, and recording the corpus a second time
 * yields only duplicates. Skips when the corpus is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEdi, validateGuides } from '@edigate/edi';
import type { InterchangeInput } from '@edigate/ledger';
import { testDrivers } from '@edigate/ledger/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { toInterchangeInput } from '../../packages/cli/src/commands/ingest.js';

const candidates = [
  path.resolve(fileURLToPath(new URL('../../../shared/corpus', import.meta.url))),
  '/work/shared/corpus',
];
const corpus = candidates.find((c) => existsSync(c));

function corpusInputs(dir: string): { file: string; input: InterchangeInput }[] {
  const out: { file: string; input: InterchangeInput }[] = [];
  for (const sub of ['x12', 'edifact']) {
    const folder = path.join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      const parsed = parseEdi(readFileSync(path.join(folder, name)));
      parsed.interchanges.forEach((ic, i) => {
        validateGuides(ic, { interchangeIndex: i });
        out.push({ file: `${sub}/${name}#${i}`, input: toInterchangeInput(ic, { partnerId: 'corpus' }) });
      });
    }
  }
  return out;
}

const drivers = await testDrivers();

describe.skipIf(!corpus)('third-party corpus into the ledger', () => {
  const inputs = corpus ? corpusInputs(corpus) : [];

  describe.each(drivers)('on $name', (driver) => {
    if (driver.skip) {
      it.skip(`skipped: ${driver.skip}`, () => {});
      return;
    }
    afterAll(async () => {
      await driver.cleanup();
    });

    it('records every interchange once, then only duplicates', async () => {
      expect(inputs.length).toBeGreaterThan(20);
      const ledger = await driver.open();
      const firstPass = [];
      for (const { file, input } of inputs) {
        const r = await ledger.recordInterchange(input);
        firstPass.push({ file, r, input });
      }
      // Files in the corpus may repeat a key (same sender, receiver and number): those are duplicates by B-104.
      const keys = new Set<string>();
      for (const { r, input } of firstPass) {
        const key = [
          input.sender.qualifier,
          input.sender.id,
          input.receiver.qualifier,
          input.receiver.id,
          input.controlNumber,
        ].join('|');
        expect(r.status === 'duplicate').toBe(keys.has(key));
        keys.add(key);
        if (r.status !== 'duplicate') {
          expect(r.groups).toHaveLength(input.groups.length);
          expect(r.groups.flatMap((g) => g.sets)).toHaveLength(input.groups.reduce((n, g) => n + g.sets.length, 0));
        }
      }
      for (const { input } of inputs) expect((await ledger.recordInterchange(input)).status).toBe('duplicate');
    });
  });
});
