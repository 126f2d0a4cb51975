import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromIsoDate, fromMinorUnits, toDecimal, toIsoDate, toIsoDateTime, toMinorUnits } from './convert.js';

describe('money to minor units', () => {
  it.each([
    ['12.50', 'USD', 0, 1250],
    ['12.5', 'USD', 0, 1250],
    ['-0.01', 'USD', 0, -1],
    ['1000', 'JPY', 0, 1000],
    ['1.234', 'KWD', 0, 1234],
    ['12,50', 'EUR', 0, 1250],
    ['12.500', 'USD', 0, 1250],
    ['64200', 'USD', 2, 64200],
    ['5', 'USD', 2, 5],
    ['.5', 'USD', 0, 50],
    ['0.10', 'USD', 0, 10],
  ])('%s %s (implied %i) → %i', (text, currency, implied, minor) => {
    expect(toMinorUnits(text, currency, implied)).toEqual({ ok: true, value: minor });
  });
  it('refuses digits the currency cannot hold, unknown currencies and non-numbers', () => {
    expect(toMinorUnits('12.505', 'USD').ok).toBe(false);
    expect(toMinorUnits('1.5', 'JPY').ok).toBe(false);
    expect(toMinorUnits('1', 'XXX').ok).toBe(false);
    expect(toMinorUnits('1e3', 'USD').ok).toBe(false);
    expect(toMinorUnits('12.50', 'USD', 2).ok).toBe(false);
  });
  it('is exact where float multiplication is not (0.29 * 100 = 28.999…)', () => {
    expect(0.29 * 100).not.toBe(29);
    expect(toMinorUnits('0.29', 'USD')).toEqual({ ok: true, value: 29 });
    expect(toMinorUnits('1.15', 'USD')).toEqual({ ok: true, value: 115 });
  });
  it('round-trips any cent amount through text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (minor) => {
        const text = fromMinorUnits(minor, 'USD');
        expect(text.ok && toMinorUnits(text.value, 'USD')).toEqual({ ok: true, value: minor });
      }),
      { numRuns: 300 },
    );
  });
});

describe('decimals, dates, times', () => {
  it('reads decimals with implied places', () => {
    expect(toDecimal('24')).toEqual({ ok: true, value: 24 });
    expect(toDecimal('1250', 2)).toEqual({ ok: true, value: 12.5 });
    expect(toDecimal('3,5')).toEqual({ ok: true, value: 3.5 });
    expect(toDecimal('abc').ok).toBe(false);
  });
  it('reads dates in the named format and refuses impossible ones', () => {
    expect(toIsoDate('20261120', 'CCYYMMDD')).toEqual({ ok: true, value: '2026-11-20' });
    expect(toIsoDate('261120', 'YYMMDD')).toEqual({ ok: true, value: '2026-11-20' });
    expect(toIsoDate('202611201030', '203')).toEqual({ ok: true, value: '2026-11-20' });
    expect(toIsoDate('19999715', '102').ok).toBe(false);
    expect(toIsoDate('20260230', 'CCYYMMDD').ok).toBe(false);
    expect(toIsoDate('2026-11-20', 'CCYYMMDD').ok).toBe(false);
  });
  it('makes UTC instants, applying the partner offset', () => {
    expect(toIsoDateTime({ date: '20261122', format: 'CCYYMMDD', time: '0815' })).toEqual({
      ok: true,
      value: '2026-11-22T08:15:00Z',
    });
    expect(toIsoDateTime({ date: '20261122', format: 'CCYYMMDD', time: '0815', utcOffset: '+01:00' })).toEqual({
      ok: true,
      value: '2026-11-22T07:15:00Z',
    });
    expect(toIsoDateTime({ date: '20261122', format: 'CCYYMMDD', time: '2515' }).ok).toBe(false);
  });
  it('writes dates for outbound elements', () => {
    expect(fromIsoDate('2026-11-20', 'CCYYMMDD')).toEqual({ ok: true, value: '20261120' });
    expect(fromIsoDate('2026-11-20', '102')).toEqual({ ok: true, value: '20261120' });
    expect(fromIsoDate('2026-11-20', 'YYMMDD')).toEqual({ ok: true, value: '261120' });
  });
});
