import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dictionaryFiles, findDictionary, findGuide, setGuideFiles } from './registry.js';
import type { StructureEntry } from './format.js';

const requirement = z.enum(['M', 'O', 'X']);
const elementType = z.enum([
  'AN',
  'ID',
  'R',
  'DT',
  'TM',
  'B',
  'N0',
  'N1',
  'N2',
  'N3',
  'N4',
  'N5',
  'N6',
  'N7',
  'N8',
  'N9',
  'a',
  'an',
  'n',
]);
const syntaxNote = z.strictObject({
  rule: z.enum(['P', 'R', 'C', 'E', 'L']),
  elements: z.array(z.number().int().min(1).max(99)).min(2),
});
const elementUse = z.strictObject({
  ref: z.string().regex(/^([A-Z]?\d+|[CS]\d{3})$/),
  req: requirement,
  repeat: z.number().int().min(1).optional(),
  codes: z.array(z.string().min(1)).min(1).optional(),
  codesComplete: z.boolean().optional(),
  dateFormatFrom: z.number().int().min(1).optional(),
});
const elementDefinition = z
  .strictObject({
    name: z.string().min(1),
    type: elementType,
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    codes: z.array(z.string().min(1)).min(1).optional(),
    codesComplete: z.boolean().optional(),
  })
  .refine((e) => e.min <= e.max, 'min > max')
  .refine((e) => e.codesComplete === undefined || e.codes !== undefined, 'codesComplete without codes')
  .refine(
    (e) => (e.codes ?? []).every((c) => c.length >= e.min && c.length <= e.max),
    'a code does not fit the element length',
  );
const dictionary = z.strictObject({
  standard: z.enum(['x12', 'edifact']),
  version: z.string().regex(/^(\d{6}|D\d{2}[A-Z])$/),
  base: z.string().optional(),
  elements: z.record(z.string(), elementDefinition),
  composites: z.record(
    z.string().regex(/^[CS]\d{3}$/),
    z.strictObject({
      name: z.string(),
      components: z.array(elementUse).min(1),
      syntax: z.array(syntaxNote).optional(),
    }),
  ),
  segments: z.record(
    z.string().regex(/^[A-Z][A-Z0-9]{1,2}$/),
    z.strictObject({ name: z.string(), elements: z.array(elementUse).min(1), syntax: z.array(syntaxNote).optional() }),
  ),
});
const structureEntry: z.ZodType<StructureEntry> = z.lazy(() =>
  z.union([
    z.strictObject({
      segment: z.string().regex(/^[A-Z][A-Z0-9]{1,2}$/),
      req: z.enum(['M', 'O']),
      max: z.number().int().min(1),
    }),
    z.strictObject({
      loop: z.string().min(1),
      req: z.enum(['M', 'O']),
      max: z.number().int().min(1),
      structure: z.array(structureEntry).min(1),
    }),
  ]),
);
const setGuide = z
  .strictObject({
    standard: z.enum(['x12', 'edifact']),
    version: z.string(),
    id: z.string().regex(/^([0-9]{3}|[A-Z]{6})$/),
    name: z.string().min(1),
    coverage: z.enum(['full', 'common']),
    functionalId: z.string().length(2).optional(),
    structure: z.array(structureEntry).min(2).optional(),
    structureFrom: z.string().optional(),
    notes: z.array(z.string()).optional(),
  })
  .refine(
    (g) => (g.structure === undefined) !== (g.structureFrom === undefined),
    'exactly one of structure / structureFrom',
  );

function loopIds(entries: readonly StructureEntry[], out: string[] = []): string[] {
  for (const e of entries) {
    if ('loop' in e) {
      out.push(e.loop);
      loopIds(e.structure, out);
    }
  }
  return out;
}

describe('guide files are well-formed', () => {
  it.each(dictionaryFiles.map((d) => [`${d.standard}/${d.version}/segments.json`, d] as const))('%s', (_name, file) => {
    dictionary.parse(file);
    const resolved = findDictionary(file.standard, file.version)!;
    // Every reference resolves to an element or a composite.
    for (const [tag, segment] of Object.entries(resolved.segments)) {
      for (const use of segment.elements)
        expect(resolved.elements[use.ref] ?? resolved.composites[use.ref], `${tag} ${use.ref}`).toBeDefined();
      for (const note of segment.syntax ?? [])
        for (const k of note.elements) expect(k, `${tag} syntax note`).toBeLessThanOrEqual(segment.elements.length);
    }
    for (const [ref, composite] of Object.entries(resolved.composites)) {
      for (const use of composite.components) expect(resolved.elements[use.ref], `${ref} ${use.ref}`).toBeDefined();
    }
  });

  it.each(setGuideFiles.map((g) => [`${g.standard}/${g.version}/${g.id}.json`, g] as const))('%s', (_name, file) => {
    setGuide.parse(file);
    const guide = findGuide(file.standard, file.version, file.id);
    expect(guide).toBeDefined();
    const first = guide!.root.entries[0]!;
    const last = guide!.root.entries[guide!.root.entries.length - 1]!;
    expect([first.tag, last.tag]).toEqual(file.standard === 'x12' ? ['ST', 'SE'] : ['UNH', 'UNT']);
    const ids = loopIds(file.structure ?? []);
    if (file.standard === 'edifact') {
      // Segment groups are numbered SGn, each number once.
      for (const id of ids) expect(id).toMatch(/^SG\d+$/);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("X12 loop ids are the tag of the loop's first segment (what 997 AK303 reports)", () => {
    for (const file of setGuideFiles.filter((g) => g.standard === 'x12' && g.structure !== undefined)) {
      const check = (entries: readonly StructureEntry[]): void => {
        for (const e of entries) {
          if (!('loop' in e)) continue;
          const head = e.structure[0]!;
          expect('segment' in head && head.segment, `${file.id} loop ${e.loop}`).toBe(e.loop);
          check(e.structure);
        }
      };
      check(file.structure!);
    }
  });
});
