/**
 * Inbound translation: one transaction set + one loaded map → one internal
 * document, validated by its zod schema. A failure names the map rule
 * (file:line:column, field) and the input segment position; a set in error
 * never stops the others.
 */
import type { FunctionalGroup, Interchange, LoopNode, ParseResult, SetTree, TransactionSet } from '@edigate/edi';
import {
  dateFormats,
  toDecimal,
  toIsoDate,
  toIsoDateTime,
  toMinorUnits,
  type Converted,
  type DateFormat,
} from './convert.js';
import type { MapIssue, RuleLocation } from './issues.js';
import {
  builtinTables,
  type CompiledExpression,
  type Condition,
  type FieldRule,
  type LoadedMap,
  type ObjectRule,
  type ValueRule,
} from './map.js';
import { headsIn, parsePath, readElement, readPath, selectAll, scopeHead, type Path, type Scope } from './path.js';
import { documentSchemas, type InternalDocument, type Source } from './schema.js';
import { arrangeByOutline, setOutline } from './structures.js';

/** Where a set sits and who sent it: what the `source` block is made of. */
export interface SetContext {
  partner: string | null;
  interchange: Interchange;
  group: FunctionalGroup;
  set: TransactionSet;
  position: { interchange: number; group: number; set: number };
}

/** The outcome of translating one set. */
export interface SetTranslation {
  setId: string;
  controlNumber: string;
  position: { interchange: number; group: number; set: number };
  /** The map used (absent when none matched). */
  map?: string;
  document?: InternalDocument;
  issues: MapIssue[];
}

/** Time spent, for the benchmark: total and inside JSONata. */
export interface TranslateTimings {
  jsonataMs: number;
  jsonataCalls: number;
}

interface State {
  map: LoadedMap;
  doc: Record<string, unknown>;
  issues: MapIssue[];
  /** Each output object → the position of the input segment (loop) it was read from. */
  positions: WeakMap<object, number>;
  timings?: TranslateTimings;
}

const pathCache = new Map<string, Path | undefined>();
function cachedPath(text: string): Path | undefined {
  if (!pathCache.has(text)) {
    const p = parsePath(text);
    pathCache.set(text, 'message' in p ? undefined : p);
  }
  return pathCache.get(text);
}

async function evaluateExpr(
  expr: CompiledExpression,
  input: unknown,
  bindings: Record<string, unknown>,
  state: State,
  loc: RuleLocation,
  position: number,
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const t0 = state.timings ? performance.now() : 0;
  try {
    const value: unknown = await expr.expression.evaluate(input, bindings);
    return { ok: true, value: value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown) };
  } catch (e) {
    const je = e as { message?: string; code?: string };
    state.issues.push({
      code: je.code === 'D1012' ? 'JSONATA_TIMEOUT' : 'JSONATA_ERROR',
      severity: 'error',
      message: `JSONata ${je.code ?? ''}: ${je.message ?? String(e)}`,
      hint:
        je.code === 'D1012'
          ? 'the expression ran past its time limit; simplify it'
          : 'check the expression against the data it sees ($ is the object built so far, $value the path value)',
      rule: loc,
      segmentPosition: position,
    });
    return { ok: false };
  } finally {
    if (state.timings) {
      state.timings.jsonataMs += performance.now() - t0;
      state.timings.jsonataCalls++;
    }
  }
}

function bindingsFor(scope: Scope, state: State, value: unknown): Record<string, unknown> {
  return {
    value,
    index: scope.index,
    doc: state.doc,
    // $el('PO104') reads an element in the rule's scope — pure, no access beyond the set.
    el: (text: string) => {
      const p = cachedPath(String(text));
      return p ? readPath(scope, p)?.value : undefined;
    },
  };
}

