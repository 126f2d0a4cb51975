import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues.js';
import { loadMap, type LoadMapResult } from './map.js';

const base850 = `standard: x12
version: "004010"
set: "850"
document: Order
tables:
  partyRole: { BY: buyer, ST: shipTo }
fields:
  externalId: BEG03
  orderDate: { path: BEG05, type: date, format: CCYYMMDD }
  parties:
    each: N1
    fields:
      role: { path: N101, table: partyRole }
      name: N102
`;
const files = new Map([['standard/x12/004010/850.yaml', base850]]);
const resolveExtends = (name: string): { file: string; text: string } | undefined => {
  const text = files.get(`${name}.yaml`);
  return text === undefined ? undefined : { file: `${name}.yaml`, text };
};
const load = (text: string): LoadMapResult => loadMap(text, { file: 'p_009/850.yaml', resolveExtends });
const partner = (fields: string): string => `extends: standard/x12/004010/850\nfields:\n${fields}`;
const only = (r: LoadMapResult): string[] => r.issues.map(formatIssue);

describe('loading is checking: an analyst’s typical errors say where and how to fix', () => {
  it('loads a valid base and a partner override', () => {
    expect(load(base850).issues).toEqual([]);
    const r = load(partner('  currency: { const: USD }\n'));
    expect(r.issues).toEqual([]);
    expect([...r.map!.fields.fields.keys()]).toEqual(['externalId', 'orderDate', 'parties', 'currency']);
    expect(r.map!.files).toEqual(['standard/x12/004010/850.yaml', 'p_009/850.yaml']);
  });
  it('wrong element position: past the segment end', () => {
    const r = load(partner('  orderDate: { path: BEG13, type: date, format: CCYYMMDD }\n'));
    expect(r.map).toBeUndefined();
    expect(r.issues[0]).toMatchObject({
      code: 'ELEMENT_PAST_END',
      rule: { file: 'p_009/850.yaml', line: 3, field: 'fields.orderDate' },
    });
    expect(only(r)[0]).toMatch(/p_009\/850\.yaml:3:\d+ fields\.orderDate: BEG13: BEG has 12 elements/);
    expect(r.issues[0]!.hint).toContain('BEG01 … BEG12');
  });
  it('unknown segment and loop', () => {
    expect(load(partner('  note: XYZ01\n')).issues[0]).toMatchObject({
      code: 'UNKNOWN_SEGMENT',
      rule: { line: 3, column: 9 },
    });
    expect(load(partner('  lines: { each: PO9/PID, fields: { d: PID05 } }\n')).issues[0]).toMatchObject({
      code: 'UNKNOWN_LOOP',
    });
    expect(load(partner('  lines: { each: PO1, fields: { d: PO104 } }\n')).issues).toEqual([]);
  });
  it('missing qualifier on a repeating segment is a warning with the fix', () => {
    const r = load(partner('  buyerName: N102\n'));
    expect(r.map).toBeDefined();
    expect(r.issues[0]).toMatchObject({
      code: 'MISSING_QUALIFIER',
      severity: 'warning',
      hint: 'name the one you mean: N1[N101=…].N102',
    });
    expect(load(partner('  buyerName: "N1[N101=BY].N102"\n')).issues).toEqual([]);
  });
  it('wrong element position within the segment: a date rule on a non-date element names the date elements', () => {
    const r = load(partner('  orderDate: { path: BEG04, type: date, format: CCYYMMDD }\n'));
    expect(r.map).toBeDefined();
    expect(r.issues[0]).toMatchObject({
      code: 'TYPE_MISMATCH',
      severity: 'warning',
      message: expect.stringMatching(/^BEG04 is .* \(AN\), not a date$/),
    });
    expect(r.issues[0]!.hint).toMatch(/did you mean BEG05 /);
  });
  it('a qualifier code the guide does not know is a warning', () => {
    const r = load(partner('  seller: "N1[N101=QQQ].N102"\n'));
    expect(r.issues.map((i) => i.code)).toContain('UNKNOWN_QUALIFIER_CODE');
  });
  it('qualifier of another segment', () => {
    expect(load(partner('  x: "N1[REF01=BY].N102"\n')).issues[0]).toMatchObject({
      code: 'BAD_PATH',
      message: 'qualifier REF01 does not belong to N1',
    });
  });
  it('JSONata syntax error points into the expression', () => {
    const r = load(partner('  total: { expr: "$sum(lines.(quantity.value * 2)" }\n'));
    expect(r.issues[0]).toMatchObject({ code: 'JSONATA_SYNTAX', rule: { line: 3, field: 'fields.total.expr' } });
    expect(r.issues[0]!.rule!.column).toBeGreaterThan(20);
  });
  it('unknown table, type, format, key', () => {
    expect(load(partner('  x: { path: BEG01, table: purpose }\n')).issues[0]).toMatchObject({ code: 'UNKNOWN_TABLE' });
    expect(load(partner('  x: { path: BEG01, type: float }\n')).issues[0]).toMatchObject({
      code: 'MAP_SCHEMA',
      message: "unknown type 'float'",
    });
    expect(load(partner('  x: { path: BEG05, type: date, format: DDMMYY }\n')).issues[0]!.hint).toContain('CCYYMMDD');
    expect(load(partner('  x: { pth: BEG05 }\n')).issues[0]).toMatchObject({
      code: 'MAP_SCHEMA',
      message: "unknown key 'pth' in a value rule",
    });
  });
  it('YAML syntax errors have a line', () => {
    const r = load('standard: x12\nfields:\n  a: [BEG01\n');
    expect(r.issues[0]).toMatchObject({ code: 'YAML_SYNTAX', rule: { file: 'p_009/850.yaml' } });
  });
  it('extends stays under the maps root', () => {
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'standard/../../secret', 'C:\\x']) {
      const r = load(`extends: '${bad}'\n`);
      expect(r.issues[0]).toMatchObject({ code: 'BAD_EXTENDS', rule: { line: 1 } });
    }
    expect(load('extends: standard/x12/004010/999\n').issues[0]!.message).toContain('no such map');
  });
  it('a partner removes a base rule with null and merges object rules', () => {
    const r = load(partner('  orderDate: null\n  parties:\n    each: "N1[N101=ST]"\n'));
    expect(r.issues).toEqual([]);
    const parties = r.map!.fields.fields.get('parties');
    expect(r.map!.fields.fields.has('orderDate')).toBe(false);
    expect(parties).toMatchObject({ kind: 'object', each: { text: 'N1[N101=ST]' } });
    expect(parties?.kind === 'object' && [...parties.fields.keys()]).toEqual(['role', 'name']);
  });
  it('a version without a guide is checked against the nearest guide, with a warning that names it', () => {
    const r = loadMap(base850.replace('"004010"', '"004030"'), { file: 'p_009/850-4030.yaml' });
    expect(r.map).toBeDefined();
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'NO_GUIDE',
        severity: 'warning',
        message: 'edigate has no 004030 guide for 850; paths are checked against the 004010 guide',
      }),
    ]);
  });
  it('a partner may not change the base set', () => {
    expect(load('extends: standard/x12/004010/850\nset: "810"\n').issues[0]).toMatchObject({
      code: 'MAP_SCHEMA',
      rule: { line: 2 },
    });
  });
});

