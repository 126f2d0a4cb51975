import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEdi } from '../parse.js';
import { allIssues } from '../envelope.js';
import type { EdiIssue, Interchange, TransactionSet } from '../types.js';
import { elementProblems, segmentProblems, setProblems } from './problems.js';
import { findGuide, guideOutline, guideVersion, listGuides } from './registry.js';
import { findLoops, walkTree } from './tree.js';
import { plainSegment } from '../values.js';
import { validateGuides, validateSet } from './validate.js';

const fixtures = fileURLToPath(new URL('../../guides/fixtures/', import.meta.url));
const guideCodes = new Set<string>([
  ...Object.keys(segmentProblems),
  ...Object.keys(elementProblems),
  ...Object.keys(setProblems),
]);

function fixture(name: string): string {
  return readFileSync(`${fixtures}${name}`, 'latin1');
}

/** Parse and guide-validate; returns the first interchange and all its issues. */
function run(text: string): { interchange: Interchange; issues: EdiIssue[]; sets: TransactionSet[] } {
  const result = parseEdi(text);
  expect(result.interchanges).toHaveLength(1);
  const interchange = result.interchanges[0]!;
  validateGuides(interchange);
  return {
    interchange,
    issues: [...result.issues, ...allIssues(interchange)],
    sets: interchange.groups.flatMap((g) => g.sets),
  };
}

describe('valid fixtures: every guide has one, and it validates with zero issues', () => {
  const files = [
    ...readdirSync(`${fixtures}x12`).map((f) => `x12/${f}`),
    ...readdirSync(`${fixtures}edifact`).map((f) => `edifact/${f}`),
  ];

  it('covers every guide', () => {
    for (const g of listGuides()) {
      const name = g.standard === 'x12' ? `x12/${g.version}_${g.id}.edi` : `edifact/${g.version}_${g.id}.edi`;
      expect(files, `fixture for ${g.standard} ${g.version} ${g.id}`).toContain(name);
    }
  });

  it.each(files)('%s', (name) => {
    const { issues, sets, interchange } = run(fixture(name));
    expect(issues).toEqual([]);
    for (const set of sets) {
      expect(set.supported).toBe(true);
      expect(set.tree?.root.id).toBe(set.id);
    }
    if (name.endsWith('TA1.edi')) expect(interchange.serviceSegments.map((s) => s.tag)).toEqual(['TA1']);
  });
});

interface Variant {
  name: string;
  file: string;
  change: (text: string) => string;
  expect: Partial<EdiIssue> & { ak304?: string; ak403?: string; contrl?: string };
}

const replace = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`fixture lacks ${from}`);
  return text.replace(from, to);
};
const insertAfter = (line: string, add: string) => replace(`${line}~\n`, `${line}~\n${add}~\n`);
const edifactAfter = (line: string, add: string) => replace(`${line}'\n`, `${line}'\n${add}'\n`);
const removeLines =
  (...lines: string[]) =>
  (text: string) =>
    lines.reduce((t, l) => replace(`${l}~\n`, '')(t), text);