async function conditionHolds(
  c: Condition | undefined,
  scope: Scope,
  current: Record<string, unknown>,
  state: State,
): Promise<boolean> {
  if (!c) return true;
  if (c.kind === 'match') {
    const v = readPath(scope, c.path)?.value ?? '';
    if (c.present !== undefined) return c.present ? v !== '' : v === '';
    if (c.values) return c.values.includes(v);
    return v !== '';
  }
  const r = await evaluateExpr(c.expr, current, bindingsFor(scope, state, undefined), state, c.loc, scope.position);
  return r.ok && Boolean(r.value);
}

function issue(
  state: State,
  code: string,
  rule: ValueRule | ObjectRule,
  message: string,
  extra: Partial<MapIssue> = {},
): void {
  state.issues.push({ code, severity: 'error', message, rule: rule.loc, ...extra });
}

/** What a value rule read from the input, before JSONata, tables and conversion. */
interface Reading {
  raw: unknown;
  position: number;
  segmentTag: string | undefined;
  format: DateFormat | undefined;
}

/** Whether a value rule needs no JSONata, so it can be evaluated without awaiting. */
function isSyncRule(rule: ValueRule): boolean {
  return rule.expr === undefined && rule.when?.kind !== 'expr';
}

function matchHolds(c: Condition, scope: Scope): boolean {
  if (c.kind !== 'match') return true;
  const v = readPath(scope, c.path)?.value ?? '';
  if (c.present !== undefined) return c.present ? v !== '' : v === '';
  if (c.values) return c.values.includes(v);
  return v !== '';
}

/** A value rule without JSONata: read, default, table, convert — no awaiting. */
function evalValueSync(rule: ValueRule, scope: Scope, state: State): unknown {
  if (rule.when && !matchHolds(rule.when, scope)) return undefined;
  const r = readValue(rule, scope, state);
  return r ? finishValue(rule, scope, state, r) : undefined;
}

async function evalValue(
  rule: ValueRule,
  scope: Scope,
  current: Record<string, unknown>,
  state: State,
): Promise<unknown> {
  if (isSyncRule(rule)) return evalValueSync(rule, scope, state);
  if (!(await conditionHolds(rule.when, scope, current, state))) return undefined;
  const r = readValue(rule, scope, state);
  if (!r) return undefined;
  if (rule.expr) {
    const e = await evaluateExpr(rule.expr, current, bindingsFor(scope, state, r.raw), state, rule.loc, r.position);
    if (!e.ok) return undefined;
    r.raw = Array.isArray(e.value) && e.value.length === 0 ? undefined : e.value;
  }
  return finishValue(rule, scope, state, r);
}

function readValue(rule: ValueRule, scope: Scope, state: State): Reading | undefined {
  let raw: unknown;
  let position = scope.position;
  let segmentTag = scopeHead(scope)?.tag;
  let format: DateFormat | undefined = rule.format;
  if (rule.const !== undefined) raw = rule.const;
  if (rule.path) {
    const hit = readPath(scope, rule.path);
    if (hit) {
      raw = hit.value;
      position = hit.position;
      segmentTag = hit.segment.tag;
      if (rule.format === '2379' && rule.path.element) {
        // EDIFACT DTM C507: the format code (2379) is the component after the date.
        const e = rule.path.element;
        const code = readElement(hit.segment, { ...e, component: (e.component ?? 1) + 1 });
        format = (dateFormats as readonly string[]).includes(code)
          ? (code as DateFormat)
          : code === ''
            ? '102'
            : undefined;
        if (!format) {
          issue(state, 'CONVERSION', rule, `date format code '${code}' (2379) is not one edigate reads`, {
            segmentPosition: position,
            segmentTag,
            value: code,
            hint: `read formats: ${dateFormats.join(', ')}; or give the rule an explicit format`,
          });
          return undefined;
        }
      }
    }
  }
  if (rule.pairs) {
    const { start, qualifiers } = rule.pairs;
    for (const s of headsIn(scope, { name: start.tag, qualifiers: [] })) {
      const seg = s.segment;
      for (let i = start.element; i < seg.elements.length; i += 2) {
        const q = readElement(seg, { tag: seg.tag, element: i, text: '' });
        if (qualifiers.includes(q)) {
          raw = readElement(seg, { tag: seg.tag, element: i + 1, text: '' });
          position = s.position;
          segmentTag = seg.tag;
          break;
        }
      }
      if (raw !== undefined) break;
    }
  }
  return { raw, position, segmentTag, format };
}

