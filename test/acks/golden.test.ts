/**
 * Golden acknowledgments: each `golden/<case>.edi` input (written for these
 * tests, one change from a valid file) is acknowledged with a fixed clock and
 * control numbers, and the acknowledgments, written one after the other, must
 * equal `golden/<case>.ack.edi` byte for byte. An update of an expected file
 * is a reviewed diff.
 *
 * Every acknowledgment also re-reads cleanly: our parser and guides (997, 999,
 * TA1, CONTRL) find nothing, and node-x12 reads the X12 ones.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allIssues, parseEdi, serialize } from '@edigate/edi';
import type { AcknowledgeOptions } from '@edigate/acks';
import { acknowledgeAll, nodeX12Read, reparseIssues } from './helpers.js';

const dir = fileURLToPath(new URL('./golden/', import.meta.url));

/** Case name → the policy it is acknowledged under, and what the expected file shows. */
const cases: [name: string, policy: Partial<AcknowledgeOptions>, shows: string][] = [
  ['x12-4010-850-valid', {}, '997 accepted: AK5 A, AK9 A 1 1 1'],
  ['x12-4010-850-missing-beg', {}, 'AK3 BEG 2 **3, AK5 R 5'],
  ['x12-4010-850-bad-code', {}, 'AK3 BEG *8, AK4 1 353 7 99 (BEG01 code list)'],
  ['x12-4010-850-se-count', {}, 'AK5 R 4'],
  ['x12-4010-850-ge-count', {}, 'AK9 R 2 1 1 5 (GE01 declares 2; the set itself accepted)'],
  ['x12-4010-851-unknown-set', {}, 'AK5 R 1'],
  ['x12-4010-850-partial', {}, 'AK5 A, AK5 R 4, AK9 P 2 2 1'],
  ['x12-5010-850-valid', { x12Ack: '999' }, '999 accepted: IK5 A'],
  ['x12-5010-850-missing-beg', { x12Ack: '999' }, 'IK3 BEG 2 **3, IK5 R 5'],
  ['x12-5010-850-bad-code', { x12Ack: '999' }, 'IK3 PID *8 with CTX BEG03, IK4 1 349 7 Q'],
  ['x12-5010-850-se-count', { x12Ack: '999' }, 'IK5 R 4'],
  ['x12-5010-850-ge-count', { x12Ack: '999' }, 'AK9 R 2 1 1 5'],
  ['x12-5010-851-unknown-set', { x12Ack: '999' }, 'IK5 R 1'],
  ['x12-5010-850-partial', { x12Ack: '999' }, 'IK5 A, IK5 R 4, AK9 P'],
  ['x12-5010-850-bad-code', { x12Ack: '997' }, '005010 997: AK103, C030'],
  ['x12-4010-ta1-requested', {}, 'ISA14=1: TA1 A 000, then the 997'],
  ['x12-4010-ta1-control-mismatch', {}, 'TA1 R 001 only (a rejected interchange gets no 997)'],
  ['x12-4010-ta1-invalid-date', {}, 'TA1 R 014, TA102 our date (the partner’s is invalid)'],
  ['edifact-orders-valid', {}, 'UNB 0031=1: CONTRL UCI 7, UCM 7'],
  ['edifact-orders-unt-count', {}, 'UCM 4 29 UNT'],
  ['edifact-orders-missing-bgm', {}, 'UCM 4, UCS 2 13'],
];

function expectedName(name: string, policy: Partial<AcknowledgeOptions>): string {
  // The one input acknowledged two ways keeps both expected files.
  return name === 'x12-5010-850-bad-code' && policy.x12Ack === '997' ? `${name}.997.ack.edi` : `${name}.ack.edi`;
}

describe('golden acknowledgments', () => {
  it.each(cases)('%s (%j): %s', (name, policy) => {
    const input = readFileSync(`${dir}${name}.edi`);
    const acks = acknowledgeAll(input, policy);
    const text = acks.map((a) => Buffer.from(a.bytes).toString('latin1')).join('');
    expect(text).toBe(readFileSync(`${dir}${expectedName(name, policy)}`, 'latin1'));
    for (const ack of acks) {
      const { issues, supported } = reparseIssues(ack.bytes);
      expect(issues).toEqual([]);
      expect(supported.every(Boolean)).toBe(true);
      if (ack.interchange.standard === 'x12') {
        const read = nodeX12Read(Buffer.from(ack.bytes).toString('latin1'), ack.kind);
        expect(read.sets).toBe(ack.interchange.groups.reduce((n, g) => n + g.sets.length, 0));
      }
    }
  });

  it('every golden input round-trips through parse and serialize (but wrong counts and references, which the serializer recomputes)', () => {
    for (const [name] of cases) {
      const input = readFileSync(`${dir}${name}.edi`);
      const { interchanges } = parseEdi(input);
      if (interchanges.flatMap(allIssues).some((i) => /COUNT|REFERENCE/.test(i.code))) continue;
      expect(Buffer.concat(interchanges.map((ic) => serialize(ic))).equals(input), name).toBe(true);
    }
  });
});
