/**
 * Outbound translation: an internal document (an OrderAcknowledgment first)
 * through an outbound map into a transaction set, wrapped in the envelope
 * the caller hands in (the ledger allocates the control numbers).
 */
import { serializeSegment, type Delimiters, type PartyId, type Segment } from '@edigate/edi';
import { fromIsoDate, fromMinorUnits } from './convert.js';
import type { MapIssue, RuleLocation } from './issues.js';
import type { CompiledExpression, Condition, LoadedMap, OutboundElement, OutboundItem } from './map.js';
import { documentSchemas } from './schema.js';

/** What the caller decides about the envelope: parties, control numbers, time. */
export interface OutboundEnvelope {
  /** Our id (ISA05/06, UNB S002). */
  sender: PartyId;
  /** The partner's id (ISA07/08, UNB S003). */
  receiver: PartyId;
  /** ISA13 (nine digits) / UNB 0020. */
  interchangeControlNumber: string;
  /** GS06 (X12 only). */
  groupControlNumber?: string;
  /** ST02 / UNH 0062. */
  setControlNumber: string;
  /** Envelope timestamp; default now. */
  at?: Date;
  /** ISA15 `T` / UNB 0035 `1`. */
  test?: boolean;
  /** X12 GS01; default by set (855 → PR). */
  functionalId?: string;
}

/** The result of rendering: the set's segments, the whole interchange text, and every issue. */
export interface OutboundResult {
  /** ST…SE / UNH…UNT. */
  segments?: Segment[];
  /** ISA…IEA / UNA UNB…UNZ as text. */
  text?: string;
  /** The same, encoded for the wire: ISO 8859-1 (EDIFACT UNOC, which the UNB declares; X12 extended set). */
  bytes?: Uint8Array;
  issues: MapIssue[];
}

const x12Delimiters: Delimiters = { element: '*', component: '>', segment: '~', lineSuffix: '\n' };
const edifactDelimiters: Delimiters = {
  element: '+',
  component: ':',
  segment: "'",
  release: '?',
  decimal: '.',
  lineSuffix: '\n',
};
const functionalIds: Record<string, string> = {
  '855': 'PR',
  '850': 'PO',
  '856': 'SH',
  '810': 'IN',
  '846': 'IB',
  '997': 'FA',
};

function fieldValue(obj: unknown, path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

interface Ctx {
  map: LoadedMap;
  doc: unknown;
  issues: MapIssue[];
}

async function evaluate(expr: CompiledExpression, item: unknown, ctx: Ctx, loc: RuleLocation): Promise<unknown> {
  try {
    return await expr.expression.evaluate(item, { doc: ctx.doc });
  } catch (e) {
    const je = e as { message?: string; code?: string };
    ctx.issues.push({
      code: 'JSONATA_ERROR',
      severity: 'error',
      message: `JSONata ${je.code ?? ''}: ${je.message ?? String(e)}`,
      rule: loc,
    });
    return undefined;
  }
}

async function holds(c: Condition | undefined, item: unknown, ctx: Ctx): Promise<boolean> {
  if (!c) return true;
  if (c.kind === 'expr') return Boolean(await evaluate(c.expr, item, ctx, c.loc));
  ctx.issues.push({
    code: 'MAP_SCHEMA',
    severity: 'error',
    message: 'outbound conditions are JSONata expressions',
    rule: c.loc,
    hint: 'when: "item.gtin"',
  });
  return false;
}

async function elementText(el: OutboundElement, item: unknown, ctx: Ctx): Promise<string> {
  let v: unknown = el.const;
  if (el.field) v = fieldValue(item, el.field);
  if (el.expr) v = await evaluate(el.expr, item, ctx, el.loc);
  if ((v === undefined || v === null || v === '') && el.default !== undefined) v = el.default;
  if (v === undefined || v === null || v === '') return '';
  const asText = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x));
  if (el.table) {
    const t = ctx.map.tables.get(el.table);
    const hit = t?.get(asText(v)) ?? t?.get('*');
    if (hit === undefined) {
      ctx.issues.push({
        code: 'UNKNOWN_CODE',
        severity: 'error',
        message: `no code for '${asText(v)}' in table ${el.table}`,
        rule: el.loc,
        hint: `add "${asText(v)}: <their code>" under tables.${el.table} in ${ctx.map.file}`,
      });
      return '';
    }
    v = hit === '=' ? v : hit;
  }
  switch (el.type) {
    case 'date': {
      const r = fromIsoDate(asText(v), el.format ?? 'CCYYMMDD');
      if (r.ok) return r.value;
      ctx.issues.push({ code: 'CONVERSION', severity: 'error', message: r.error, rule: el.loc });
      return '';
    }
    case 'money': {
      const m = v as { amountMinor?: number; currency?: string };
      const r =
        typeof m.amountMinor === 'number' && m.currency
          ? fromMinorUnits(m.amountMinor, m.currency)
          : { ok: false as const, error: 'not a Money value' };
      if (r.ok) return r.value;
      ctx.issues.push({ code: 'CONVERSION', severity: 'error', message: r.error, rule: el.loc });
      return '';
    }
    default:
      return asText(v);
  }
}

