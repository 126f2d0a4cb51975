import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { formatIssue, type MapIssue } from './issues.js';
import { loadMap } from './map.js';
import { checkMapFile, closestName, mapFileJsonSchema } from './mapFile.js';

const head = 'standard: x12\nversion: "004010"\nset: "850"\ndocument: Order\n';
const load = (text: string): MapIssue[] => loadMap(text, { file: 'p_009/850.yaml' }).issues;
const one = (text: string): MapIssue => {
  const issues = load(text);
  expect(issues.map(formatIssue)).toHaveLength(1);
  return issues[0]!;
};

describe('a map file is checked against the map-file schema first: where and how to fix', () => {
  it('a misspelt key in a rule: the key’s line and column, and the key meant', () => {
    const i = one(`${head}fields:\n  orderDate: { path: BEG05, type: date, fromat: CCYYMMDD }\n`);
    expect(i).toMatchObject({
      code: 'MAP_SCHEMA',
      message: "unknown key 'fromat' in a value rule",
      rule: { file: 'p_009/850.yaml', line: 6, column: 41, field: 'fields.orderDate.fromat' },
    });
    expect(i.hint).toMatch(/^did you mean 'format'\? a value rule takes: path, pairs, /);
  });
  it('a misspelt top-level key', () => {
    const i = one(`${head}feilds:\n  externalId: BEG03\n`);
    expect(formatIssue(i)).toBe(
      "error MAP_SCHEMA p_009/850.yaml:5:1 feilds: unknown top-level key 'feilds'\n" +
        "    hint: did you mean 'fields'? a map file takes: extends, direction, standard, version, set, document, description, utcOffset, tables, fields, segments",
    );
  });
  it('a misspelt key in a nested object rule, a condition and an outbound element', () => {
    expect(one(`${head}fields:\n  lines:\n    each: PO1\n    feilds:\n      a: PO101\n`)).toMatchObject({
      message: "unknown key 'feilds' in an object rule (each/fields)",
      hint: expect.stringMatching(/^did you mean 'fields'\?/),
      rule: { line: 8, column: 5 },
    });
    expect(
      one(`${head}fields:\n  lines:\n    each: PO1\n    fields:\n      n: { path: PO101, tpye: integer }\n`),
    ).toMatchObject({
      message: "unknown key 'tpye' in a value rule",
      rule: { line: 9, field: 'fields.lines.fields.n.tpye' },
    });
    expect(one(`${head}fields:\n  a: { path: PO101, when: { path: PO106, iss: UP } }\n`)).toMatchObject({
      message: "unknown key 'iss' in a condition",
      hint: expect.stringMatching(/^did you mean 'is'\?/),
    });
    const out =
      'direction: outbound\nstandard: x12\nversion: "004010"\nset: "855"\ndocument: OrderAcknowledgment\nsegments:\n';
    expect(one(`${out}  - segment: BAK\n    elements:\n      BAK02: { feild: status }\n`)).toMatchObject({
      message: "unknown key 'feild' in an outbound element",
      rule: { line: 9, column: 16, field: 'segments[0].elements.BAK02.feild' },
    });
  });
  it('a wrong type says what is expected and shows it written right', () => {
    expect(one(`${head}fields:\n  a: { path: PO101, required: yes }\n`)).toMatchObject({
      message: "required must be true or false, not the text 'yes'",
      hint: 'required: true',
      rule: { line: 6, column: 31 },
    });
    expect(one(`${head}fields:\n  total: { path: TDS01, type: money, implied: two }\n`)).toMatchObject({
      message: "implied must be a number, not the text 'two'",
    });
    expect(one(`${head}fields:\n  total: { path: TDS01, type: money, implied: 12 }\n`).message).toBe(
      'implied 12 is too big (at most 9)',
    );
    expect(one(`${head}fields:\n  x: 5\n`)).toMatchObject({
      message: 'x must be text or a mapping, not the number 5',
      hint: expect.stringContaining('externalId: BEG03'),
    });
    expect(one(`${head}fields:\n  x: { path: BEG01, type: float }\n`)).toMatchObject({
      message: "unknown type 'float'",
      hint: 'type: string | integer | decimal | date | datetime | money',
    });
    expect(one(`${head}fields: [BEG03]\n`)).toMatchObject({ message: 'fields must be a mapping, not a list' });
  });
  it('an unquoted X12 version, which YAML reads as a number without its leading zeros', () => {
    expect(one(head.replace('"004010"', '004010') + 'fields:\n  x: BEG03\n')).toMatchObject({
      message: 'version must be text, not the number 4010',
      hint: expect.stringContaining("version: '004010' — quote it"),
      rule: { line: 2, column: 10 },
    });
  });
  it('a missing or misspelt document', () => {
    const i = one('standard: x12\nversion: "004010"\nset: "850"\nfields:\n  x: BEG03\n');
    expect(i).toMatchObject({ message: 'document is missing', rule: { line: 1, column: 1, field: 'document' } });
    expect(i.hint).toBe(
      'add document: Order | OrderAcknowledgment | Shipment | Invoice | InventoryAdvice at the top (a partner map names its base with extends: instead and inherits it)',
    );
    expect(one(head.replace('Order', 'Ordr') + 'fields:\n  x: BEG03\n')).toMatchObject({
      message: "unknown document 'Ordr'",
      hint: expect.stringMatching(/did you mean Order\?$/),
      rule: { line: 4, column: 11 },
    });
  });
  it('a value rule may carry when (it is not an object rule)', () => {
    expect(load(`${head}fields:\n  a: { path: BEG03, when: { path: BEG01, is: '00' } }\n`)).toEqual([]);
  });
  it('did you mean: close names only', () => {
    expect(closestName('pth', ['path', 'pairs'])).toBe('path');
    expect(closestName('zzzzzz', ['path', 'pairs'])).toBeUndefined();
  });
});

