/**
 * Checks of one element value against its definition: characters, length,
 * code list, date and time. Hand-written rather than regular expressions so
 * that one pass over the characters computes the length the standards mean
 * and finds a bad character, with no allocation.
 */

import { codeKey, TypeClass, type CompiledElement } from './compile.js';
import type { ElementProblem } from './problems.js';

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const COMMA = 44;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/**
 * Characters in a value as the standards count them (Unicode code points;
 * a surrogate pair is one character).
 */
function charCount(text: string, from: number, to: number): number {
  let n = to - from;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      n--;
      i++;
    }
  }
  return n;
}

/** Days in a month of a (proleptic Gregorian) year. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + value.charCodeAt(i) - ZERO;
  return n;
}

/** Whether `text.slice(from, to)` is one or more digits. */
function digitsIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return to > from;
}

/**
 * A calendar date written CCYYMMDD (8 digits) or YYMMDD (6 digits); true when
 * it names a real day. X12.6: DT is CCYYMMDD, or YYMMDD where the element is 6 long.
 */
export function isValidDate(value: string): boolean {
  return validDateIn(value, 0, value.length);
}

/** {@link isValidDate} of `text.slice(from, to)`. */
function validDateIn(text: string, from: number, to: number): boolean {
  if (!digitsIn(text, from, to)) return false;
  let year: number;
  let at: number;
  if (to - from === 8) {
    year = digitsAt(text, from, 4);
    at = from + 4;
  } else if (to - from === 6) {
    // The century does not change whether a YYMMDD day exists except for 00-02-29; 2000 is a leap year.
    year = 2000 + digitsAt(text, from, 2);
    at = from + 2;
  } else {
    return false;
  }
  const month = digitsAt(text, at, 2);
  const day = digitsAt(text, at + 2, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** A time HHMM[SS[D..]] (X12.6 TM): hours 00–23, minutes and seconds 00–59. */
export function isValidTime(value: string): boolean {
  return validTimeIn(value, 0, value.length);
}

/** {@link isValidTime} of `text.slice(from, to)`. */
function validTimeIn(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (!digitsIn(text, from, to) || length < 4) return false;
  if (digitsAt(text, from, 2) > 23 || digitsAt(text, from + 2, 2) > 59) return false;
  if (length === 5) return false;
  return length < 6 || digitsAt(text, from + 4, 2) <= 59;
}

/**
 * An EDIFACT date/time value in the format a 2379 qualifier names; true when
 * valid or when the format is one edigate does not check.
 */
export function isValidEdifactDateTime(value: string, format: string): boolean {
  switch (format) {
    case '101': // YYMMDD
      return value.length === 6 && isValidDate(value);
    case '102': // CCYYMMDD
      return value.length === 8 && isValidDate(value);
    case '203': // CCYYMMDDHHMM
      return value.length === 12 && isValidDate(value.slice(0, 8)) && isValidTime(value.slice(8));
    case '204': // CCYYMMDDHHMMSS
      return value.length === 14 && isValidDate(value.slice(0, 8)) && isValidTime(value.slice(8));
    case '401': // HHMM
      return value.length === 4 && isValidTime(value);
    default:
      return true;
  }
}

/** Options of a value check that come from the interchange rather than the guide. */
export interface ValueCheckOptions {
  /** EDIFACT decimal mark (UNA); `.` when absent. */
  decimalMark: string;
}

/**
 * Check one non-empty simple value against its definition. Returns the first
 * problem found (characters, then length, then code list / date / time), or
 * undefined when the value is fine.
 */
export function checkValue(
  value: string,
  element: CompiledElement,
  options: ValueCheckOptions,
): ElementProblem | undefined {
  return checkText(value, 0, value.length, element, options);
}

/**
 * {@link checkValue} of the value `text.slice(from, to)` (non-empty), read in
 * place: a value is cut out of the text only for a code list or a date.
 */
export function checkText(
  text: string,
  from: number,
  to: number,
  element: CompiledElement,
  options: ValueCheckOptions,
): ElementProblem | undefined {
  let length: number;
  switch (element.typeClass) {
    case TypeClass.Numeric: {
      // X12.6: Nn is an integer with n implied decimals; optional leading minus, not counted in the length.
      const start = text.charCodeAt(from) === MINUS ? from + 1 : from;
      if (start === to) return 'ELEMENT_INVALID_CHARACTER';
      for (let i = start; i < to; i++) if (!isDigit(text.charCodeAt(i))) return 'ELEMENT_INVALID_CHARACTER';
      length = to - start;
      break;
    }
    case TypeClass.Real: {
      // X12.6: R has an optional leading minus and an optional decimal point, neither counted in the length.
      const start = text.charCodeAt(from) === MINUS ? from + 1 : from;
      let points = 0;
      let digits = 0;
      for (let i = start; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === DOT) points++;
        else if (isDigit(c)) digits++;
        else return 'ELEMENT_INVALID_CHARACTER';
      }
      if (points > 1 || digits === 0) return 'ELEMENT_INVALID_CHARACTER';
      length = digits;
      break;
    }
    case TypeClass.EdifactNumeric: {
      // ISO 9735: a sign and the decimal mark are not counted in the length; the mark is the UNA one.
      const first = text.charCodeAt(from);
      const start = first === MINUS || first === PLUS ? from + 1 : from;
      let marks = 0;
      let digits = 0;
      for (let i = start; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === DOT || c === COMMA) {
          if (String.fromCharCode(c) !== options.decimalMark) return 'ELEMENT_INVALID_DECIMAL_NOTATION';
          if (digits === 0) return 'ELEMENT_MISSING_DIGIT_BEFORE_DECIMAL';
          marks++;
        } else if (isDigit(c)) digits++;
        else return 'ELEMENT_INVALID_CHARACTER';
      }
      if (marks > 1) return 'ELEMENT_INVALID_DECIMAL_NOTATION';
      if (digits === 0) return 'ELEMENT_INVALID_CHARACTER';
      length = digits;
      break;
    }
    case TypeClass.Date:
      if (!digitsIn(text, from, to)) return 'ELEMENT_INVALID_DATE';
      length = to - from;
      break;
    case TypeClass.Time:
      if (!digitsIn(text, from, to)) return 'ELEMENT_INVALID_TIME';
      length = to - from;
      break;
    case TypeClass.Alpha:
      for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (isDigit(c) || c < 0x20) return 'ELEMENT_INVALID_CHARACTER';
      }
      length = charCount(text, from, to);
      break;
    case TypeClass.Binary:
      return undefined;
    default: {
      // One pass: control characters are invalid; a surrogate pair is one character.
      length = to - from;
      for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c === 0x7f) return 'ELEMENT_INVALID_CHARACTER';
        if (c >= 0xd800 && c <= 0xdbff) {
          length--;
          i++;
        }
      }
    }
  }
  if (length < element.min) return 'ELEMENT_TOO_SHORT';
  if (length > element.max) return 'ELEMENT_TOO_LONG';
  const typeClass = element.typeClass;
  if (typeClass === TypeClass.Date && !validDateIn(text, from, to)) return 'ELEMENT_INVALID_DATE';
  if (typeClass === TypeClass.Time && !validTimeIn(text, from, to)) return 'ELEMENT_INVALID_TIME';
  const codes = element.codes;
  if (codes === undefined) return undefined;
  const keys = element.codeKeys;
  const key = keys === undefined ? -1 : codeKey(text, from, to);
  const known = key >= 0 ? keys!.has(key) : codes.has(from === 0 && to === text.length ? text : text.slice(from, to));
  return known ? undefined : 'ELEMENT_INVALID_CODE';
}