describe('no path from a map file reaches eval, Function or the file system', () => {
  it('the maps package imports no I/O module and never builds code from text', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const sources = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const f of sources) {
      const text = readFileSync(`${import.meta.dirname}/${f}`, 'utf8');
      expect(text, f).not.toMatch(
        /from 'node:(fs|child_process|net|http|vm|worker_threads)|\beval\(|new Function|require\(/,
      );
    }
  });
});

describe('hostile map files', () => {
  it('an alias bomb is refused before it is expanded', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 20; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const r = loadMap(
      `standard: x12\n${lines.map((l) => `# ${l}`).join('\n')}\ndescription: &d x\nfields:\n  ${lines.join('\n  ')}\n`,
      { file: 'bomb.yaml' },
    );
    expect(r.issues[0]).toMatchObject({ code: 'MAP_SCHEMA', message: expect.stringContaining('YAML aliases') });
  });
});

describe('a maps folder', () => {
  it('warns when one partner has two maps for the same set, and uses the first', async () => {
    const { MapRepository } = await import('./repository.js');
    const repo = new MapRepository(
      new Map([
        ['standard/x12/004010/850.yaml', base850],
        ['p_009/850.yaml', 'extends: standard/x12/004010/850\n'],
        ['p_009/850-new.yaml', 'extends: standard/x12/004010/850\n'],
      ]),
    );
    // File names sort '-' before '.', so 850-new.yaml is the first.
    expect(repo.issues.get('p_009/850-new.yaml')).toEqual([]);
    expect(repo.issues.get('p_009/850.yaml')![0]).toMatchObject({ code: 'DUPLICATE_MAP' });
    expect(repo.select({ partner: 'p_009', standard: 'x12', version: '004010VICS', setId: '850' })?.file).toBe(
      'p_009/850-new.yaml',
    );
  });
});

