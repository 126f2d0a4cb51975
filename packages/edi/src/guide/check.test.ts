import { describe, expect, it } from 'vitest';
import { checkText, checkValue, isValidDate, isValidEdifactDateTime, isValidTime } from './check.js';
import { codeKey, TypeClass, type CompiledElement } from './compile.js';
import type { ElementType } from './format.js';

const classes: Partial<Record<ElementType, number>> = {
  AN: TypeClass.Text,
  ID: TypeClass.Id,
  R: TypeClass.Real,
  DT: TypeClass.Date,
  TM: TypeClass.Time,
  N0: TypeClass.Numeric,
  N2: TypeClass.Numeric,
  an: TypeClass.Text,
  a: TypeClass.Alpha,
  n: TypeClass.EdifactNumeric,
};

function element(type: ElementType, min: number, max: number, codes?: string[]): CompiledElement {
  const e: CompiledElement = {
    ref: '1',
    name: 'test',
    req: 'O',
    repeat: 1,
    type,
    typeClass: classes[type] as CompiledElement['typeClass'],
    decimals: 0,
    min,
    max,
  };
  if (codes) e.codes = new Set(codes);
  return e;
}
const dot = { decimalMark: '.' };
const comma = { decimalMark: ',' };

describe('X12.6 value rules', () => {
  it.each([
    ['N0 digits', '123', element('N0', 1, 3), undefined],
    ['N0 minus not counted', '-123', element('N0', 1, 3), undefined],
    ['N0 too long', '1234', element('N0', 1, 3), 'ELEMENT_TOO_LONG'],
    ['N2 decimal point is not allowed', '1.23', element('N2', 1, 6), 'ELEMENT_INVALID_CHARACTER'],
    ['N0 lone minus', '-', element('N0', 1, 3), 'ELEMENT_INVALID_CHARACTER'],
    ['R point and minus not counted', '-12.5', element('R', 1, 3), undefined],
    ['R too long by digits', '1234.5', element('R', 1, 4), 'ELEMENT_TOO_LONG'],
    ['R two points', '1.2.3', element('R', 1, 10), 'ELEMENT_INVALID_CHARACTER'],
    ['R letters', '1E5', element('R', 1, 10), 'ELEMENT_INVALID_CHARACTER'],
    ['AN counts characters, not bytes', 'Müller', element('AN', 1, 6), undefined],
    ['AN control character', 'A\u0007B', element('AN', 1, 6), 'ELEMENT_INVALID_CHARACTER'],
    ['AN too short', 'A', element('AN', 2, 6), 'ELEMENT_TOO_SHORT'],
    ['ID complete list', 'Q', element('ID', 1, 1, ['F', 'S', 'X']), 'ELEMENT_INVALID_CODE'],
    ['DT CCYYMMDD leap day', '20240229', element('DT', 8, 8), undefined],
    ['DT not a leap year', '20230229', element('DT', 8, 8), 'ELEMENT_INVALID_DATE'],
    ['DT 1900 is not a leap year', '19000229', element('DT', 8, 8), 'ELEMENT_INVALID_DATE'],
    ['DT YYMMDD where the element is 6 long', '261131', element('DT', 6, 6), 'ELEMENT_INVALID_DATE'],
    ['DT wrong length', '2026113', element('DT', 8, 8), 'ELEMENT_TOO_SHORT'],
    ['DT letters', '2026AB01', element('DT', 8, 8), 'ELEMENT_INVALID_DATE'],
    ['TM HHMMSSD', '2359599', element('TM', 4, 8), undefined],
    ['TM 24:00', '2400', element('TM', 4, 8), 'ELEMENT_INVALID_TIME'],
    ['TM five digits', '12345', element('TM', 4, 8), 'ELEMENT_INVALID_TIME'],
  ] as const)('%s', (_name, value, def, want) => {
    expect(checkValue(value, def, dot)).toBe(want);
  });
});

describe('values checked where they sit in a text', () => {
  const listed = ['1', '01', '001', 'A1B', 'ABCD', '\u0100B'];
  const keyed = element('ID', 1, 6, listed);
  keyed.codeKeys = new Set(listed.map((code) => codeKey(code, 0, code.length)).filter((key) => key >= 0));
  it.each([...listed, '0', '10', '0001', 'A1', 'ABC', 'ABCDE', '\u0100', 'B', ' 1'])(
    'code %j as in the list',
    (value) => {
      const want = listed.includes(value) ? undefined : 'ELEMENT_INVALID_CODE';
      expect(checkValue(value, keyed, dot)).toBe(want);
      expect(checkText(`*${value}*`, 1, value.length + 1, keyed, dot)).toBe(want);
      expect(checkText(`*${value}*`, 1, value.length + 1, element('ID', 1, 6, listed), dot)).toBe(want);
    },
  );

  it.each([
    ['20240229', element('DT', 8, 8), undefined],
    ['20230229', element('DT', 8, 8), 'ELEMENT_INVALID_DATE'],
    ['2359', element('TM', 4, 8), undefined],
    ['2360', element('TM', 4, 8), 'ELEMENT_INVALID_TIME'],
    ['-12', element('N0', 1, 3), undefined],
  ] as const)('%s from a range', (value, def, want) => {
    expect(checkText(`99${value}9`, 2, value.length + 2, def, dot)).toBe(want);
  });
});

describe('ISO 9735 value rules', () => {
  it.each([
    ['n with the UNA decimal mark', '9,25', element('n', 1, 3), comma, undefined],
    ['n with the other mark', '9.25', element('n', 1, 3), comma, 'ELEMENT_INVALID_DECIMAL_NOTATION'],
    ['n mark first', ',5', element('n', 1, 3), comma, 'ELEMENT_MISSING_DIGIT_BEFORE_DECIMAL'],
    ['n sign and mark not counted', '-12.5', element('n', 1, 3), dot, undefined],
    ['n too long', '1234', element('n', 1, 3), dot, 'ELEMENT_TOO_LONG'],
    ['n letters', '12A', element('n', 1, 3), dot, 'ELEMENT_INVALID_CHARACTER'],
    ['a digits', 'A1', element('a', 1, 3), dot, 'ELEMENT_INVALID_CHARACTER'],
    ['an exact length', 'AB', element('an', 3, 3), dot, 'ELEMENT_TOO_SHORT'],
  ] as const)('%s', (_name, value, def, options, want) => {
    expect(checkValue(value, def, options)).toBe(want);
  });

  it('checks DTM values by their 2379 format', () => {
    expect(isValidEdifactDateTime('20261131', '102')).toBe(false);
    expect(isValidEdifactDateTime('202612312359', '203')).toBe(true);
    expect(isValidEdifactDateTime('202612312360', '203')).toBe(false);
    expect(isValidEdifactDateTime('261231', '101')).toBe(true);
    expect(isValidEdifactDateTime('anything', '718')).toBe(true);
  });

  it('date and time helpers', () => {
    expect(isValidDate('20000229')).toBe(true);
    expect(isValidDate('000229')).toBe(true);
    expect(isValidTime('0000')).toBe(true);
    expect(isValidTime('12')).toBe(false);
  });
});
