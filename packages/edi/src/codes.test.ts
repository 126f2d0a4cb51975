import { describe, expect, it } from 'vitest';
import { ak304CodesFor, ak403Codes4010, ak403CodesFor, isX12Version5010OrLater, ta105Codes } from './codes.js';

describe('code tables', () => {
  it('TA105 has 000–031', () => {
    expect(Object.keys(ta105Codes)).toEqual(Array.from({ length: 32 }, (_, i) => String(i).padStart(3, '0')));
  });

  it('picks the 4010 or 5010 form of 720/723 by version', () => {
    expect(isX12Version5010OrLater('00501')).toBe(true);
    expect(isX12Version5010OrLater('005010X222A1')).toBe(true);
    expect(isX12Version5010OrLater('004010')).toBe(false);
    expect(isX12Version5010OrLater('00401')).toBe(false);
    expect(ak403CodesFor('004010')).toBe(ak403Codes4010);
    expect(ak403CodesFor('005010')['12']).toBe('Too Many Repetitions');
    expect(ak304CodesFor('004010').I4).toBeUndefined();
    expect(ak304CodesFor('005010').I4).toBeDefined();
  });
});
