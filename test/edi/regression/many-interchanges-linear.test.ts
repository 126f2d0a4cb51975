/**
 * Regression: every interchange used to restart the search for the next CR
 * from scratch, and in input without CR that search ran to the end of the
 * buffer: parsing N interchanges cost O(N²) (80 MB took 15 s instead of 3 s).
 * Eight times the interchanges must cost about eight times the time, not 64.
 */
import { describe, expect, it } from 'vitest';
import { parseEdi } from '@edigate/edi';
import { fixture } from '../helpers.js';

function input(count: number): Buffer {
  const one = fixture('x12/valid-850-4010.edi');
  return Buffer.concat(Array.from({ length: count }, () => one));
}

function timeToParse(data: Buffer): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    parseEdi(data);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('regression: many interchanges without CR', () => {
  it('parse time grows linearly with the number of interchanges', () => {
    const small = input(1000);
    const large = input(8000);
    timeToParse(small); // warm up
    const ratio = timeToParse(large) / timeToParse(small);
    expect(ratio).toBeLessThan(24);
  });
});
