/**
 * The third-party corpus (/work/shared/corpus, see its README): each file's
 * known findings, asserted one by one. Skipped when the corpus is absent; it
 * is read in place and never copied into the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  allIssues,
  parseEdi,
  serialize,
  type EdiIssue,
  type Interchange,
  type ParseOptions,
  type ParseResult,
} from '@edigate/edi';

const corpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const present = existsSync(`${corpus}README.md`);

function load(name: string): Buffer {
  return readFileSync(`${corpus}${name}`);
}

function parse(name: string, options: ParseOptions = {}): ParseResult & { all: EdiIssue[] } {
  const result = parseEdi(load(name), options);
  return { ...result, all: [...result.issues, ...result.interchanges.flatMap(allIssues)] };
}

function find(all: EdiIssue[], code: string, value?: string): EdiIssue | undefined {
  return all.find((i) => i.code === code && (value === undefined || i.value === value));
}

const errors = (all: EdiIssue[]) => all.filter((i) => i.severity === 'error').map((i) => i.code);
const sets = (ic: Interchange) => ic.groups.flatMap((g) => g.sets);

describe.skipIf(!present)('third-party corpus (skipped when /work/shared/corpus is absent)', () => {
  it('files the origins treat as valid have no envelope errors and round-trip byte for byte', () => {
    const valid = [
      'x12/aaronhuggins-node-x12__850.edi',
      'x12/aaronhuggins-node-x12__855.edi',
      'x12/aaronhuggins-node-x12__856.edi',
      'x12/kputnam-stupidedi__004010_IN810_pass_1.edi',
      'x12/kputnam-stupidedi__005010_X231A1_FA999_pass_response-to-functional-group-containing-3-837s.edi',
      'x12/xlate-staedi__simple997-multiple-interchanges.edi',
      'x12/xlate-staedi__invoice810_po850_dual.edi',
      'x12/xlate-staedi__optionalInterchangeServices.edi',
      'x12/xlate-staedi__ts214_ellipses_segterm.edi',
      'edifact/smooks-smooks-edi-cartridge__ORDERS_D.03B_Interchange.txt',
      'edifact/nerdocs-pydifact__invoice_with_colon_at_end.edi',
    ];
    for (const name of valid) {
      const data = load(name);
      const { all, interchanges } = parse(name);
      expect(errors(all), name).toEqual([]);
      for (const ic of interchanges) {
        const end = ic.offset + ic.length + (ic.trailerSuffix ?? ic.delimiters.lineSuffix ?? '').length;
        expect(Buffer.from(serialize(ic)).equals(data.subarray(ic.offset, end)), name).toBe(true);
      }
    }
  });

  it('imsweb different separators: ~ element, ^ component, _ terminator; SE01=25 for 34 segments', () => {
    const { interchanges, all } = parse('x12/imsweb-x12-parser__x12_valid_different_separators.txt');
    expect(interchanges[0]!.delimiters).toMatchObject({ element: '~', component: '^', segment: '_' });
    expect(sets(interchanges[0]!)[0]!.segments).toHaveLength(34);
    expect(find(all, 'SET_COUNT_MISMATCH', '25')?.codes).toEqual({ ak502: '4' });
    expect(all).toHaveLength(1);
  });

  it('indice 850a: BOM, NBSP padding (ISA not fixed width), tab-indented segments, IEA02 ≠ ISA13', () => {
    const { interchanges, all } = parse('x12/indice-co-EDI.Net__x12.850a.edi');
    const ic = interchanges[0]!;
    expect(ic.encoding).toBe('utf8');
    expect(ic.controlNumber).toBe('000000055');
    expect(find(all, 'INTERCHANGE_REFERENCE_MISMATCH', '000000001')?.codes).toEqual({ ta105: '001' });
    expect(all.filter((i) => i.code === 'ISA_FIELD_WIDTH').map((i) => i.element)).toEqual([2, 4, 6, 8]);
    expect(find(all, 'LEADING_WHITESPACE')?.severity).toBe('warning');
    expect(sets(ic)[0]!.id).toBe('850');
  });

  it('staedi TA1: ISA/TA1/IEA with IEA01=1 and no group', () => {
    const { interchanges, all } = parse('x12/xlate-staedi__x12_interchange_ack.txt');
    expect(interchanges[0]!.serviceSegments.map((s) => s.tag)).toEqual(['TA1']);
    expect(find(all, 'INTERCHANGE_COUNT_MISMATCH', '1')?.codes).toEqual({ ta105: '021' });
  });

  it('node-x12 850_fat: the same interchange twice → duplicate interchange control number', () => {
    const { interchanges, all } = parse('x12/aaronhuggins-node-x12__850_fat.edi');
    expect(interchanges).toHaveLength(2);
    expect(find(all, 'DUPLICATE_INTERCHANGE', '000003438')).toMatchObject({
      interchangeIndex: 1,
      codes: { ta105: '025' },
    });
  });

  it('node-x12 856: ISA11 "-" in 00406 is the repetition separator, so "31139-0020" is a repeated element', () => {
    const ic = parse('x12/aaronhuggins-node-x12__856.edi').interchanges[0]!;
    expect(ic.delimiters.repetition).toBe('-');
    const n4 = sets(ic)[0]!.segments.find((s) => s.tag === 'N4' && s.elements[1] === 'GA')!;
    expect(n4.elements[2]).toEqual({ repeats: ['31139', '0020'] });
  });

  it('indice issue135: ISA16 "~" then LF read as terminator (reported); both ST02 0001 → duplicate set', () => {
    const { interchanges, all } = parse('x12/indice-co-EDI.Net__x12.850.issue135.edi');
    expect(interchanges[0]!.delimiters).toMatchObject({ segment: '~', component: '', lineSuffix: '\n' });
    expect(find(all, 'AMBIGUOUS_DELIMITERS')?.codes).toEqual({ ta105: '027' });
    expect(find(all, 'DUPLICATE_SET', '0001')?.codes).toEqual({ ak502: '23' });
    // line 23 (DTM*038*20190309) has no terminator: it runs into the next line, which is reported.
    expect(find(all, 'LINE_BREAK_IN_SEGMENT')).toBeDefined();
  });

  it('stupidedi FA997 pass: LF terminator, backtick component, ISA06 of 12 characters', () => {
    const { interchanges, all } = parse('x12/kputnam-stupidedi__004010_FA997_pass_1.edi');
    expect(interchanges[0]!.delimiters).toMatchObject({ element: '*', component: '`', segment: '\n' });
    expect(errors(all)).toEqual([]);
    expect(find(all, 'ISA_FIELD_WIDTH')).toMatchObject({ element: 6, codes: { ta105: '006' } });
  });

  it('stupidedi fail files give issues', () => {
    const pr855 = parse('x12/kputnam-stupidedi__004010_PR855_fail_2.edi').all;
    expect(find(pr855, 'INVALID_TIME')?.codes).toEqual({ ta105: '015' });
    expect(pr855.filter((i) => i.code === 'ISA_FIELD_WIDTH').length).toBeGreaterThanOrEqual(4);
    const sh856 = parse('x12/kputnam-stupidedi__004010_SH856_fail_2.edi');
    expect(sh856.interchanges[0]!.delimiters).toMatchObject({ component: '{', segment: '$' });
    expect(find(sh856.all, 'SET_COUNT_MISMATCH', '25')).toBeDefined();
    expect(sets(sh856.interchanges[0]!)[0]!.segments).toHaveLength(22);
  });

  it('moov-io STP 820: backslash terminator, ~ component, unpadded ISA', () => {
    const { interchanges, all } = parse('x12/moov-io-x12__example_stp_820_sample.txt');
    expect(interchanges[0]!.delimiters).toMatchObject({ component: '~', segment: '\\' });
    expect(errors(all)).toEqual([]);
    expect(all.filter((i) => i.code === 'ISA_FIELD_WIDTH').map((i) => i.element)).toEqual([2, 4, 6, 8]);
  });

  it('staedi invalid997_min: GS04 BAD_DATE, GS05 295335, GE02 ≠ GS06', () => {
    const { all } = parse('x12/xlate-staedi__invalid997_min.edi');
    expect(find(all, 'INVALID_DATE', 'BAD_DATE')).toMatchObject({ element: 4, level: 'group' });
    expect(find(all, 'INVALID_TIME', '295335')).toMatchObject({ element: 5 });
    expect(find(all, 'GROUP_REFERENCE_MISMATCH', '<TOO_LONG_AND_NOT_NUMERIC>')?.codes).toEqual({ ak905: '4' });
  });

  it('staedi invalid999: SE01=16 for 18 segments', () => {
    expect(find(parse('x12/xlate-staedi__invalid999.edi').all, 'SET_COUNT_MISMATCH', '16')).toMatchObject({
      segmentPosition: 18,
    });
  });

  it('staedi dual: two groups; the PO group is 003010 with a six-digit GS04', () => {
    const { interchanges, all } = parse('x12/xlate-staedi__invoice810_po850_dual.edi');
    expect(interchanges[0]!.groups.map((g) => g.version)).toEqual(['004010', '003010']);
    expect(all).toEqual([]);
  });

  it('staedi ts214: U+2026 as segment terminator parses clean', () => {
    const { interchanges, all } = parse('x12/xlate-staedi__ts214_ellipses_segterm.edi');
    expect(interchanges[0]!.delimiters.segment).toBe('\u2026');
    expect(all).toEqual([]);
  });

  it('wrapped files: issues by default, parse like their unwrapped form with ignoreExtraneousLineBreaks', () => {
    const ts210 = 'x12/xlate-staedi__ts210_80char.edi';
    expect(find(parse(ts210).all, 'LINE_BREAK_IN_SEGMENT')).toBeDefined();
    expect(parse(ts210, { ignoreExtraneousLineBreaks: true }).all).toEqual([]);
    const wrapped = 'edifact/xlate-staedi__wrapped_invoic_d97b_una.edi';
    const plain = 'edifact/xlate-staedi__invoic_d97b_una.edi';
    expect(find(parse(wrapped).all, 'LINE_BREAK_IN_SEGMENT')).toBeDefined();
    const lenient = parse(wrapped, { ignoreExtraneousLineBreaks: true });
    expect(lenient.all.map((i) => i.code)).toEqual(parse(plain).all.map((i) => i.code));
    const shape = (r: ParseResult) =>
      JSON.stringify(r.interchanges.flatMap(sets).map((s) => s.segments.map((x) => [x.tag, x.elements])));
    expect(shape(lenient)).toBe(shape(parse(plain)));
  });

  it('staedi invoic_d97b: UNA "=*.? ~"; release before a non-delimiter is dropped with a warning', () => {
    const { interchanges, all } = parse('edifact/xlate-staedi__invoic_d97b_una.edi');
    expect(interchanges[0]!.delimiters).toMatchObject({ component: '=', element: '*', segment: '~' });
    expect(interchanges[0]!.receiver.id).toBe('006415160');
    expect(all.map((i) => `${i.code}:${i.severity}`)).toEqual(['RELEASE_BEFORE_NON_DELIMITER:warning']);
  });

  it('staedi invoic_d93a: decimal comma; UTF-8 "ü" under UNOA is a character-set issue, decoded as UTF-8', () => {
    const { interchanges, all } = parse('edifact/xlate-staedi__invoic_d93a_una.edi');
    expect(interchanges[0]!.delimiters.decimal).toBe(',');
    expect(find(all, 'CHARACTER_SET_VIOLATION')?.codes).toEqual({ contrl: '21' });
    expect(JSON.stringify(interchanges[0]!.groups)).toContain('M\u00fcnchen');
  });

  it('staedi orders-with-group: UNG/UNE group; UNT01=21 for 18 segments; both versions kept', () => {
    const { interchanges, all } = parse('edifact/xlate-staedi__orders-with-group.edi');
    const group = interchanges[0]!.groups[0]!;
    expect(group.implicit).toBe(false);
    expect(group.version).toBe('D:96A:EAN008A:IGNORED');
    expect(group.sets[0]!).toMatchObject({ version: 'D96B', association: 'EAN008B' });
    expect(find(all, 'SET_COUNT_MISMATCH', '21')).toMatchObject({ segmentPosition: 18, codes: { contrl: '29' } });
  });

  it('pydifact order.edi: no UNZ → premature end', () => {
    const { interchanges, all } = parse('edifact/nerdocs-pydifact__order.edi');
    expect(sets(interchanges[0]!)[0]!.segments).toHaveLength(16);
    expect(find(all, 'INTERCHANGE_TRAILER_MISSING')?.codes).toEqual({ contrl: '13' });
  });

  it('pydifact patient1: ANSI:1 not known, latin1 bytes, raw LFs inside FTX values', () => {
    const { interchanges, all } = parse('edifact/nerdocs-pydifact__patient1.edi');
    expect(interchanges[0]!.encoding).toBeUndefined();
    expect(find(all, 'SYNTAX_NOT_SUPPORTED', 'ANSI')?.codes).toEqual({ contrl: '2' });
    expect(find(all, 'LINE_BREAK_IN_SEGMENT')).toBeDefined();
    expect(find(all, 'INVALID_TIME')).toBeDefined();
  });

  it("smooks: UNA repetition *, Tolkien?'s released; UNT01=36 for 35; BAD_ORDERS UNT01=22 for 57", () => {
    const invoic = parse('edifact/smooks-smooks-edi-cartridge__INVOIC_D.03B_Interchange_with_UNA.txt');
    expect(invoic.interchanges[0]!.delimiters.repetition).toBe('*');
    expect(JSON.stringify(invoic.interchanges[0]!.groups)).toContain("Tolkien's");
    expect(find(invoic.all, 'SET_COUNT_MISMATCH', '36')).toBeDefined();
    expect(
      find(
        parse('edifact/smooks-smooks-edi-cartridge__BAD_ORDERS_D.03B_Interchange.txt').all,
        'SET_COUNT_MISMATCH',
        '22',
      ),
    ).toBeDefined();
    const orders = parse('edifact/smooks-smooks-edi-cartridge__ORDERS_D.03B_Interchange.txt').interchanges[0]!;
    expect(orders.delimiters.repetition).toBe('*');
    const com = sets(orders)[0]!.segments.find((s) => s.tag === 'COM')!;
    expect(com.elements[0]).toMatchObject({
      repeats: [{ components: ['s11', 'AA'] }, { components: ['s21', 'AA'] }, { components: ['s31', 'AA'] }],
    });
  });

  it('EDI.Net ORDRSP (one line): UNT count and reference wrong, UNZ reference wrong, released +', () => {
    const { interchanges, all } = parse('edifact/indice-co-EDI.Net__edifact.ORDRSP.edi');
    expect(interchanges[0]!.delimiters.lineSuffix).toBe('');
    expect(find(all, 'SET_COUNT_MISMATCH', '17')).toBeDefined();
    expect(find(all, 'SET_REFERENCE_MISMATCH', '9IM20YSP9')).toBeDefined();
    expect(find(all, 'INTERCHANGE_REFERENCE_MISMATCH', 'DAREFNR00001')?.codes).toEqual({ contrl: '28' });
    expect(JSON.stringify(interchanges[0]!.groups)).toContain('"+49');
  });

  it('EDI.Net IFCSUM: UNT01=787 for 27 segments', () => {
    expect(
      find(parse('edifact/indice-co-EDI.Net__edifact.D01B.IFCSUM.EDI').all, 'SET_COUNT_MISMATCH', '787'),
    ).toBeDefined();
  });

  it('EDI.Net Paiement: UNOL:3 (ISO-8859-15), UNG/UNE, released apostrophes, zero-padded UNT count 000100 for 10', () => {
    const { interchanges, all } = parse('edifact/indice-co-EDI.Net__edifact.Paiement.Issue139.EDI');
    expect(interchanges[0]!.encoding).toBe('iso-8859-15');
    expect(interchanges[0]!.groups[0]!.implicit).toBe(false);
    expect(JSON.stringify(interchanges[0]!.groups)).toContain("TELE'DECLAR");
    expect(find(all, 'SET_COUNT_MISMATCH', '000100')).toBeDefined();
    expect(all.filter((i) => i.code !== 'SET_COUNT_MISMATCH')).toEqual([]);
  });

  it('EDI.Net Issue188: BOM, duplicate UNH reference, UNT counts and refs wrong, UNZ01=1 for 4 messages', () => {
    const { interchanges, all } = parse('edifact/indice-co-EDI.Net__edifact.Issue188.edi');
    expect(sets(interchanges[0]!).map((s) => s.id)).toEqual(['IFTMIN', 'INVOIC', 'IFTMIN', 'INVOIC']);
    expect(find(all, 'DUPLICATE_SET', '44')?.codes).toEqual({ contrl: '26' });
    expect(find(all, 'INTERCHANGE_COUNT_MISMATCH', '1')).toBeDefined();
    expect(all.filter((i) => i.code === 'SET_COUNT_MISMATCH')).toHaveLength(4);
    expect(find(all, 'SET_REFERENCE_MISMATCH')).toBeDefined();
  });

  it('every corpus file parses without an exception, whole and streamed', () => {
    for (const dir of ['x12', 'edifact']) {
      for (const f of readdirSync(`${corpus}${dir}`)) expect(() => parse(`${dir}/${f}`)).not.toThrow();
    }
  });
});
