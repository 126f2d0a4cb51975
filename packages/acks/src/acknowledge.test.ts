import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allIssues, parseEdi, type Interchange } from '@edigate/edi';
import { acknowledge, type AcknowledgeOptions, type Acknowledgment } from './acknowledge.js';

const fixed = { at: { date: '20261129', time: '0930' }, controlNumbers: { interchange: 7, group: 3, set: 11 } };

function one(text: string): Interchange {
  const { interchanges } = parseEdi(text);
  expect(interchanges).toHaveLength(1);
  return interchanges[0]!;
}

function ack(text: string, policy: Partial<AcknowledgeOptions> = {}): Acknowledgment[] {
  return acknowledge(one(text), { ...fixed, ...policy });
}

function textOf(a: Acknowledgment | undefined): string {
  return Buffer.from(a!.bytes).toString('latin1');
}

const body = (ctl: string) => [
  `ST*850*${ctl}`,
  'BEG*00*SA*PO-1**20261128',
  'PO1*1*1*EA*1**UP*012345678905',
  'CTT*1',
  `SE*5*${ctl}`,
];

function x12({ isa14 = '0', groups = [{ version: '004010', sets: [body('0001')] }], gs01 = 'PO' } = {}): string {
  const isa12 = groups.every((g) => g.version.startsWith('00501')) ? '00501' : '00401';
  const segs = [
    `ISA*00*          *00*          *ZZ*PARTNER        *ZZ*EDIGATE        *261128*1200*${isa12 === '00501' ? '^' : 'U'}*${isa12}*000000005*${isa14}*P*>`,
  ];
  groups.forEach((g, i) => {
    segs.push(
      `GS*${gs01}*PARTNER*EDIGATE*20261128*1200*${i + 1}*X*${g.version}`,
      ...g.sets.flat(),
      `GE*${g.sets.length}*${i + 1}`,
    );
  });
  segs.push(`IEA*${groups.length}*000000005`);
  return `${segs.join('~\n')}~\n`;
}

describe('acknowledge: X12 policy', () => {
  it('997 by default, no TA1 for a clean interchange without ISA14=1; control numbers from the caller', () => {
    const acks = ack(x12());
    expect(acks.map((a) => a.kind)).toEqual(['997']);
    const text = textOf(acks[0]);
    expect(text).toContain('*000000007*0*P*>~');
    expect(text).toContain('GS*FA*EDIGATE*PARTNER*20261129*0930*3*X*004010~');
    expect(text).toContain('ST*997*0011~');
    expect(text).toContain('AK9*A*1*1*1~');
  });

  it('TA1 when ISA14=1 (on-error), always, never; the TA1 takes the first interchange number', () => {
    expect(ack(x12({ isa14: '1' })).map((a) => a.kind)).toEqual(['ta1', '997']);
    const both = ack(x12({ isa14: '1' }));
    expect(textOf(both[1])).toContain('*000000008*0*P*>~');
    expect(ack(x12(), { ta1: 'always' }).map((a) => a.kind)).toEqual(['ta1', '997']);
    expect(ack(x12({ isa14: '1' }), { ta1: 'never' }).map((a) => a.kind)).toEqual(['997']);
    expect(ack(x12(), { x12Ack: 'none' })).toEqual([]);
  });

  it('FA groups are never acknowledged, nor a TA1-only interchange', () => {
    const ak = [['ST*997*0001', 'AK1*PO*1', 'AK9*A*1*1*1', 'SE*4*0001']];
    expect(ack(x12({ gs01: 'FA', groups: [{ version: '004010', sets: ak }] }))).toEqual([]);
    const ta1Only =
      'ISA*00*          *00*          *ZZ*PARTNER        *ZZ*EDIGATE        *261128*1200*U*00401*000000005*0*P*>~\nTA1*000000001*261128*1200*A*000~\nIEA*0*000000005~\n';
    expect(ack(ta1Only, { ta1: 'always' })).toEqual([]);
  });

  it('groups of 004010 and 005010 get one FA group each, numbered in turn, in one interchange', () => {
    const acks = ack(
      x12({
        groups: [
          { version: '004010', sets: [body('0001')] },
          { version: '005010', sets: [body('0002')] },
        ],
      }),
    );
    const text = textOf(acks[0]);
    expect(text).toContain('GS*FA*EDIGATE*PARTNER*20261129*0930*3*X*004010~');
    expect(text).toContain('GS*FA*EDIGATE*PARTNER*20261129*0930*4*X*005010~');
    expect(text).toContain('AK1*PO*2*005010~');
    expect(text).toContain('ST*997*0012~');
    expect(reparse(acks[0]!)).toEqual([]);
  });

  it('a set with only X12-coded warnings is accepted with errors noted (AK5 E, AK9 E)', () => {
    const ic = one(x12());
    ic.groups[0]!.sets[0]!.issues.push({
      code: 'TEST_WARNING',
      severity: 'warning',
      level: 'element',
      message: 'noted',
      segmentPosition: 2,
      segmentTag: 'BEG',
      element: 3,
      codes: { ak304: '8', ak403: '6' },
    });
    const text = textOf(acknowledge(ic, fixed)[0]);
    expect(text).toContain('AK3*BEG*2**8~\nAK4*3**6~\nAK5*E~\nAK9*E*1*1*1~');
  });

  it('values echoed into AK404 lose our delimiters; mirror writes with the partner’s', () => {
    const input = x12().replaceAll('*', '|').replace('BEG|00|', 'BEG|9*|');
    const ours = textOf(ack(input)[0]);
    expect(ours).toContain('AK4*1*353*7*9~');
    const mirrored = textOf(ack(input, { delimiters: 'mirror' })[0]);
    expect(mirrored).toContain('AK4|1|353|7|9*~');
    expect(reparse(ack(input, { delimiters: 'mirror' })[0]!)).toEqual([]);
  });

  it('a rejected interchange (TA104 R) gets its TA1 and no 997, unless a 997 is asked for by name', () => {
    const input = x12().replace('IEA*1*000000005', 'IEA*1*000000006');
    expect(ack(input).map((a) => a.kind)).toEqual(['ta1']);
    expect(ack(input, { only: '997' }).map((a) => a.kind)).toEqual(['997']);
  });
});

