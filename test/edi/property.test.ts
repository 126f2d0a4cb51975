/**
 * Property tests (bounded to a few seconds): the reader never throws, any
 * chunking of a stream equals parsing the whole buffer, and valid fixtures
 * round-trip byte for byte.
 */
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allIssues, EdiSerializeError, parseEdi, serialize, streamInterchanges, type Interchange } from '@edigate/edi';
import { asStream, chunksAt, fixture } from './helpers.js';

const fixtureDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixtures = ['x12', 'edifact'].flatMap((d) => readdirSync(`${fixtureDir}${d}`).map((f) => `${d}/${f}`));
const samples = fixtures.map((f) => fixture(f));

/** Bytes that look like EDI: a fixture with random bytes inserted, deleted or replaced. */
const ediLike = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.uint8Array({ maxLength: 4 })), { maxLength: 6 }),
  )
  .map(([base, edits]) => {
    let out = Buffer.from(base);
    for (const [at, del, ins] of edits) {
      const p = at % (out.length + 1);
      out = Buffer.concat([out.subarray(0, p), Buffer.from(ins), out.subarray(Math.min(out.length, p + del))]);
    }
    return out;
  });

const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  ediLike,
);

async function streamed(data: Uint8Array, cuts: number[]): Promise<Interchange[]> {
  const out: Interchange[] = [];
  for await (const r of streamInterchanges(asStream(chunksAt(data, cuts)))) out.push(r.interchange);
  return out;
}

describe('properties', () => {
  it('any byte string gives a result or issues, never an exception (also when serialized again)', () => {
    fc.assert(
      fc.property(anyBytes, fc.boolean(), (data, lenient) => {
        const result = parseEdi(data, { ignoreExtraneousLineBreaks: lenient });
        expect(Array.isArray(result.interchanges)).toBe(true);
        if (result.interchanges.length === 0) expect(result.issues.length).toBeGreaterThan(0);
        for (const ic of result.interchanges) {
          for (const g of ic.groups) for (const s of g.sets) for (const seg of s.segments) void seg.elements;
          try {
            serialize(ic);
          } catch (err) {
            expect(err).toBeInstanceOf(EdiSerializeError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('streaming in any chunking equals parsing the whole buffer', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.array(fc.nat(), { maxLength: 12 }), async (data, cutSeeds) => {
        const cuts = cutSeeds.map((c) => c % (data.length + 1));
        const whole = parseEdi(data).interchanges;
        expect(JSON.stringify(await streamed(data, cuts))).toBe(JSON.stringify(whole));
      }),
      { numRuns: 250 },
    );
  });

  it('every valid fixture round-trips byte for byte', () => {
    for (const [i, data] of samples.entries()) {
      const result = parseEdi(data);
      const out = Buffer.concat(result.interchanges.map((ic) => serialize(ic)));
      expect(out.equals(data), fixtures[i]).toBe(true);
    }
  });

  it('parse → serialize → parse keeps the structure (set bodies) when the delimiters are sound', () => {
    // Missing trailers are written by the serializer, so the set bodies (trailer excluded) are compared.
    const bodies = (ics: Interchange[]) =>
      ics.flatMap((i) =>
        i.groups.flatMap((g) =>
          g.sets.map((s) =>
            s.segments
              .slice(0, s.complete ? -1 : undefined)
              .map((seg) => seg.tag)
              .join(' '),
          ),
        ),
      );
    const unsound = new Set([
      'INVALID_ELEMENT_SEPARATOR',
      'INVALID_COMPONENT_SEPARATOR',
      'INVALID_SEGMENT_TERMINATOR',
      'AMBIGUOUS_DELIMITERS',
      'INVALID_SEGMENT_TAG',
      'HEADER_INCOMPLETE',
    ]);
    fc.assert(
      fc.property(ediLike, (data) => {
        for (const ic of parseEdi(data).interchanges) {
          if (allIssues(ic).some((i) => unsound.has(i.code))) continue;
          let bytes: Uint8Array;
          try {
            bytes = serialize(ic);
          } catch (err) {
            // A value that holds one of its own interchange's delimiters cannot be written in X12.
            expect(err).toBeInstanceOf(EdiSerializeError);
            continue;
          }
          expect(bodies(parseEdi(bytes).interchanges)).toEqual(bodies([ic]));
        }
      }),
      { numRuns: 200 },
    );
  });
});
