/**
 * Every envelope rule, one named case each: a valid fixture of ours, changed
 * in one place, must give the expected edigate code and the standard's code.
 */
import { describe, expect, it } from 'vitest';
import { allIssues, parseEdi, type EdiIssue, type StandardCodes } from '@edigate/edi';
import { bytes, fixture, mutate } from './helpers.js';

const x12 = 'x12/valid-850-4010.edi';
const x12two = 'x12/valid-850-4010-crlf.edi';
const fact = 'edifact/valid-orders-no-una-crlf.edi';
const factUng = 'edifact/valid-ung-one-line.edi';

function issuesOf(text: string): EdiIssue[] {
  const result = parseEdi(bytes(text));
  return [...result.issues, ...result.interchanges.flatMap(allIssues)];
}

interface Case {
  name: string;
  input: () => string;
  code: string;
  codes: StandardCodes;
  level?: EdiIssue['level'];
  segmentPosition?: number;
  element?: number;
}

const cases: Case[] = [
  // X12 transaction set (AK502)
  {
    name: 'SE01 count wrong',
    input: () => mutate(x12, 'SE*8*0001', 'SE*9*0001'),
    code: 'SET_COUNT_MISMATCH',
    codes: { ak502: '4' },
    level: 'set',
    segmentPosition: 8,
    element: 1,
  },
  {
    name: 'SE02 differs from ST02',
    input: () => mutate(x12, 'SE*8*0001', 'SE*8*0002'),
    code: 'SET_REFERENCE_MISMATCH',
    codes: { ak502: '3' },
    element: 2,
  },
  {
    name: 'SE missing',
    input: () => mutate(x12, 'SE*8*0001~\n', ''),
    code: 'SET_TRAILER_MISSING',
    codes: { ak502: '2' },
  },
  {
    name: 'duplicate ST02 in a group',
    input: () => mutate(x12two, 'ST*850*0002', 'ST*850*0001').replace('SE*8*0002', 'SE*8*0001'),
    code: 'DUPLICATE_SET',
    codes: { ak502: '23' },
  },
  {
    name: 'ST01 invalid',
    input: () => mutate(x12, 'ST*850*', 'ST*85*'),
    code: 'SET_ID_INVALID',
    codes: { ak502: '6' },
  },
  {
    name: 'ST02 too short',
    input: () => mutate(x12, /0001/g, '01'),
    code: 'SET_CONTROL_NUMBER_INVALID',
    codes: { ak502: '7' },
  },
  {
    name: 'SE01 not numeric',
    input: () => mutate(x12, 'SE*8*', 'SE*X*'),
    code: 'INVALID_COUNT',
    codes: { ak502: '4' },
  },
  // X12 functional group (AK905)
  {
    name: 'GE01 count wrong',
    input: () => mutate(x12, 'GE*1*101', 'GE*2*101'),
    code: 'GROUP_COUNT_MISMATCH',
    codes: { ak905: '5' },
    level: 'group',
  },
  {
    name: 'GE02 differs from GS06',
    input: () => mutate(x12, 'GE*1*101', 'GE*1*102'),
    code: 'GROUP_REFERENCE_MISMATCH',
    codes: { ak905: '4' },
  },
  {
    name: 'GE missing',
    input: () => mutate(x12, 'GE*1*101~\n', ''),
    code: 'GROUP_TRAILER_MISSING',
    codes: { ak905: '3' },
  },
  {
    name: 'GS06 not numeric',
    input: () => mutate(x12, /\*101\*X\*004010~\n([^]*)GE\*1\*101/, '*A1*X*004010~\n$1GE*1*A1'),
    code: 'GROUP_CONTROL_NUMBER_INVALID',
    codes: { ak905: '6' },
  },
  {
    name: 'GS08 missing',
    input: () => mutate(x12, '*X*004010', '*X*'),
    code: 'GROUP_VERSION_MISSING',
    codes: { ak905: '2' },
  },
  {
    name: 'GS04 invalid date',
    input: () => mutate(x12, '*20240315*1230*101', '*20241315*1230*101'),
    code: 'INVALID_DATE',
    codes: { ta105: '024' },
    element: 4,
  },
  {
    name: 'GS05 invalid time',
    input: () => mutate(x12, '*20240315*1230*101', '*20240315*2460*101'),
    code: 'INVALID_TIME',
    codes: { ta105: '024' },
    element: 5,
  },
  {
    name: 'duplicate GS06 in an interchange',
    input: () => mutate(x12, /(GS[^~]*~\n[^]*GE\*1\*101~\n)/, '$1$1').replace('IEA*1*', 'IEA*2*'),
    code: 'DUPLICATE_GROUP',
    codes: { ak905: '19' },
  },
  // X12 interchange (TA105)
  {
    name: 'IEA02 differs from ISA13',
    input: () => mutate(x12, 'IEA*1*000000101', 'IEA*1*000000999'),
    code: 'INTERCHANGE_REFERENCE_MISMATCH',
    codes: { ta105: '001' },
  },
  {
    name: 'IEA01 count wrong',
    input: () => mutate(x12, 'IEA*1*', 'IEA*2*'),
    code: 'INTERCHANGE_COUNT_MISMATCH',
    codes: { ta105: '021' },
  },
  {
    name: 'IEA missing (premature end)',
    input: () => mutate(x12, 'IEA*1*000000101~\n', ''),
    code: 'INTERCHANGE_TRAILER_MISSING',
    codes: { ta105: '023' },
  },
  {
    name: 'duplicate ISA13 in one input',
    input: () => fixture(x12).toString('latin1').repeat(2),
    code: 'DUPLICATE_INTERCHANGE',
    codes: { ta105: '025' },
  },
  {
    name: 'ISA09 invalid date',
    input: () => mutate(x12, '*240315*1230*', '*240231*1230*'),
    code: 'INVALID_DATE',
    codes: { ta105: '014' },
    element: 9,
  },
  {
    name: 'ISA10 invalid time',
    input: () => mutate(x12, '*240315*1230*', '*240315*1290*'),
    code: 'INVALID_TIME',
    codes: { ta105: '015' },
    element: 10,
  },
  {
    name: 'ISA11 not U before 00402',
    input: () => mutate(x12, '*U*00401', '*^*00401'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '016' },
    element: 11,
  },
  {
    name: 'ISA12 not a version',
    input: () => mutate(x12, '*U*00401', '*U*0040A'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '017' },
    element: 12,
  },
  {
    name: 'ISA13 not nine digits',
    input: () => mutate(x12, /000000101/g, '00000010X'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '018' },
    element: 13,
  },
  {
    name: 'ISA14 not 0/1',
    input: () => mutate(x12, '*0*P*>', '*2*P*>'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '019' },
  },
  {
    name: 'ISA15 not P/T/I',
    input: () => mutate(x12, '*0*P*>', '*0*X*>'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '020' },
  },
  {
    name: 'ISA05 qualifier unknown',
    input: () => mutate(x12, '*ZZ*SENDERID', '*QQ*SENDERID'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '005' },
  },
  {
    name: 'ISA07 qualifier unknown',
    input: () => mutate(x12, '*ZZ*RECEIVERID', '*QQ*RECEIVERID'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '007' },
  },
  {
    name: 'ISA01 qualifier unknown',
    input: () => mutate(x12, 'ISA*00*', 'ISA*09*'),
    code: 'INVALID_ENVELOPE_VALUE',
    codes: { ta105: '010' },
  },
  {
    name: 'ISA06 width',
    input: () => mutate(x12, 'SENDERID       *', 'SENDERID*'),
    code: 'ISA_FIELD_WIDTH',
    codes: { ta105: '006' },
    element: 6,
  },
  {
    name: 'ISA08 width',
    input: () => mutate(x12, 'RECEIVERID     *', 'RECEIVERID *'),
    code: 'ISA_FIELD_WIDTH',
    codes: { ta105: '008' },
    element: 8,
  },
  {
    name: 'ISA16 alphanumeric',
    input: () => mutate(x12, '*P*>~', '*P*A~'),
    code: 'INVALID_COMPONENT_SEPARATOR',
    codes: { ta105: '027' },
  },
  {
    name: 'segment terminator alphanumeric',
    input: () => mutate(x12, /~/g, 'Z'),
    code: 'INVALID_SEGMENT_TERMINATOR',
    codes: { ta105: '004' },
  },
  {
    name: 'ST without GS',
    input: () =>
      mutate(x12, /GS[^~]*~\n/, '')
        .replace(/GE[^~]*~\n/, '')
        .replace('IEA*1', 'IEA*0'),
    code: 'SET_OUTSIDE_GROUP',
    codes: { ak502: '18', ta105: '024' },
  },
  {
    name: 'segment between SE and GE',
    input: () => mutate(x12, 'SE*8*0001~\n', 'SE*8*0001~\nREF*DP*1~\n'),
    code: 'SEGMENT_OUTSIDE_SET',
    codes: { ta105: '022' },
  },
  {
    name: 'SE without ST',
    input: () => mutate(x12, 'SE*8*0001~\n', 'SE*8*0001~\nSE*1*0009~\n'),
    code: 'UNEXPECTED_TRAILER',
    codes: { ta105: '022' },
  },
  {
    name: 'garbage before the ISA',
    input: () => `HELLO\n${fixture(x12).toString('latin1')}`,
    code: 'GARBAGE_OUTSIDE_INTERCHANGE',
    codes: { ta105: '022', contrl: '33' },
    level: 'file',
  },
  {
    name: 'no interchange at all',
    input: () => 'just some text\n',
    code: 'NO_INTERCHANGE',
    codes: { ta105: '022', contrl: '13' },
    level: 'file',
  },
  {
    name: 'truncated ISA',
    input: () => fixture(x12).toString('latin1').slice(0, 60),
    code: 'HEADER_INCOMPLETE',
    codes: { ta105: '023' },
    level: 'file',
  },
  {
    name: 'last segment without terminator',
    input: () => fixture(x12).toString('latin1').slice(0, -2),
    code: 'MISSING_SEGMENT_TERMINATOR',
    codes: { ta105: '023' },
  },
  // EDIFACT (CONTRL 0085)
  {
    name: 'UNT count wrong',
    input: () => mutate(fact, "UNT+9+1'", "UNT+8+1'"),
    code: 'SET_COUNT_MISMATCH',
    codes: { contrl: '29' },
    segmentPosition: 9,
  },
  {
    name: 'UNH S009 without agency',
    input: () => mutate(fact, "UNH+1+ORDERS:D:96A:UN'", "UNH+1+ORDERS:D:96A'"),
    code: 'SET_ID_INVALID',
    codes: { contrl: '13' },
  },
  {
    name: 'UNT reference wrong',
    input: () => mutate(fact, "UNT+9+1'", "UNT+9+7'"),
    code: 'SET_REFERENCE_MISMATCH',
    codes: { contrl: '28' },
  },
  {
    name: 'UNT missing',
    input: () => mutate(fact, "UNT+9+1'\r\n", ''),
    code: 'SET_TRAILER_MISSING',
    codes: { contrl: '13' },
  },
  {
    name: 'duplicate UNH reference',
    input: () => mutate(fact, 'UNH+2+', 'UNH+1+').replace("UNT+9+2'", "UNT+9+1'"),
    code: 'DUPLICATE_SET',
    codes: { contrl: '26' },
  },
  {
    name: 'UNZ count wrong',
    input: () => mutate(fact, 'UNZ+2+', 'UNZ+3+'),
    code: 'INTERCHANGE_COUNT_MISMATCH',
    codes: { contrl: '29' },
  },
  {
    name: 'UNZ reference wrong',
    input: () => mutate(fact, 'UNZ+2+REF0002', 'UNZ+2+REF9999'),
    code: 'INTERCHANGE_REFERENCE_MISMATCH',
    codes: { contrl: '28' },
  },
  {
    name: 'UNZ missing',
    input: () => mutate(fact, /UNZ[^']*'\r\n/, ''),
    code: 'INTERCHANGE_TRAILER_MISSING',
    codes: { contrl: '13' },
  },
  {
    name: 'UNE count wrong',
    input: () => mutate(factUng, "UNE+2+G1'", "UNE+1+G1'"),
    code: 'GROUP_COUNT_MISMATCH',
    codes: { contrl: '29' },
  },
  {
    name: 'UNE reference wrong',
    input: () => mutate(factUng, "UNE+2+G1'", "UNE+2+G2'"),
    code: 'GROUP_REFERENCE_MISMATCH',
    codes: { contrl: '28' },
  },
  {
    name: 'UNE missing',
    input: () => mutate(factUng, "UNE+2+G1'", ''),
    code: 'GROUP_TRAILER_MISSING',
    codes: { contrl: '13' },
  },
  {
    name: 'UNB date invalid',
    input: () => mutate(fact, '+240315:1230+', '+241315:1230+'),
    code: 'INVALID_DATE',
    codes: { contrl: '12' },
  },
  {
    name: 'UNB time invalid',
    input: () => mutate(fact, '+240315:1230+', '+240315:2530+'),
    code: 'INVALID_TIME',
    codes: { contrl: '12' },
  },
  {
    name: 'unknown syntax identifier',
    input: () => mutate(fact, 'UNOA:2', 'ANSI:2'),
    code: 'SYNTAX_NOT_SUPPORTED',
    codes: { contrl: '2' },
  },
  {
    name: 'UNOA with 8-bit bytes',
    input: () => mutate(fact, 'PO-1001', 'PO-1001\u00e9'),
    code: 'CHARACTER_SET_VIOLATION',
    codes: { contrl: '21' },
  },
  {
    name: 'release before a non-service character',
    input: () => mutate(fact, 'PO-1001', 'PO?-1001'),
    code: 'RELEASE_BEFORE_NON_DELIMITER',
    codes: { contrl: '22' },
  },
  {
    name: 'messages and groups mixed',
    input: () => mutate(factUng, /UNE\+2\+G1'/, "UNE+2+G1'UNH+9+ORDERS:D:96A:UN'BGM+220+X+9'UNT+3+9'"),
    code: 'GROUPS_AND_MESSAGES_MIXED',
    codes: { contrl: '30' },
  },
  {
    name: 'line break inside a segment',
    input: () => mutate(fact, 'PO-1001', 'PO-\n1001'),
    code: 'LINE_BREAK_IN_SEGMENT',
    codes: { contrl: '21' },
  },
];

describe('envelope issues', () => {
  it.each(cases)('$name → $code', (c) => {
    const issues = issuesOf(c.input());
    const found = issues.find((i) => i.code === c.code);
    expect(found, `${c.code} in ${issues.map((i) => i.code).join(', ')}`).toBeDefined();
    expect(found!.codes).toMatchObject(c.codes);
    if (c.level) expect(found!.level).toBe(c.level);
    if (c.segmentPosition !== undefined) expect(found!.segmentPosition).toBe(c.segmentPosition);
    if (c.element !== undefined) expect(found!.element).toBe(c.element);
  });

  it('valid fixtures have no issues', () => {
    for (const f of [
      x12,
      x12two,
      fact,
      factUng,
      'x12/valid-two-interchanges.edi',
      'x12/valid-856-5010-repetition.edi',
      'x12/valid-ta1.edi',
    ]) {
      const result = parseEdi(fixture(f));
      expect(result.issues, f).toEqual([]);
      expect(result.interchanges.flatMap(allIssues), f).toEqual([]);
    }
  });

  it('positions: set, group and interchange indices and the byte offset of the segment', () => {
    const text = mutate(x12two, 'SE*8*0002', 'SE*7*0002');
    const issue = issuesOf(text).find((i) => i.code === 'SET_COUNT_MISMATCH')!;
    expect(issue).toMatchObject({ interchangeIndex: 0, groupIndex: 0, setIndex: 1, segmentTag: 'SE', value: '7' });
    expect(text.slice(issue.offset, issue.offset! + 9)).toBe('SE*7*0002');
  });
});
