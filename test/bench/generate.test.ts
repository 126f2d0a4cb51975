/**
 * The benchmark's data generators are deterministic (same seed, same bytes)
 * and produce envelopes whose counts add up (node-x12's strict parser for
 * X12, counting for EDIFACT) and sets that pass our own guide validation.
 */
import { parseEdi, validateGuides } from '@edigate/edi';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { edifactOrders } from '../../bench/generate/edifact.js';
import { x12_850, x12_856 } from '../../bench/generate/x12.js';
import { generateString, sha256 } from '../../bench/lib/data.js';
import { median } from '../../bench/lib/stats.js';

const generators = { x12_850, x12_856, edifactOrders };

describe('bench data generators', () => {
  for (const [name, generate] of Object.entries(generators)) {
    it(`${name}: same seed gives the same bytes, another seed other bytes`, () => {
      const a = generateString({ targetBytes: 50_000, seed: 7, generate });
      const b = generateString({ targetBytes: 50_000, seed: 7, generate });
      const c = generateString({ targetBytes: 50_000, seed: 8, generate });
      expect(a.length).toBeGreaterThanOrEqual(50_000);
      expect(sha256(a)).toBe(sha256(b));
      expect(sha256(a)).not.toBe(sha256(c));
    });
  }

  for (const [name, generate] of Object.entries({ x12_850, x12_856 })) {
    it(`${name}: fixed-width ISA and consistent counts (node-x12 strict parse)`, () => {
      const text = generateString({ targetBytes: 30_000, seed: 3, generate });
      expect(text.indexOf('GS')).toBeGreaterThanOrEqual(106); // X12.5: ISA is 106 bytes
      expect(text[104]).toBe('>');
      const result = new X12Parser(true).parse(text) as { interchanges?: unknown[] };
      expect(result.interchanges?.length).toBeGreaterThan(1);
      for (const set of text.split(/~\n?ST\*/).slice(1)) {
        const segments = `ST*${set}`.split(/~\n?/);
        const seIndex = segments.findIndex((s) => s.startsWith('SE*'));
        expect(segments[seIndex]!.split('*')[1]).toBe(String(seIndex + 1));
      }
    });
  }

  it('edifactOrders: UNT counts its message, UNZ its messages', () => {
    const text = generateString({ targetBytes: 30_000, seed: 3, generate: edifactOrders });
    // Split on unreleased apostrophes only (ISO 9735 release character `?`).
    const segments = text
      .slice(9)
      .split(/(?<!(?:^|[^?])(?:\?\?)*\?)'/)
      .filter(Boolean);
    let inMessage = 0;
    let messages = 0;
    for (const segment of segments) {
      if (segment.startsWith('UNH+')) inMessage = 0;
      inMessage++;
      if (segment.startsWith('UNT+')) {
        expect(segment.split('+')[1]).toBe(String(inMessage));
        messages++;
      }
      if (segment.startsWith('UNZ+')) {
        expect(segment.split('+')[1]).toBe(String(messages));
        messages = 0;
      }
    }
  });

  for (const [name, generate] of Object.entries(generators)) {
    it(`${name}: parseEdi + validateGuides find no issue (the bench measures the clean path)`, () => {
      const result = parseEdi(generateString({ targetBytes: 100_000, seed: 11, generate }));
      expect(result.issues).toEqual([]);
      expect(result.interchanges.length).toBeGreaterThan(5);
      for (const interchange of result.interchanges) {
        validateGuides(interchange);
        expect(interchange.issues).toEqual([]);
        for (const group of interchange.groups) {
          expect(group.issues).toEqual([]);
          for (const set of group.sets) {
            expect(set.supported).toBe(true);
            expect(set.issues).toEqual([]);
          }
        }
      }
    });
  }

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