async function renderItems(items: readonly OutboundItem[], item: unknown, ctx: Ctx, out: Segment[]): Promise<void> {
  for (const it of items) {
    if (!(await holds(it.when, item, ctx))) continue;
    if (it.kind === 'each') {
      const list = fieldValue(item, it.field);
      if (Array.isArray(list)) for (const x of list) await renderItems(it.items, x, ctx, out);
      continue;
    }
    const elements: (string | { components: string[] })[] = [];
    for (const el of it.elements) {
      const text = await elementText(el, item, ctx);
      const i = el.ref.element - 1;
      while (elements.length <= i) elements.push('');
      if (el.ref.component !== undefined) {
        const cur = elements[i]!;
        const comps = typeof cur === 'string' ? (cur === '' ? [] : [cur]) : [...cur.components];
        while (comps.length < el.ref.component) comps.push('');
        comps[el.ref.component - 1] = text;
        elements[i] = { components: comps };
      } else elements[i] = text;
    }
    // X12.6 §3.6 / ISO 9735 §7.1: trailing empty elements and components are omitted.
    const trimmed = elements.map((e) => {
      if (typeof e === 'string') return e;
      const c = [...e.components];
      while (c.length > 1 && c[c.length - 1] === '') c.pop();
      return c.length === 1 ? c[0]! : { components: c };
    });
    while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
    if (trimmed.length === 0) continue;
    out.push({ tag: it.tag, elements: trimmed, offset: 0, length: 0 });
  }
}

const pad = (t: string, n: number): string => t.slice(0, n).padEnd(n, ' ');
const seg = (tag: string, elements: (string | { components: string[] })[]): Segment => ({
  tag,
  elements,
  offset: 0,
  length: 0,
});

/**
 * Renders an internal document through an outbound map into an interchange.
 * The document is validated by its schema first; every problem comes back
 * as an issue naming the map rule. Never throws on bad input.
 */