const variants: Variant[] = [
  {
    name: 'BEG missing',
    file: 'x12/004010_850.edi',
    change: removeLines('BEG*00*SA*PO-4500012345**20261128'),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', ak304: '3', segmentTag: 'BEG', segmentPosition: 2 },
  },
  {
    name: 'PO1 loop missing',
    file: 'x12/004010_850.edi',
    change: removeLines(
      'PO1*1*120*EA*9.25*PE*UP*012345678905*VP*WID-S',
      'PID*F****SMALL WIDGET',
      'PO4*12*1*EA',
      'SCH*120*EA***002*20261215',
      'PO1*2*48*CA*27.50*PE*UP*012345678912*VP*WID-L',
      'PID*F****LARGE WIDGET',
      'SAC*A*C310***1500',
    ),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', ak304: '3', segmentTag: 'PO1', segmentPosition: 19, loopId: 'PO1' },
  },
  {
    name: 'segment unknown to the guide',
    file: 'x12/004010_850.edi',
    change: insertAfter('BEG*00*SA*PO-4500012345**20261128', 'ZZZ*1'),
    expect: { code: 'SEGMENT_UNEXPECTED', ak304: '2', segmentTag: 'ZZZ', segmentPosition: 3 },
  },
  {
    name: 'BEG again after CUR',
    file: 'x12/004010_850.edi',
    change: insertAfter('CUR*BY*USD', 'BEG*00*SA*X**20261128'),
    expect: { code: 'SEGMENT_OUT_OF_SEQUENCE', ak304: '7', segmentTag: 'BEG', segmentPosition: 4 },
  },
  {
    name: 'malformed segment id',
    file: 'x12/004010_850.edi',
    change: insertAfter('CUR*BY*USD', 'r3x*1'),
    expect: { code: 'SEGMENT_UNRECOGNIZED', ak304: '1', segmentPosition: 4 },
  },
  {
    name: 'REF over maximum use (12)',
    file: 'x12/004010_850.edi',
    change: insertAfter('REF*IA*VEND-7781', Array.from({ length: 11 }, (_, i) => `REF*ZZ*${i}`).join('~\n')),
    expect: { code: 'SEGMENT_OVER_MAXIMUM_USE', ak304: '5', segmentTag: 'REF', segmentPosition: 16 },
  },
  {
    name: 'CTT loop twice (max 1)',
    file: 'x12/004010_850.edi',
    change: insertAfter('AMT*TT*2430', 'CTT*2'),
    expect: { code: 'LOOP_OVER_MAXIMUM', ak304: '4', segmentTag: 'CTT', segmentPosition: 28, loopId: 'CTT' },
  },
  {
    name: '997 segment outside the set',
    file: 'x12/004010_997.edi',
    change: insertAfter('AK1*PO*1', 'N1*ST*X'),
    expect: { code: 'SEGMENT_NOT_IN_SET', ak304: '6', segmentTag: 'N1', segmentPosition: 3 },
  },
  {
    name: 'BEG03 missing',
    file: 'x12/004010_850.edi',
    change: replace('BEG*00*SA*PO-4500012345**', 'BEG*00*SA***'),
    expect: {
      code: 'ELEMENT_MANDATORY_MISSING',
      ak304: '8',
      ak403: '1',
      segmentPosition: 2,
      element: 3,
      elementRef: '324',
    },
  },
  {
    name: 'PER04 missing (P0304)',
    file: 'x12/004010_850.edi',
    change: replace('PER*BD*JANE BUYER*TE*5555551234', 'PER*BD*JANE BUYER*TE'),
    expect: { code: 'ELEMENT_CONDITIONAL_MISSING', ak403: '2', segmentPosition: 6, element: 4 },
  },
  {
    name: 'REF02 and REF03 missing (R0203)',
    file: 'x12/004010_850.edi',
    change: replace('REF*DP*038', 'REF*DP'),
    expect: { code: 'ELEMENT_CONDITIONAL_MISSING', ak403: '2', segmentPosition: 4, element: 2 },
  },
  {
    name: 'N3 with a third element',
    file: 'x12/004010_850.edi',
    change: replace('N3*100 WAREHOUSE WAY', 'N3*100 WAREHOUSE WAY*SUITE 1*EXTRA'),
    expect: { code: 'ELEMENT_TOO_MANY', ak403: '3', segmentPosition: 14, element: 3, loopId: 'N1' },
  },
  {
    name: 'N101 too short',
    file: 'x12/004010_850.edi',
    change: replace('N1*BT*', 'N1*B*'),
    expect: { code: 'ELEMENT_TOO_SHORT', ak403: '4', segmentPosition: 16, element: 1, loopId: 'N1' },
  },
  {
    name: 'N402 too long',
    file: 'x12/004010_850.edi',
    change: replace('N4*COLUMBUS*OH', 'N4*COLUMBUS*OHIO'),
    expect: { code: 'ELEMENT_TOO_LONG', ak403: '5', segmentPosition: 15, element: 2 },
  },
  {
    name: 'PO102 not numeric',
    file: 'x12/004010_850.edi',
    change: replace('PO1*1*120*EA', 'PO1*1*12O*EA'),
    expect: { code: 'ELEMENT_INVALID_CHARACTER', ak403: '6', segmentPosition: 19, element: 2, loopId: 'PO1' },
  },
  {
    name: 'PID01 not in its code list',
    file: 'x12/004010_850.edi',
    change: replace('PID*F****SMALL WIDGET', 'PID*Q****SMALL WIDGET'),
    expect: { code: 'ELEMENT_INVALID_CODE', ak403: '7', segmentPosition: 20, element: 1, loopId: 'PID', value: 'Q' },
  },
  {
    name: '4010: REF01 outside the 004010 list of 128',
    file: 'x12/004010_850.edi',
    change: replace('REF*DP*038', 'REF*QQQ*038'),
    expect: { code: 'ELEMENT_INVALID_CODE', ak403: '7', segmentPosition: 4, element: 1, elementRef: '128' },
  },
  {
    name: '5010: code lists are not closed',
    file: 'x12/005010_850.edi',
    change: replace('REF*DP*038', 'REF*QQQ*038'),
    expect: {},
  },
  {
    name: 'BEG05 31 November',
    file: 'x12/004010_850.edi',
    change: replace('BEG*00*SA*PO-4500012345**20261128', 'BEG*00*SA*PO-4500012345**20261131'),
    expect: { code: 'ELEMENT_INVALID_DATE', ak403: '8', segmentPosition: 2, element: 5 },
  },
  {
    name: 'DTM03 25:60',
    file: 'x12/004010_856.edi',
    change: replace('DTM*011*20261210*1430', 'DTM*011*20261210*2560'),
    expect: { code: 'ELEMENT_INVALID_TIME', ak403: '9', segmentPosition: 3, element: 3 },
  },
  {
    name: 'QTY02 and QTY04 both (E0204)',
    file: 'x12/004010_846.edi',
    change: replace('QTY*33*240*CA', 'QTY*33*240*CA*FREE TEXT'),
    expect: { code: 'ELEMENT_EXCLUSION_VIOLATED', ak403: '10', element: 4, loopId: 'QTY' },
  },
  {
    name: 'negative quantity is numeric (sign not counted)',
    file: 'x12/004010_850.edi',
    change: replace('PO4*12*1*EA', 'PO4*-123456*1*EA'),
    expect: {},
  },
  {
    name: '5010: REF02 repeated',
    file: 'x12/005010_850.edi',
    change: replace('REF*DP*038', 'REF*DP*038^039'),
    expect: { code: 'ELEMENT_TOO_MANY_REPETITIONS', ak403: '12', segmentPosition: 4, element: 2, repetition: 2 },
  },
  {
    name: '5010: N102 with components',
    file: 'x12/005010_850.edi',
    change: replace('N1*ST*EDIGATE RETAIL DC 12', 'N1*ST*EDIGATE>RETAIL'),
    expect: { code: 'ELEMENT_TOO_MANY_COMPONENTS', ak403: '13', element: 2, component: 2 },
  },
  {
    name: '4010: N102 with components',
    file: 'x12/004010_850.edi',
    change: replace('N1*ST*EDIGATE RETAIL DC 12', 'N1*ST*EDIGATE>RETAIL'),
    expect: { code: 'ELEMENT_TOO_MANY_COMPONENTS', ak403: '3', element: 2, component: 2 },
  },
  {
    name: '856: HL02 names no earlier HL',
    file: 'x12/004010_856.edi',
    change: replace('HL*4*3*I', 'HL*4*9*I'),
    expect: { code: 'HL_PARENT_UNKNOWN', ak403: '7', element: 2, segmentTag: 'HL', segmentPosition: 17, loopId: 'HL' },
  },
  {
    name: '856: HL01 repeated',
    file: 'x12/004010_856.edi',
    change: replace('HL*5*2*P', 'HL*4*2*P'),
    expect: { code: 'HL_ID_DUPLICATE', ak403: '7', element: 1 },
  },
  {
    name: '856: HL01 decreasing',
    file: 'x12/004010_856.edi',
    change: replace('HL*6*5*I', 'HL*0*5*I'),
    expect: { code: 'HL_ID_NOT_INCREASING', ak403: '7', element: 1 },
  },
  // HL01 values that are not plain numbers up to the set's length take the map rather than the by-number table.
  {
    name: '856: HL01 with a leading zero is another id than without',
    file: 'x12/004010_856.edi',
    change: replace('HL*3*2*P', 'HL*03*2*P'),
    expect: { code: 'HL_PARENT_UNKNOWN', element: 2, segmentPosition: 17, value: '3' },
  },
  {
    name: '856: HL01 above the set length links its children',
    file: 'x12/004010_856.edi',
    change: (t) => replace('HL*6*5*I', 'HL*100001*100000*I')(replace('HL*5*2*P', 'HL*100000*2*P')(t)),
    expect: {},
  },
  {
    name: '856: HL01 with a leading zero repeated',
    file: 'x12/004010_856.edi',
    change: (t) => replace('HL*6*5*I', 'HL*05*2*I')(replace('HL*5*2*P', 'HL*05*2*P')(t)),
    expect: { code: 'HL_ID_DUPLICATE', element: 1, value: '05' },
  },
  {
    name: '999: IK501 invalid code',
    file: 'x12/005010_999.edi',
    change: replace('IK5*A', 'IK5*Q'),
    expect: { code: 'ELEMENT_INVALID_CODE', ak403: '7', segmentTag: 'IK5', segmentPosition: 4, loopId: 'AK2' },
  },
  {
    name: 'TA1 with an invalid note code',
    file: 'x12/005010_TA1.edi',
    change: replace('*R*022', '*R*099'),
    expect: { code: 'TA1_ELEMENT_INVALID_CODE', element: 5 },
  },
  {
    name: 'ORDERS: BGM missing',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace("BGM+220+PO4500012345+9'\n", ''),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', contrl: '13', segmentTag: 'BGM', segmentPosition: 2 },
  },
  {
    name: 'ORDERS: unknown segment',
    file: 'edifact/D96A_ORDERS.edi',
    change: edifactAfter('BGM+220+PO4500012345+9', 'XYZ+1'),
    expect: { code: 'SEGMENT_UNEXPECTED', contrl: '15', segmentPosition: 3 },
  },
  {
    name: 'ORDERS: DTM 31 November (format 102)',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('DTM+2:20261215:102', 'DTM+2:20261131:102'),
    expect: { code: 'ELEMENT_INVALID_DATE', contrl: '12', element: 1, component: 2 },
  },
  {
    name: 'ORDERS: quantity with a letter',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('QTY+21:48', 'QTY+21:4B'),
    expect: { code: 'ELEMENT_INVALID_CHARACTER', contrl: '37', loopId: 'SG25', component: 2 },
  },
  {
    name: 'ORDERS: decimal comma under UNA full stop',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('PRI+AAA:9.25', 'PRI+AAA:9,25'),
    expect: { code: 'ELEMENT_INVALID_DECIMAL_NOTATION', contrl: '19', loopId: 'SG28' },
  },
  {
    name: 'ORDERS: party qualifier too long',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('NAD+BY+', 'NAD+BUYER+'),
    expect: { code: 'ELEMENT_TOO_LONG', contrl: '39', loopId: 'SG2', element: 1 },
  },
  {
    name: 'ORDERS: party qualifier not in the D.96A list of 3035',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('NAD+BY+', 'NAD+QQ+'),
    expect: { code: 'ELEMENT_INVALID_CODE', contrl: '12', loopId: 'SG2', element: 1, value: 'QQ' },
  },
  {
    name: 'ORDERS: BGM with a fifth element',
    file: 'edifact/D96A_ORDERS.edi',
    change: replace('BGM+220+PO4500012345+9', 'BGM+220+PO4500012345+9+AB+X'),
    expect: { code: 'ELEMENT_TOO_MANY', contrl: '16', element: 5 },
  },
  {
    name: 'ORDERS: SG7 six times (max 5)',
    file: 'edifact/D96A_ORDERS.edi',
    change: edifactAfter('CUX+2:EUR:9', Array.from({ length: 5 }, () => 'CUX+2:EUR:9').join("'\n")),
    expect: { code: 'LOOP_OVER_MAXIMUM', contrl: '36', loopId: 'SG7' },
  },
  {
    name: 'INVOIC: SG48 missing',
    file: 'edifact/D96A_INVOIC.edi',
    change: (t) => t.replace("MOA+86:2940.3'\nMOA+79:2430'\n", ''),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', contrl: '13', segmentTag: 'MOA', loopId: 'SG48' },
  },
  // One variant for every other guide.
  {
    name: '4010 810: TDS missing',
    file: 'x12/004010_810.edi',
    change: removeLines('TDS*243000'),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', ak304: '3', segmentTag: 'TDS' },
  },
  {
    name: '5010 810: IT1 quantity without unit (P020304)',
    file: 'x12/005010_810.edi',
    change: replace('IT1*1*120*EA*9.25', 'IT1*1*120**9.25'),
    expect: { code: 'ELEMENT_CONDITIONAL_MISSING', ak403: '2', element: 3, loopId: 'IT1' },
  },
  {
    name: '4010 855: BAK04 not a date',
    file: 'x12/004010_855.edi',
    change: replace('BAK*00*AC*PO-4500012345*20261128', 'BAK*00*AC*PO-4500012345*2026112A'),
    expect: { code: 'ELEMENT_INVALID_DATE', ak403: '8', segmentPosition: 2, element: 4 },
  },
  {
    name: '5010 855: ACK loop before PO1',
    file: 'x12/005010_855.edi',
    change: insertAfter('REF*VN*SO-99812', 'ACK*IA*1*EA'),
    expect: { code: 'SEGMENT_UNEXPECTED', ak304: '2', segmentTag: 'ACK', segmentPosition: 4 },
  },
  {
    name: '5010 856: HL03 missing',
    file: 'x12/005010_856.edi',
    change: replace('HL*2*1*O', 'HL*2*1'),
    expect: { code: 'ELEMENT_MANDATORY_MISSING', ak403: '1', segmentTag: 'HL', element: 3, loopId: 'HL' },
  },
  {
    name: '5010 846: BIA missing',
    file: 'x12/005010_846.edi',
    change: removeLines('BIA*00*MM*INV-ADV-0042*20261128*1200'),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', ak304: '3', segmentTag: 'BIA', segmentPosition: 2 },
  },
  {
    name: '5010 997: AK4 outside an AK3 loop',
    file: 'x12/005010_997.edi',
    change: insertAfter('AK2*850*0001', 'AK4*1*143*7'),
    expect: { code: 'SEGMENT_UNEXPECTED', ak304: '2', segmentTag: 'AK4', segmentPosition: 4, loopId: 'AK2' },
  },
  {
    name: '5010 997: AK501 not a 717 code',
    file: 'x12/005010_997.edi',
    change: replace('AK5*A', 'AK5*Z'),
    expect: { code: 'ELEMENT_INVALID_CODE', ak403: '7', segmentTag: 'AK5', value: 'Z' },
  },
  {
    name: 'ORDRSP: BGM missing',
    file: 'edifact/D96A_ORDRSP.edi',
    change: replace("BGM+231+RSP-99812+29+AP'\n", ''),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', contrl: '13', segmentTag: 'BGM' },
  },
  {
    name: 'DESADV: package count not numeric',
    file: 'edifact/D96A_DESADV.edi',
    change: replace('PAC+2++CT', 'PAC+X2++CT'),
    expect: { code: 'ELEMENT_INVALID_CHARACTER', contrl: '37', segmentTag: 'PAC', loopId: 'SG11', element: 1 },
  },
  {
    name: 'INVRPT: INV group without its mandatory QTY',
    file: 'edifact/D96A_INVRPT.edi',
    change: replace("QTY+145:240'\n", ''),
    expect: { code: 'SEGMENT_MANDATORY_MISSING', contrl: '13', segmentTag: 'QTY', loopId: 'SG11' },
  },
  {
    name: 'CONTRL: UCI action code missing',
    file: 'edifact/D96A_CONTRL.edi',
    change: replace('5498765000010:14+4', '5498765000010:14'),
    expect: { code: 'ELEMENT_MANDATORY_MISSING', contrl: '13', segmentTag: 'UCI', element: 4 },
  },
];

