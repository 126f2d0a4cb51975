/**
 * Differential test against node-x12 (a root devDependency) on valid X12:
 * both readers must find the same interchanges, groups, sets, control
 * numbers and segment counts. node-x12 counts segments without ST/SE and
 * gives ISA13 as a number, which the comparison accounts for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { parseEdi } from '@edigate/edi';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ours = [
  'valid-850-4010.edi',
  'valid-850-4010-crlf.edi',
  'valid-850-4010-one-line.edi',
  'valid-856-5010-repetition.edi',
].map((f) => here(`./fixtures/x12/${f}`));
const corpusDir = here('../../../shared/corpus/x12/');
const corpus = [
  'aaronhuggins-node-x12__850.edi',
  'aaronhuggins-node-x12__855.edi',
  'aaronhuggins-node-x12__856.edi',
  'kputnam-stupidedi__004010_IN810_pass_1.edi',
  'xlate-staedi__invoice810_po850_dual.edi',
].map((f) => `${corpusDir}${f}`);
const files = [...ours, ...corpus.filter((f) => existsSync(f))];

interface NodeX12Element {
  valueOf(n: number): string;
}
interface NodeX12Interchange {
  header: NodeX12Element;
  functionalGroups: { header: NodeX12Element; transactions: { header: NodeX12Element; segments: unknown[] }[] }[];
}

describe('differential against node-x12', () => {
  it.each(files.map((f) => [f.split('/').pop()!, f]))(
    '%s: same structure, control numbers and segment counts',
    (_name, file) => {
      const text = readFileSync(file, 'latin1');
      const theirs = new X12Parser(true).parse(text) as unknown as NodeX12Interchange;
      const expected = [
        [
          Number(theirs.header.valueOf(13)),
          theirs.functionalGroups.map((g) => [
            g.header.valueOf(6),
            g.transactions.map((t) => [t.header.valueOf(2), t.segments.length + 2]),
          ]),
        ],
      ];
      const result = parseEdi(readFileSync(file));
      const actual = result.interchanges.map((ic) => [
        Number(ic.controlNumber),
        ic.groups.map((g) => [g.controlNumber, g.sets.map((s) => [s.controlNumber, s.segments.length])]),
      ]);
      expect(actual).toEqual(expected);
    },
  );
});