const edifact = (unz = '1', una = "UNA:+.? '\n") =>
  `${una}UNB+UNOC:3+SENDER:ZZZ+EDIGATE:ZZZ+261128:1200+ICR1++++1'\nUNG+ORDERS+SENDER+EDIGATE+261128:1200+G1+UN+D:96A'\nUNH+M1+ORDERS:D:96A:UN'\nBGM+220+PO?+1+9'\nDTM+137:20261128:102'\nUNS+S'\nUNT+5+M1'\nUNE+1+G1'\nUNZ+${unz}+ICR1'\n`;

describe('acknowledge: CONTRL', () => {
  it('messages in UNG groups are reported under UCF', () => {
    const text = textOf(ack(edifact())[0]);
    expect(text).toContain("UCI+ICR1+SENDER:ZZZ+EDIGATE:ZZZ+7'\nUCF+G1+SENDER+EDIGATE+");
    expect(text).toMatch(/UCM\+M1\+ORDERS:D:96A:UN\+[47]'/);
  });

  it('an interchange-level error rejects the interchange: UCI 4 with 0085 and the service segment, no UCM', () => {
    const text = textOf(ack(edifact('2'))[0]);
    expect(text).toContain("UCI+ICR1+SENDER:ZZZ+EDIGATE:ZZZ+4+29+UNZ'\nUNT+3+11'");
  });

  it('receipt only: UCI 8; never for an interchange of CONTRL messages; not without UNB 0031=1 by default', () => {
    expect(textOf(ack(edifact(), { contrlReceiptOnly: true })[0])).toContain(
      "UCI+ICR1+SENDER:ZZZ+EDIGATE:ZZZ+8'\nUNT+3+11'",
    );
    expect(ack(edifact().replace('ICR1++++1', 'ICR1'))).toEqual([]);
    expect(ack(edifact().replace('ICR1++++1', 'ICR1'), { contrl: 'always' })).toHaveLength(1);
    const contrlIn = textOf(ack(edifact())[0]).replace(
      'UNB+UNOC:3+EDIGATE:ZZZ+SENDER:ZZZ+261129:0930+7',
      'UNB+UNOC:3+EDIGATE:ZZZ+SENDER:ZZZ+261129:0930+7++++1',
    );
    expect(ack(contrlIn)).toEqual([]);
  });
});

function reparse(a: Acknowledgment): unknown[] {
  const result = parseEdi(a.bytes);
  return [...result.issues, ...result.interchanges.flatMap(allIssues)];
}

describe('acknowledge never throws', () => {
  it('on any edit of a valid X12 or EDIFACT interchange, and what it writes re-reads without envelope findings', () => {
    const inputs = [x12({ isa14: '1' }), edifact()];
    fc.assert(
      fc.property(
        fc.constantFrom(...inputs),
        fc.nat(),
        fc.string({
          maxLength: 6,
          unit: fc.constantFrom('*', '~', '>', '^', '+', ':', "'", '?', 'A', '1', '\n', ' ', '|', 'ST', 'SE', 'UN'),
        }),
        fc.nat({ max: 8 }),
        fc.constantFrom<Partial<AcknowledgeOptions>>(
          { ta1: 'always', contrl: 'always' },
          { x12Ack: '999', ta1: 'always', contrl: 'always', delimiters: 'mirror' },
        ),
        (input, at, insert, cut, policy) => {
          const i = at % input.length;
          const mutated = input.slice(0, i) + insert + input.slice(i + cut);
          for (const ic of parseEdi(mutated).interchanges) {
            for (const a of acknowledge(ic, { ...fixed, ...policy })) {
              const result = parseEdi(a.bytes);
              expect(result.interchanges).toHaveLength(1);
              expect(
                [...result.issues, ...allIssues(result.interchanges[0]!)].filter(
                  (x) => x.level === 'interchange' || x.level === 'group' || x.level === 'file',
                ),
              ).toEqual([]);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