describe('one-change variants report the standard codes at the right position', () => {
  it.each(variants)('$name', ({ file, change, expect: want }) => {
    const text = change(fixture(file));
    const result = parseEdi(text);
    const interchange = result.interchanges[0]!;
    validateGuides(interchange);
    // Guide findings only: the envelope checker's SE01 complaints after a variant adds or drops a segment are not ours.
    const issues = [
      ...interchange.issues,
      ...interchange.groups.flatMap((g) => g.sets.flatMap((s) => s.issues)),
    ].filter((i) => (guideCodes.has(i.code) || i.code.startsWith('TA1_')) && i.code !== 'SET_SEGMENTS_IN_ERROR');
    if (want.code === undefined) {
      expect(issues).toEqual([]);
      return;
    }
    const { ak304, ak403, contrl, ...location } = want;
    expect(issues[0]).toMatchObject(location);
    if (ak304 !== undefined) expect(issues[0]!.codes.ak304).toBe(ak304);
    if (ak403 !== undefined) expect(issues[0]!.codes.ak403).toBe(ak403);
    if (contrl !== undefined) expect(issues[0]!.codes.contrl).toBe(contrl);
    // A set with findings carries one AK502 5 summary.
    if (!want.code.startsWith('TA1_')) {
      const set = interchange.groups[0]!.sets[0]!;
      expect(set.issues.filter((i) => i.code === 'SET_SEGMENTS_IN_ERROR')).toHaveLength(1);
    }
  });
});