export async function renderOutbound(
  map: LoadedMap,
  document: unknown,
  envelope: OutboundEnvelope,
): Promise<OutboundResult> {
  const issues: MapIssue[] = [];
  if (map.direction !== 'outbound')
    return { issues: [{ code: 'MAP_SCHEMA', severity: 'error', message: `${map.file} is not an outbound map` }] };
  const parsed = documentSchemas[map.document].safeParse(document);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        code: 'SCHEMA_MISMATCH',
        severity: 'error',
        message: `${map.document}.${i.path.join('.')}: ${i.message}`,
      })),
    };
  }
  const ctx: Ctx = { map, doc: parsed.data, issues };
  const body: Segment[] = [];
  await renderItems(map.segments, parsed.data, ctx, body);
  if (issues.some((i) => i.severity === 'error')) return { issues };
  const at = envelope.at ?? new Date();
  const iso = at.toISOString();
  const ymd = iso.slice(0, 10).replace(/-/g, '');
  const hm = iso.slice(11, 16).replace(':', '');
  let lines: Segment[];
  let d: Delimiters;
  let set: Segment[];
  if (map.standard === 'x12') {
    d = x12Delimiters;
    set = [seg('ST', [map.set, envelope.setControlNumber]), ...body];
    set.push(seg('SE', [String(set.length + 1), envelope.setControlNumber]));
    const gcn = envelope.groupControlNumber ?? String(Number(envelope.interchangeControlNumber));
    lines = [
      seg('ISA', [
        '00',
        pad('', 10),
        '00',
        pad('', 10),
        pad(envelope.sender.qualifier, 2),
        pad(envelope.sender.id, 15),
        pad(envelope.receiver.qualifier, 2),
        pad(envelope.receiver.id, 15),
        ymd.slice(2),
        hm,
        'U',
        '00401',
        envelope.interchangeControlNumber.padStart(9, '0'),
        '0',
        envelope.test ? 'T' : 'P',
        d.component,
      ]),
      seg('GS', [
        envelope.functionalId ?? functionalIds[map.set] ?? 'PO',
        envelope.sender.id,
        envelope.receiver.id,
        ymd,
        hm,
        gcn,
        'X',
        map.version,
      ]),
      ...set,
      seg('GE', ['1', gcn]),
      seg('IEA', ['1', envelope.interchangeControlNumber.padStart(9, '0')]),
    ];
  } else {
    d = edifactDelimiters;
    const version = /^D(\d\d[A-Z])$/.exec(map.version);
    set = [
      seg('UNH', [envelope.setControlNumber, { components: [map.set, 'D', version?.[1] ?? map.version, 'UN'] }]),
      ...body,
    ];
    set.push(seg('UNT', [String(set.length + 1), envelope.setControlNumber]));
    const unb: (string | { components: string[] })[] = [
      { components: ['UNOC', '3'] },
      { components: [envelope.sender.id, envelope.sender.qualifier] },
      { components: [envelope.receiver.id, envelope.receiver.qualifier] },
      { components: [ymd.slice(2), hm] },
      envelope.interchangeControlNumber,
    ];
    if (envelope.test) unb.push('', '', '', '', '', '1');
    lines = [seg('UNB', unb), ...set, seg('UNZ', ['1', envelope.interchangeControlNumber])];
  }
  const una =
    map.standard === 'edifact'
      ? `UNA${d.component}${d.element}${d.decimal}${d.release} ${d.segment}${d.lineSuffix}`
      : '';
  try {
    // X12.5: the ISA is fixed width and its last element is the component separator itself, so it is written verbatim.
    const write = (s: Segment): string =>
      (s.tag === 'ISA'
        ? ['ISA', ...s.elements.map((e) => (typeof e === 'string' ? e : ''))].join(d.element) + d.segment
        : serializeSegment(s, d, map.standard)) + (d.lineSuffix ?? '');
    const text = una + lines.map(write).join('');
    const outside = [...text].find((c) => c.codePointAt(0)! > 0xff);
    if (outside) {
      issues.push({
        code: 'UNWRITABLE_VALUE',
        severity: 'error',
        message: `'${outside}' is outside ISO 8859-1 (UNOC)`,
        hint: 'the document holds a character the interchange cannot carry; transliterate it in the document or the map',
      });
      return { segments: set, text, issues };
    }
    return { segments: set, text, bytes: Buffer.from(text, 'latin1'), issues };
  } catch (e) {
    // X12 has no release character: a delimiter inside a value cannot be sent.
    issues.push({
      code: 'UNWRITABLE_VALUE',
      severity: 'error',
      message: e instanceof Error ? e.message : String(e),
      hint: 'a value contains a delimiter of the interchange; clean it in the document or the map',
    });
    return { segments: set, issues };
  }
}