describe('regular expressions in JSONata', () => {
  it('refuses nested quantifiers at load time and at run time', async () => {
    const { hasNestedQuantifier } = await import('./map.js');
    expect(['(a+)+', '(\\w*,?)*$', '(x|y+){2,}'].map(hasNestedQuantifier)).toEqual([true, true, true]);
    expect(['a+b*', '(ab)+', '^\\d{3}-\\d+$', '(a|b)*'].map(hasNestedQuantifier)).toEqual([false, false, false, false]);
    const r = loadMap(
      'standard: x12\nversion: "004010"\nset: "850"\ndocument: Order\nfields:\n  x: { path: BEG03, expr: "$match($value, /(a+)+$/)" }\n',
      { file: 'r.yaml' },
    );
    expect(r.issues[0]).toMatchObject({ code: 'JSONATA_UNSAFE_REGEX', rule: { line: 6 } });
    const ok = loadMap(
      'standard: x12\nversion: "004010"\nset: "850"\ndocument: Order\nfields:\n  x: { path: BEG03, expr: "$eval(\\"$match(\\\\\\"aaa\\\\\\", /(a+)+$/)\\")" }\n',
      { file: 'r.yaml' },
    );
    expect(ok.issues).toEqual([]);
    await expect(
      ok.map!.fields.fields.get('x')!.kind === 'value' &&
        (
          ok.map!.fields.fields.get('x') as { expr: { expression: { evaluate: (i: unknown) => Promise<unknown> } } }
        ).expr.expression.evaluate({}),
    ).rejects.toThrow(/nests quantifiers/);
  });
});

describe('JSONata function names', () => {
  it('a misspelt function is a load error that names the right one', () => {
    const r = loadMap(
      'standard: x12\nversion: "004010"\nset: "850"\ndocument: Order\nfields:\n  x: { path: BEG03, expr: "$substr($value, 0, 3)" }\n',
      { file: 'f.yaml' },
    );
    expect(r.issues[0]).toMatchObject({
      code: 'JSONATA_UNKNOWN_FUNCTION',
      message: '$substr is not a JSONata function',
      rule: { line: 6, column: 28 },
    }); // the $ of $substr
    expect(r.issues[0]!.hint).toMatch(/^did you mean \$substring\?/);
  });
  it('functions the expression defines itself, and lambda parameters, are fine', () => {
    const r = loadMap(
      'standard: x12\nversion: "004010"\nset: "850"\ndocument: Order\nfields:\n  x: { expr: "($twice := function($f, $v) { $f($f($v)) }; $twice(function($n) { $n + 1 }, 1))" }\n',
      { file: 'f.yaml' },
    );
    expect(r.issues).toEqual([]);
  });
});