describe('guide selection', () => {
  it('maps declared versions onto guide versions', () => {
    expect(guideVersion('x12', '004010VICS')).toBe('004010');
    expect(guideVersion('x12', '00401')).toBe('004010');
    expect(guideVersion('x12', '005010X231A1')).toBe('005010');
    expect(guideVersion('edifact', 'D:96A')).toBe('D96A');
    expect(findGuide('x12', '004010VICS', '850')?.id).toBe('850');
    expect(findGuide('x12', '003010', '850')).toBeUndefined();
    expect(findGuide('x12', '004010', '999')?.coverage).toBe('full');
    expect(findGuide('edifact', 'D96A', 'ORDERS')?.coverage).toBe('common');
    expect(findGuide('edifact', 'D3', 'CONTRL')?.id).toBe('CONTRL');
  });

  it('gives a one-line outline of a guide', () => {
    expect(guideOutline('x12', '004010', '997')).toBe('ST AK1 AK2(AK2 AK3(AK3 AK4) AK5) AK9 SE');
    expect(guideOutline('edifact', 'D96A', 'CONTRL')).toBe(
      'UNH UCI SG1(UCM SG2(UCS UCD)) SG3(UCF SG4(UCM SG5(UCS UCD))) UNT',
    );
    expect(guideOutline('x12', '004060', '856')).toBeUndefined();
  });

  it('reports an unknown set as not supported (AK502 1) and builds no tree', () => {
    const text = fixture('x12/004010_850.edi').replace('ST*850*0001', 'ST*875*0001');
    const set = parseEdi(text).interchanges[0]!.groups[0]!.sets[0]!;
    const result = validateSet(set, { standard: 'x12' });
    expect(result.supported).toBe(false);
    expect(result.tree).toBeUndefined();
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'SET_NOT_SUPPORTED', level: 'set', codes: { ak502: '1' } }),
    ]);
  });

  it('a set cut short (no SE) gets no missing-segment findings for what never came', () => {
    const text = fixture('x12/004010_850.edi').replace(/CTT\*2\*168~\nAMT\*TT\*2430~\nSE\*28\*0001~\n/, '');
    const interchange = parseEdi(text).interchanges[0]!;
    validateGuides(interchange);
    const set = interchange.groups[0]!.sets[0]!;
    expect(set.complete).toBe(false);
    expect(set.supported).toBe(true);
    expect(set.issues.filter((i) => guideCodes.has(i.code))).toEqual([]);
    expect(findLoops(set.tree!.root, 'PO1')).toHaveLength(2);
  });

  it('validateGuides twice adds nothing the second time', () => {
    const text = fixture('x12/005010_850.edi').replace('N4*COLUMBUS*OH', 'N4*COLUMBUS*OHIO');
    const interchange = parseEdi(text).interchanges[0]!;
    validateGuides(interchange);
    const first = interchange.groups[0]!.sets[0]!.issues.length;
    validateGuides(interchange);
    expect(interchange.groups[0]!.sets[0]!.issues).toHaveLength(first);
    const ta1 = parseEdi(fixture('x12/005010_TA1.edi').replace('*R*022', '*R*099')).interchanges[0]!;
    validateGuides(ta1);
    validateGuides(ta1);
    expect(ta1.issues.filter((i) => i.code.startsWith('TA1_'))).toHaveLength(1);
  });

  it("the tree holds the set's own segment objects, whenever `set.segments` is first read", () => {
    const text = fixture('x12/004010_856.edi');
    const reference = run(text).sets[0]!;
    const segmentsOf = (set: TransactionSet) =>
      [...walkTree(set.tree!)]
        .flatMap(({ node }) => (node.kind === 'segment' ? [node] : []))
        .sort((a, b) => a.position - b.position)
        .map((node) => node.segment);
    // Read after validation, before the tree; read before the tree, after validation; never read before the tree.
    const after = parseEdi(text).interchanges[0]!;
    validateGuides(after);
    const afterSet = after.groups[0]!.sets[0]!;
    const afterSegments = afterSet.segments;
    expect(segmentsOf(afterSet)).toEqual(afterSegments);
    segmentsOf(afterSet).forEach((segment, i) => expect(segment).toBe(afterSegments[i]));
    const lazy = parseEdi(text).interchanges[0]!;
    validateGuides(lazy);
    const lazySet = lazy.groups[0]!.sets[0]!;
    const treeSegments = segmentsOf(lazySet);
    treeSegments.forEach((segment, i) => expect(segment).toBe(lazySet.segments[i]));
    expect(lazySet.segments.map(plainSegment)).toEqual(reference.segments.map(plainSegment));
    expect(lazySet.issues).toEqual(reference.issues);
    // Replaced before anything read them: the tree keeps the segments as parsed.
    const replaced = parseEdi(text).interchanges[0]!;
    validateGuides(replaced);
    const replacedSet = replaced.groups[0]!.sets[0]!;
    replacedSet.segments = [];
    expect(segmentsOf(replacedSet).map(plainSegment)).toEqual(reference.segments.map(plainSegment));
  });

  it('validateSet leaves the set untouched', () => {
    const set = parseEdi(fixture('x12/004010_850.edi')).interchanges[0]!.groups[0]!.sets[0]!;
    const before = set.issues.length;
    const result = validateSet(set, { standard: 'x12', groupIndex: 0, setIndex: 0 });
    expect(result.supported).toBe(true);
    expect(set.issues).toHaveLength(before);
    expect(set.tree).toBeUndefined();
  });
});
