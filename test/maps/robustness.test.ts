/**
 * Translation never throws and never reports an engine defect, whatever the
 * input: golden inputs with elements dropped, duplicated or garbled still
 * give one result per set, each a document or issues with codes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MapRepository, partnerIdsFromProfile, partnerOf, translateAll, type PartnerIds } from '@edigate/maps';
import { parseForMaps, readMapsFolder } from './support.js';

const root = path.resolve(import.meta.dirname, '../..');
const repository = new MapRepository(readMapsFolder(path.join(root, 'maps')));
const partners = ['p_003', 'p_004']
  .map((p) => partnerIdsFromProfile(readFileSync(path.join(root, 'partner-profiles', `${p}.yaml`), 'utf8')))
  .filter((p): p is PartnerIds => p !== undefined);
const inputs = [
  'p_003/tests/po-basic.edi',
  'p_003/tests/asn-packs.edi',
  'p_003/tests/invoice.edi',
  'p_004/tests/orders.edi',
  'p_004/tests/desadv.edi',
].map((f) => readFileSync(path.join(root, 'maps', f), 'latin1'));

describe('translation is total', () => {
  it('mutated inputs give results or issues, never an engine failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...inputs),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'garble', 'empty')), { minLength: 1, maxLength: 6 }),
        async (input, edits) => {
          const x12 = input.startsWith('ISA');
          const term = x12 ? '~\n' : "'\n";
          const lines = input.split(term);
          // Keep the envelope (first two and last two lines) so the sets are found.
          for (const [n, op] of edits) {
            const i = 2 + (n % Math.max(1, lines.length - 5));
            const line = lines[i];
            if (line === undefined) continue;
            if (op === 'drop') lines.splice(i, 1);
            else if (op === 'dup') lines.splice(i, 0, line);
            else if (op === 'garble') lines[i] = line.replace(/[0-9A-Z]/g, (c, k: number) => (k % 3 === 0 ? 'Z' : c));
            else lines[i] = line.split(x12 ? '*' : '+')[0]!;
          }
          const results = await translateAll(parseForMaps(lines.join(term)), {
            partnerOf: (ic) => partnerOf(ic, partners),
            selectMap: repository.selector,
          });
          for (const r of results) {
            expect(r.issues.filter((i) => i.code === 'INTERNAL')).toEqual([]);
            expect(Boolean(r.document) || r.issues.length > 0).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
