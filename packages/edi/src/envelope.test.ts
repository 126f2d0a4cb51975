import { describe, expect, it } from 'vitest';
import { isValidDate, isValidTime } from './envelope.js';

describe('date and time checks', () => {
  it.each([
    ['240229', true],
    ['20240229', true],
    ['20230229', false],
    ['19000229', false],
    ['20000229', true],
    ['241301', false],
    ['240100', false],
    ['2401', false],
    ['BAD_DATE', false],
  ])('date %s → %s', (value, ok) => expect(isValidDate(value)).toBe(ok));

  it.each([
    ['1230', 4, true],
    ['2359', 4, true],
    ['2400', 4, false],
    ['1260', 4, false],
    ['123059', 8, true],
    ['12305999', 8, true],
    ['123060', 8, false],
    ['295335', 8, false],
    ['123059', 4, false],
  ])('time %s (max %i) → %s', (value, max, ok) => expect(isValidTime(value, max)).toBe(ok));
});