function finishValue(rule: ValueRule, scope: Scope, state: State, reading: Reading): unknown {
  let raw = reading.raw;
  const { position, segmentTag, format } = reading;
  if (raw === undefined || raw === null || raw === '') raw = rule.default;
  if (raw === undefined || raw === null || raw === '') {
    if (rule.required)
      issue(state, 'MISSING_VALUE', rule, `no value for ${rule.loc.field}${rule.path ? ` at ${rule.path.text}` : ''}`, {
        segmentPosition: position,
        hint: 'the input lacks the element; add a default, or check the path and qualifier',
      });
    return undefined;
  }
  const at = (): Partial<MapIssue> => ({ segmentPosition: position, ...(segmentTag ? { segmentTag } : {}) });
  if (rule.table) {
    const name = rule.table;
    const key = typeof raw === 'string' ? raw : JSON.stringify(raw);
    // A map's own table comes first; a built-in table of the same name (x12Unit) fills in.
    const lookup = (k: string): string | undefined => state.map.tables.get(name)?.get(k) ?? builtinTables[name]?.[k];
    const hit = lookup(key) ?? lookup('*');
    if (hit === undefined) {
      issue(state, 'UNKNOWN_CODE', rule, `unknown code '${key}' in table ${rule.table}`, {
        ...at(),
        value: key,
        hint: `add "${key}: <our value>" under tables.${rule.table} in ${state.map.file} (or '*': <value> as a fallback)`,
      });
      return undefined;
    }
    // `'*': '='` keeps an unlisted code as sent.
    raw = hit === '=' ? key : hit;
  }
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const time = rule.time ? readPath(scope, rule.time)?.value : undefined;
  const converted = convert(rule, text, state, { time, format });
  if (!converted.ok) {
    issue(state, 'CONVERSION', rule, converted.error, {
      ...at(),
      value: String(text).slice(0, 40),
      hint: 'check type, format and implied in the rule against what the partner sends',
    });
    return undefined;
  }
  return converted.value;
}

function convert(
  rule: ValueRule,
  value: unknown,
  state: State,
  at: { time?: string | undefined; format?: DateFormat | undefined } = {},
): Converted<unknown> {
  if (typeof value !== 'string') {
    if (rule.type === 'money' && typeof value === 'number') return convert(rule, String(value), state);
    return { ok: true, value };
  }
  switch (rule.type) {
    case 'string':
      return { ok: true, value };
    case 'integer': {
      const d = toDecimal(value, rule.implied);
      if (!d.ok) return d;
      return Number.isInteger(d.value) ? d : { ok: false, error: `'${value}' is not a whole number` };
    }
    case 'decimal':
      return toDecimal(value, rule.implied);
    case 'date':
      return toIsoDate(value, at.format ?? 'CCYYMMDD');
    case 'datetime': {
      const opts: Parameters<typeof toIsoDateTime>[0] = { date: value, format: at.format ?? 'CCYYMMDD' };
      if (at.time) opts.time = at.time;
      const offset = rule.utcOffset ?? state.map.utcOffset;
      if (offset) opts.utcOffset = offset;
      return toIsoDateTime(opts);
    }
    case 'money': {
      const currency = rule.currency ?? (typeof state.doc.currency === 'string' ? state.doc.currency : undefined);
      if (!currency)
        return { ok: false, error: 'no currency: map a top-level currency field first or give the rule currency: XXX' };
      const m = toMinorUnits(value, currency, rule.implied);
      return m.ok ? { ok: true, value: { amountMinor: m.value, currency } } : m;
    }
  }
}

