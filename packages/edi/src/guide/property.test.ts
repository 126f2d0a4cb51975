import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ElementValue, Segment, TransactionSet } from '../types.js';
import { listGuides } from './registry.js';
import { walkTree } from './tree.js';
import { validateSet } from './validate.js';

const x12Tags = [
  'ST',
  'SE',
  'BEG',
  'BAK',
  'BIG',
  'BSN',
  'BIA',
  'REF',
  'DTM',
  'N1',
  'N3',
  'N4',
  'PO1',
  'PID',
  'IT1',
  'HL',
  'LIN',
  'SN1',
  'QTY',
  'CTT',
  'AK1',
  'AK2',
  'AK3',
  'AK4',
  'AK5',
  'AK9',
  'IK3',
  'IK4',
  'IK5',
  'CTX',
  'ZZZ',
  'x1',
  '',
];
const edifactTags = [
  'UNH',
  'UNT',
  'BGM',
  'DTM',
  'NAD',
  'RFF',
  'LIN',
  'QTY',
  'PRI',
  'UNS',
  'MOA',
  'CPS',
  'PAC',
  'INV',
  'UCI',
  'UCM',
  'UCS',
  'UCD',
  'XYZ',
];

const text = fc.string({ maxLength: 12 });
const value: fc.Arbitrary<ElementValue> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(text, fc.constantFrom('', '0', '-1', '1.5', '20261128', '2359', 'A', 'ZZ', '00')) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 4 }).map((components) => ({ components })) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          text,
          fc.array(text, { maxLength: 3 }).map((components) => ({ components })),
        ),
        { maxLength: 3 },
      )
      .map((repeats) => ({ repeats })),
  },
);

function segmentsOf(tags: string[], standard: 'x12' | 'edifact'): fc.Arbitrary<Segment[]> {
  const seg = fc.record({ tag: fc.constantFrom(...tags), elements: fc.array(value, { maxLength: 14 }) });
  const [head, trailer] = standard === 'x12' ? ['ST', 'SE'] : ['UNH', 'UNT'];
  return fc.array(seg, { maxLength: 40 }).map((body) =>
    [{ tag: head, elements: [] }, ...body, { tag: trailer, elements: [] }].map((s, i) => ({
      ...s,
      offset: i * 10,
      length: 10,
    })),
  );
}

describe('any segment sequence gives findings and a tree, never a throw', () => {
  for (const standard of ['x12', 'edifact'] as const) {
    it(`${standard}: every guide`, () => {
      const guides = listGuides().filter((g) => g.standard === standard);
      fc.assert(
        fc.property(
          fc.constantFrom(...guides),
          segmentsOf(standard === 'x12' ? x12Tags : edifactTags, standard),
          fc.boolean(),
          (guide, segments, complete) => {
            const set: TransactionSet = {
              id: guide.id,
              controlNumber: '1',
              version: guide.version,
              segments,
              complete,
              issues: [],
              offset: 0,
            };
            const result = validateSet(set, { standard });
            expect(result.supported).toBe(true);
            const positions = [...walkTree(result.tree!)].flatMap(({ node }) =>
              node.kind === 'segment' ? [node.position] : [],
            );
            expect(positions).toEqual(segments.map((_, i) => i + 1));
            for (const issue of result.issues) {
              if (issue.level === 'set') continue;
              expect(issue.segmentPosition).toBeGreaterThanOrEqual(1);
              expect(issue.segmentPosition).toBeLessThanOrEqual(segments.length);
              expect(standard === 'x12' ? issue.codes.ak304 : issue.codes.contrl).toBeDefined();
            }
          },
        ),
        { numRuns: 300, seed: 2026 },
      );
    });
  }
});
