import { describe, expect, it } from 'vitest';
import { parseEdi, serializeSegment, type EdiIssue, type FunctionalGroup, type Interchange } from '@edigate/edi';
import { build997, build999, buildTa1, ourX12Delimiters } from './x12.js';

function interchange(version: '004010' | '005010'): Interchange {
  const isa12 = version === '005010' ? '00501' : '00401';
  const text = [
    `ISA*00*          *00*          *ZZ*PARTNER        *ZZ*EDIGATE        *261128*1200*${version === '005010' ? '^' : 'U'}*${isa12}*000000005*0*P*>`,
    `GS*PO*PARTNER*EDIGATE*20261128*1200*9*X*${version}`,
    'ST*850*0001',
    'BEG*00*SA*PO-1**20261128',
    'REF*ZZ*1',
    'SE*4*0001',
    'GE*1*9',
    'IEA*1*000000005',
  ].join('~\n');
  return parseEdi(`${text}~\n`).interchanges[0]!;
}

function elementIssue(extra: Partial<EdiIssue>): EdiIssue {
  return {
    code: 'TEST',
    severity: 'error',
    level: 'element',
    message: 'test',
    segmentPosition: 3,
    segmentTag: 'REF',
    element: 4,
    elementRef: 'C040',
    codes: { ak304: '8', ak403: '7' },
    ...extra,
  };
}

function lines(group: FunctionalGroup, kind: '997' | '999'): string[] {
  const ack = kind === '997' ? build997(group, { controlNumber: '0001' }) : build999(group, { controlNumber: '0001' });
  return ack.set.segments.map((s) => serializeSegment(s, ourX12Delimiters));
}

describe('AK4 / IK4 position (C030)', () => {
  it('004010: element and component; the repetition is not part of the 004010 C030', () => {
    const group = interchange('004010').groups[0]!;
    group.sets[0]!.issues.push(elementIssue({ component: 2, repetition: 3, value: 'X' }));
    // AK402 is a data element number (N0): a composite id is left out.
    expect(lines(group, '997')).toContain('AK4*4>2**7*X~');
  });

  it('005010: element, component and repetition; repetition without component keeps the empty component', () => {
    const group = interchange('005010').groups[0]!;
    group.sets[0]!.issues.push(
      elementIssue({ component: 2, repetition: 3 }),
      elementIssue({ element: 2, elementRef: '127', repetition: 2 }),
    );
    const ik = lines(group, '999');
    expect(ik).toContain('IK4*4>2>3**7~');
    expect(ik).toContain('IK4*2>>2*127*7~');
    expect(ik.filter((l) => l.startsWith('IK3'))).toEqual(['IK3*REF*3**8~']);
    expect(ik).toContain('CTX*BEG03>PO-1~');
  });

  it('at most 99 AK4 per AK3; a bad value longer than 99 characters is cut', () => {
    const group = interchange('004010').groups[0]!;
    for (let i = 0; i < 120; i++)
      group.sets[0]!.issues.push(elementIssue({ element: 2, elementRef: '127', value: 'V'.repeat(150) }));
    const ak = lines(group, '997');
    expect(ak.filter((l) => l.startsWith('AK4'))).toHaveLength(99);
    expect(ak.find((l) => l.startsWith('AK4'))).toBe(`AK4*2*127*7*${'V'.repeat(99)}~`);
  });
});

describe('TA1', () => {
  it('A 000 for a clean interchange; warnings only give E with the first warning code', () => {
    const ic = interchange('004010');
    expect(buildTa1(ic, { date: '20261129', time: '0930' })).toMatchObject({
      acknowledgment: 'A',
      noteCode: '000',
      controlNumber: '000000005',
      date: '261128',
      time: '1200',
    });
    ic.issues.push({ code: 'W', severity: 'warning', level: 'interchange', message: 'w', codes: { ta105: '006' } });
    expect(buildTa1(ic, { date: '20261129', time: '0930' })).toMatchObject({ acknowledgment: 'E', noteCode: '006' });
    ic.issues.push({ code: 'E', severity: 'error', level: 'interchange', message: 'e', codes: { ta105: '018' } });
    expect(buildTa1(ic, { date: '20261129', time: '0930' })).toMatchObject({ acknowledgment: 'R', noteCode: '018' });
  });
});