async function evalObject(
  rule: ObjectRule,
  scope: Scope,
  state: State,
  target?: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const obj: Record<string, unknown> = target ?? {};
  state.positions.set(obj, scope.position);
  for (const [name, field] of rule.fields) {
    let value: unknown;
    if (field.kind === 'value') {
      value = isSyncRule(field) ? evalValueSync(field, scope, state) : await evalValue(field, scope, obj, state);
    } else value = await evalField(field, scope, state, obj);
    if (value !== undefined) obj[name] = value;
  }
  return target || Object.keys(obj).length ? obj : undefined;
}

async function evalField(
  rule: ObjectRule,
  scope: Scope,
  state: State,
  parent: Record<string, unknown>,
): Promise<unknown> {
  if (!rule.each) {
    if (!(await conditionHolds(rule.when, scope, parent, state))) return undefined;
    if (rule.list) {
      const one = await evalObject(rule, scope, state, {});
      return one ? [one] : [];
    }
    return evalObject(rule, scope, state);
  }
  // With each, `when` filters the matches: it is tested in each match's scope.
  const scopes: Scope[] = [];
  for (const s of selectAll(scope, rule.each.steps)) if (await conditionHolds(rule.when, s, {}, state)) scopes.push(s);
  const items: unknown[] = [];
  scopes.forEach((s, i) => (s.index = i + 1));
  for (const s of rule.single ? scopes.slice(0, 1) : scopes) {
    const item = rule.value ? await evalValue(rule.value, s, {}, state) : await evalObject(rule, s, state, {});
    if (item !== undefined) items.push(item);
  }
  return rule.single ? items[0] : items;
}

/**
 * The rule that writes an output path and the input position it read from:
 * the rule tree is walked along the path (array indices stay on the `each`
 * rule), the document alongside it for the positions of its objects.
 */
function locate(
  map: LoadedMap,
  state: State,
  path: readonly PropertyKey[],
): { loc: RuleLocation; position: number; exact: boolean } {
  let rule: FieldRule = map.fields;
  let node: unknown = state.doc;
  let position = 1;
  let exact = true;
  for (const k of path) {
    if (node !== null && typeof node === 'object') {
      position = state.positions.get(node) ?? position;
      node = (node as Record<PropertyKey, unknown>)[k];
    }
    if (!exact) continue;
    if (typeof k === 'number') {
      if (rule.kind === 'object' && rule.value) rule = rule.value;
      continue;
    }
    const next = rule.kind === 'object' ? rule.fields.get(String(k)) : undefined;
    if (next) rule = next;
    else exact = false;
  }
  if (node !== null && typeof node === 'object') position = state.positions.get(node) ?? position;
  return { loc: rule.loc, position, exact };
}

/** The set arranged in loops: the syntax core's tree when present, else arranged by the map's guide outline, else flat. */
export function treeOf(set: TransactionSet, standard: 'x12' | 'edifact'): SetTree {
  if (set.tree) return set.tree;
  const outline = setOutline(standard, set.id, set.version);
  if (outline) return arrangeByOutline(set.segments, outline);
  const root: LoopNode = {
    kind: 'loop',
    id: set.id,
    children: set.segments.map((segment, i) => ({ kind: 'segment', segment, position: i + 1 })),
  };
  return { root, hierarchyRoots: [] };
}

/** The `source` block of a document translated from `ctx`. */
export function sourceOf(ctx: SetContext, map: string): Source {
  return {
    partner: ctx.partner,
    standard: ctx.interchange.standard,
    version: ctx.set.version,
    setId: ctx.set.id,
    sender: { qualifier: ctx.interchange.sender.qualifier.trim(), id: ctx.interchange.sender.id.trim() },
    receiver: { qualifier: ctx.interchange.receiver.qualifier.trim(), id: ctx.interchange.receiver.id.trim() },
    interchangeControlNumber: ctx.interchange.controlNumber,
    groupControlNumber: ctx.group.controlNumber,
    setControlNumber: ctx.set.controlNumber,
    position: { ...ctx.position },
    map,
  };
}

