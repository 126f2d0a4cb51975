import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allIssues } from '../envelope.js';
import { parseEdi } from '../parse.js';
import type { Interchange } from '../types.js';
import { listGuides } from './registry.js';
import { validateGuides } from './validate.js';

/**
 * A parsed set is validated from the text the parse kept (no segment objects)
 * unless its segments were read before; both must give the same findings and
 * the same tree.
 */

const x12Tags = [
  'BSN',
  'BEG',
  'BIG',
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
  'TD1',
  'TD5',
  'MAN',
  'PRF',
  'CTT',
  'AK1',
  'AK2',
  'AK9',
  'ZZZ',
];
const edifactTags = [
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
  'CNT',
  'UCI',
  'UCM',
  'XYZ',
];

const constants = [
  '',
  '1',
  '00',
  '20261128',
  '20261131',
  '1200',
  '202611281200',
  'ZZ',
  'EA',
  '-1.5',
  'ST',
  'A',
  '102',
  '203',
  '9',
];

function valuesOf(chars: string[], component: string): fc.Arbitrary<string[]> {
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...constants) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...chars), { maxLength: 10 }).map((cs) => cs.join('')) },
    // Composites: a few known values between component separators (e.g. DTM C507 137:20261128:102).
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...constants), { maxLength: 6 }).map((cs) => cs.join(component)) },
  );
  return fc.array(value, { maxLength: 12 });
}

function bodyOf(tags: string[], chars: string[], component: string): fc.Arbitrary<{ tag: string; values: string[] }[]> {
  return fc.array(fc.record({ tag: fc.constantFrom(...tags), values: valuesOf(chars, component) }), { maxLength: 30 });
}

/** One X12 interchange; `suffix` follows every terminator (a line break, or nothing). */
function x12(version: string, id: string, body: { tag: string; values: string[] }[], suffix: string): string {
  const v5 = version >= '005010';
  const isa = `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261128*1200*${v5 ? '^' : 'U'}*${v5 ? '00501' : '00401'}*000000001*0*P*>~${suffix}`;
  const segments = [`ST*${id}*0001`, ...body.map((s) => [s.tag, ...s.values].join('*'))];
  segments.push(`SE*${segments.length + 1}*0001`);
  const rest = [`GS*XX*S*R*20261128*1200*1*X*${version}`, ...segments, 'GE*1*1', 'IEA*1*000000001'];
  return `${isa}${rest.map((s) => `${s}~${suffix}`).join('')}`;
}

function edifact(version: string, id: string, body: { tag: string; values: string[] }[]): string {
  const segments = [
    `UNH+1+${id}:${version.slice(0, 1)}:${version.slice(1)}:UN`,
    ...body.map((s) => [s.tag, ...s.values].join('+')),
  ];
  segments.push(`UNT+${segments.length}+1`);
  return `UNA:+.? 'UNB+UNOA:4+S+R+261128:1200+1'${segments.map((s) => `${s}'`).join('')}UNZ+1+1'`;
}

/** Parses and validates; `readFirst` reads every set's segments and elements before validating. */
function validated(text: string, readFirst: boolean): Interchange[] {
  const interchanges = parseEdi(text).interchanges;
  for (const interchange of interchanges) {
    if (readFirst)
      for (const group of interchange.groups)
        for (const set of group.sets) for (const s of set.segments) void s.elements;
    validateGuides(interchange);
  }
  return interchanges;
}

function outcome(interchanges: Interchange[]): unknown {
  return JSON.parse(
    JSON.stringify(
      interchanges.map((ic) => ({
        issues: allIssues(ic),
        trees: ic.groups.flatMap((g) => g.sets.map((s) => [s.supported, s.tree])),
      })),
    ),
  );
}

describe('validation from the kept text and from segment objects agree', () => {
  it('x12: every guide, values with component and repetition separators', () => {
    const guides = listGuides().filter((g) => g.standard === 'x12');
    fc.assert(
      fc.property(
        fc.constantFrom(...guides),
        bodyOf(x12Tags, ['A', 'z', '0', '9', '-', '.', ' ', '>', '^', '*', 'X'], '>'),
        fc.constantFrom('', '\n', '\r\n'),
        (guide, body, suffix) => {
          const text = x12(guide.version, guide.id, body, suffix);
          expect(outcome(validated(text, false))).toEqual(outcome(validated(text, true)));
        },
      ),
      { numRuns: 400, seed: 2026 },
    );
  });

  it('edifact: every guide, values with separators and release characters', () => {
    const guides = listGuides().filter((g) => g.standard === 'edifact');
    fc.assert(
      fc.property(
        fc.constantFrom(...guides),
        bodyOf(edifactTags, ['A', '0', '9', '.', ',', '-', ':', '+', '*', '??', '?:', ' '], ':'),
        (guide, body) => {
          const text = edifact(guide.version, guide.id, body);
          expect(outcome(validated(text, false))).toEqual(outcome(validated(text, true)));
        },
      ),
      { numRuns: 400, seed: 2026 },
    );
  });
});
