import { describe, expect, it } from 'vitest';
import type { Interchange, ParseResult, Segment, TransactionSet } from '@edigate/edi';
import { loadMap, type LoadedMap } from './map.js';
import { translateAll } from './translate.js';

function seg(text: string): Segment {
  const [tag, ...els] = text.split('*');
  return {
    tag: tag!,
    elements: els.map((e) => (e.includes('>') ? { components: e.split('>') } : e)),
    offset: 0,
    length: text.length + 1,
  };
}
function set(id: string, control: string, body: string[]): TransactionSet {
  const segments = [`ST*${id}*${control}`, ...body, `SE*${body.length + 2}*${control}`].map(seg);
  return { id, controlNumber: control, version: '004010', segments, complete: true, issues: [], offset: 0 };
}
function interchange(sets: TransactionSet[]): ParseResult {
  const ic: Interchange = {
    standard: 'x12',
    delimiters: { element: '*', component: '>', segment: '~' },
    header: seg('ISA'),
    serviceSegments: [],
    sender: { qualifier: 'ZZ', id: 'ACME           ' },
    receiver: { qualifier: 'ZZ', id: 'EDIGATE' },
    controlNumber: '000000007',
    date: '261120',
    time: '1030',
    version: '00401',
    test: true,
    ackRequested: false,
    groups: [
      { implicit: false, functionalId: 'PO', controlNumber: '7', version: '004010', sets, issues: [], offset: 0 },
    ],
    issues: [],
    offset: 0,
    length: 0,
  };
  return { interchanges: [ic], issues: [] };
}
const mapText = (extra = ''): string => `standard: x12
version: "004010"
set: "850"
document: Order
tables:
  purpose: { "00": original }
fields:
  externalId: { path: BEG03, required: true }
  purpose: { path: BEG01, table: purpose }
  orderDate: { path: BEG05, type: date, format: CCYYMMDD }
  currency: { const: USD }
  parties: { each: N1, fields: { role: { const: buyer }, name: N102 } }
  references: { each: REF, fields: { qualifier: REF01, value: REF02 } }
  lines:
    each: PO1
    fields:
      lineNumber: PO101
      item: { fields: { vendorPartNumber: { pairs: PO106, qualifier: VN } } }
      quantity: { fields: { value: { path: PO102, type: decimal }, unit: { path: PO103, table: x12Unit } } }
      unitPrice: { path: PO104, type: money }
${extra}`;
function map(extra = ''): LoadedMap {
  const r = loadMap(mapText(extra), { file: 'test/850.yaml' });
  if (!r.map) throw new Error(JSON.stringify(r.issues));
  return r.map;
}
const run = async (m: LoadedMap, sets: TransactionSet[]) =>
  translateAll(interchange(sets), { partnerOf: () => 'p_test', selectMap: () => m });
const good = (n: string) => set('850', n, ['BEG*00*SA*PO-' + n + '**20261120', 'PO1*1*2*EA*1.25**VN*X-1']);

describe('translation', () => {
  it('produces a schema-valid document with a source block', async () => {
    const [r] = await run(map(), [good('0001')]);
    expect(r!.issues).toEqual([]);
    expect(r!.document).toMatchObject({
      type: 'Order',
      externalId: 'PO-0001',
      lines: [
        {
          lineNumber: '1',
          item: { vendorPartNumber: 'X-1' },
          quantity: { value: 2, unit: 'EA' },
          unitPrice: { amountMinor: 125, currency: 'USD' },
        },
      ],
      source: {
        partner: 'p_test',
        setControlNumber: '0001',
        interchangeControlNumber: '000000007',
        sender: { id: 'ACME' },
        position: { interchange: 0, group: 0, set: 0 },
      },
    });
  });
  it('one set in error never stops the others', async () => {
    const bad = set('850', '0002', ['BEG*00*SA*PO-2**20261131', 'PO1*1*2*ZZ*1.25']);
    const results = await run(map(), [good('0001'), bad, good('0003')]);
    expect(results.map((r) => Boolean(r.document))).toEqual([true, false, true]);
    const codes = results[1]!.issues.map((i) => [i.code, i.segmentPosition, i.rule?.field]);
    expect(codes).toEqual([
      ['CONVERSION', 2, 'fields.orderDate'],
      ['UNKNOWN_CODE', 3, 'fields.lines.fields.quantity.fields.unit'],
    ]);
  });
  it('a schema failure names the map rule and the input segment', async () => {
    const [r] = await run(map(), [
      set('850', '0004', ['BEG*00*SA*PO-4**20261120', 'PO1*1*2*EA*1.25**VN*X-1', 'PO1*2*3**1']),
    ]);
    expect(r!.document).toBeUndefined();
    expect(r!.issues[0]).toMatchObject({
      code: 'SCHEMA_MISMATCH',
      segmentPosition: 4,
      rule: { file: 'test/850.yaml', field: 'fields.lines.fields.item' },
    });
    expect(r!.issues.map((i) => i.message.split(':')[0])).toEqual([
      'Order.lines.1.item',
      'Order.lines.1.quantity.unit',
    ]);
  });
  it('computes values in JSONata, which has no way out of its sandbox', async () => {
    const m = map(`  notes:
    expr: "[$eval('$string(1 + 1)'), $string($count(lines)), $el('BEG03')]"
`);
    const [r] = await run(m, [good('0005')]);
    expect(r!.document).toMatchObject({ notes: ['2', '1', 'PO-0005'] });
    // Names that are not JSONata functions do not even load …
    for (const expr of ["$require('fs')", "$Function('return 1')()"]) {
      expect(
        loadMap(mapText(`  declaredLineCount: { expr: "${expr}" }\n`), { file: 'x.yaml' }).issues[0],
      ).toMatchObject({ code: 'JSONATA_UNKNOWN_FUNCTION' });
    }
    // … and what $eval builds at run time is JSONata again, evaluated in the same sandbox.
    for (const expr of [
      '$process.exit(1)',
      "$eval('process')",
      "$eval('$req' & 'uire()')",
      "$eval('constructor.constructor')",
    ]) {
      const [x] = await run(map(`  notes: { expr: "${expr}" }\n`), [good('0006')]);
      expect(x!.issues.map((i) => i.code).filter((c) => c !== 'JSONATA_ERROR')).toEqual([]);
      expect((x!.document as { notes?: unknown } | undefined)?.notes).toBeUndefined();
    }
  });
  it('stops runaway JSONata by its limits without stopping the run', async () => {
    const t0 = Date.now();
    const [r] = await run(map('  declaredLineCount: { expr: "($f := function($n) { $f($n + 1) }; $f(0))" }\n'), [
      good('0007'),
    ]);
    expect(r!.issues[0]).toMatchObject({
      code: expect.stringMatching(/JSONATA_(ERROR|TIMEOUT)/),
      rule: { field: 'fields.declaredLineCount' },
    });
    const [t] = await run(map('  declaredLineCount: { expr: "$count([1..9999999].($ * 2))" }\n'), [good('0008')]);
    expect(t!.issues[0]!.code).toMatch(/JSONATA_(ERROR|TIMEOUT)/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('a set with no map is reported, not thrown', async () => {
    const results = await translateAll(interchange([good('0009')]), {
      partnerOf: () => null,
      selectMap: () => undefined,
    });
    expect(results[0]!.issues[0]).toMatchObject({ code: 'NO_MAP' });
  });
});