/**
 * Translates one set with one inbound map. Returns the document when it
 * passed the schema; every problem as an issue that names the rule and the
 * input segment. Never throws on bad input.
 */
export async function translateSet(
  map: LoadedMap,
  ctx: SetContext,
  opts: { timings?: TranslateTimings } = {},
): Promise<SetTranslation> {
  const result: SetTranslation = {
    setId: ctx.set.id,
    controlNumber: ctx.set.controlNumber,
    position: ctx.position,
    map: map.file,
    issues: [],
  };
  const state: State = { map, doc: { type: map.document }, issues: result.issues, positions: new WeakMap() };
  if (opts.timings) state.timings = opts.timings;
  try {
    const tree = treeOf(ctx.set, ctx.interchange.standard);
    await evalObject(map.fields, { node: tree.root, tree, position: 1 }, state, state.doc);
    state.doc.source = sourceOf(ctx, map.file);
    if (result.issues.some((i) => i.severity === 'error')) return result;
    const parsed = documentSchemas[map.document].safeParse(state.doc);
    if (parsed.success) {
      result.document = parsed.data;
      return result;
    }
    for (const zi of parsed.error.issues) {
      const key = zi.path.map(String).join('.');
      const origin = locate(map, state, zi.path);
      const mi: MapIssue = {
        code: 'SCHEMA_MISMATCH',
        severity: 'error',
        message: `${map.document}.${key || '(document)'}: ${zi.message}`,
        hint: origin.exact
          ? 'the rule produced a value the schema does not accept; check its type, table and format'
          : `no rule writes ${key}; add one under ${origin.loc.field || 'fields'} (or a default)`,
        rule: origin.loc,
        segmentPosition: origin.position,
      };
      result.issues.push(mi);
    }
  } catch (e) {
    // A defect in the engine must not stop the other sets.
    result.issues.push({
      code: 'INTERNAL',
      severity: 'error',
      message: `translation failed: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  return result;
}

/** Picks the inbound map for a set, or undefined when there is none. */
export type MapSelector = (query: {
  partner: string | null;
  standard: 'x12' | 'edifact';
  version: string;
  setId: string;
}) => LoadedMap | undefined;

/** Options of {@link translateAll}. */
export interface TranslateAllOptions {
  /** Partner id for an interchange's sender, or null when none matches. */
  partnerOf: (interchange: Interchange) => string | null;
  selectMap: MapSelector;
  timings?: TranslateTimings;
}

/** Translates every set of a parse result; one set in error never stops the others. */
export async function translateAll(parsed: ParseResult, opts: TranslateAllOptions): Promise<SetTranslation[]> {
  const out: SetTranslation[] = [];
  for (const [ii, interchange] of parsed.interchanges.entries()) {
    const partner = opts.partnerOf(interchange);
    for (const [gi, group] of interchange.groups.entries()) {
      for (const [si, set] of group.sets.entries()) {
        const position = { interchange: ii, group: gi, set: si };
        const map = opts.selectMap({ partner, standard: interchange.standard, version: set.version, setId: set.id });
        if (!map) {
          out.push({
            setId: set.id,
            controlNumber: set.controlNumber,
            position,
            issues: [
              {
                code: 'NO_MAP',
                severity: 'error',
                message: `no inbound map for ${interchange.standard} ${set.version} ${set.id}${partner ? ` (partner ${partner})` : ''}`,
                hint: 'add maps/<partner>/<set>.yaml extending a standard map',
              },
            ],
          });
          continue;
        }
        const topts: { timings?: TranslateTimings } = {};
        if (opts.timings) topts.timings = opts.timings;
        out.push(await translateSet(map, { partner, interchange, group, set, position }, topts));
      }
    }
  }
  return out;
}