const mapsRoot = path.resolve(import.meta.dirname, '../../../maps');
const shipped = readdirSync(mapsRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));

// The JSON Schema for editors is generated from the zod schema; this test keeps the file in step.
// Regenerate with EDIGATE_WRITE_SCHEMAS=1 pnpm exec vitest run packages/maps/src/mapFile.test.ts
describe('schema/map-file.schema.json', () => {
  const file = path.resolve(import.meta.dirname, '../schema/map-file.schema.json');
  const schema = mapFileJsonSchema();
  it('is generated from the zod schema', () => {
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env.EDIGATE_WRITE_SCHEMAS === '1' || !existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(text));
  });
  it('accepts every shipped map and refuses the typical errors, as an editor would', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(shipped.length).toBeGreaterThan(10);
    for (const f of shipped) {
      const doc = parseDocument(readFileSync(path.join(mapsRoot, f), 'utf8'));
      expect(validate(doc.toJS()), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const lineCounter = new LineCounter();
      expect(
        checkMapFile(parseDocument(readFileSync(path.join(mapsRoot, f), 'utf8'), { lineCounter }), {
          file: f,
          lineCounter,
        }),
      ).toEqual([]);
    }
    for (const bad of [
      `${head}feilds: {}\n`,
      `${head}fields:\n  x: { pth: BEG03 }\n`,
      `${head}fields:\n  x: { path: BEG03, type: float }\n`,
      'standard: x12\nversion: "004010"\nset: "850"\nfields:\n  x: BEG03\n',
    ])
      expect(validate(parseDocument(bad).toJS()), bad).toBe(false);
  });
});

describe('a broken map file gives issues, never an exception', () => {
  it('shipped maps with lines dropped, duplicated, re-indented or retyped', () => {
    const texts = shipped.map((f) => readFileSync(path.join(mapsRoot, f), 'utf8'));
    const lineEdit = fc.oneof(
      fc.constant(() => ''),
      fc.constant((l: string) => `${l}\n${l}`),
      fc.constant((l: string) => `  ${l}`),
      fc.constant((l: string) => l.replace(/: .*/, ': 5')),
      fc.constant((l: string) => l.replace(/: .*/, ': [a, b]')),
      fc.constant((l: string) => l.replace(/^(\s*)(\w)/, '$1x$2')),
    );
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.array(fc.tuple(fc.nat(200), lineEdit), { minLength: 1, maxLength: 4 }),
        (i, edits) => {
          const lines = texts[i]!.split('\n');
          for (const [at, edit] of edits) lines[at % lines.length] = edit(lines[at % lines.length]!);
          const r = loadMap(lines.join('\n'), { file: 'fuzz.yaml' });
          for (const issue of r.issues) {
            expect(issue.code).toMatch(/^[A-Z_]+$/);
            expect(issue.rule?.line ?? 1).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
