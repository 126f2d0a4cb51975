/**
 * Map files: YAML read with positions, checked against their own schema
 * (`mapFileSchema`, zod, before anything else is read) and against the set's
 * guide outline, `extends` resolved through a callback (no
 * file system here), JSONata compiled once. Loading is checking: every
 * problem comes back as a {@link MapIssue} with file:line:column, the field
 * and a hint; nothing throws on a bad map.
 */
import { guideVersion, listGuides } from '@edigate/edi';
import jsonata from 'jsonata';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type Pair, type YAMLMap } from 'yaml';
import { dateFormats, type DateFormat, type TimeFormat, x12UnitToRec20, currencyExponents } from './convert.js';
import type { MapIssue, RuleLocation } from './issues.js';
import { parseElementRef, parsePath, type ElementRef, type Path } from './path.js';
import { checkMapFile, editDistance } from './mapFile.js';
import { documentSchemas, type DocumentType } from './schema.js';
import { setOutline, type SetOutline } from './structures.js';

/** Segments that repeat with a qualifier saying what each is, and that qualifier. */
const x12Qualified: Record<string, string> = {
  N1: 'N101',
  REF: 'REF01',
  DTM: 'DTM01',
  PER: 'PER01',
  N9: 'N901',
  TXI: 'TXI01',
  AMT: 'AMT01',
  QTY: 'QTY01',
  SAC: 'SAC01',
  MEA: 'MEA01',
  PID: 'PID01',
  CUR: 'CUR01',
};
const edifactQualified: Record<string, string> = {
  NAD: 'NAD01',
  RFF: 'RFF01-1',
  DTM: 'DTM01-1',
  QTY: 'QTY01-1',
  MOA: 'MOA01-1',
  PRI: 'PRI01-1',
  PIA: 'PIA01',
  CUX: 'CUX01-1',
  FTX: 'FTX01',
  GIN: 'GIN01',
  LOC: 'LOC01',
  TAX: 'TAX01',
  ALC: 'ALC01',
  SG1: 'RFF01-1',
  SG2: 'NAD01',
};

/** Per-evaluation limits of every JSONata expression in a map. */
export const jsonataLimits = { timeout: 200, stack: 200, sequence: 100_000 } as const;

/**
 * A regular expression whose quantified group itself holds a quantifier
 * (`(a+)+`, `(\w*,?)*`): on hostile input its backtracking takes
 * exponential time, which no JSONata time limit can interrupt (a regex runs
 * as one step).
 */
export function hasNestedQuantifier(source: string): boolean {
  return /\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)(?:[*+]|\{\d*,)/.test(source);
}

/** The regex engine JSONata gets: refuses nested quantifiers. */
class GuardedRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    if (hasNestedQuantifier(source))
      throw new Error(
        `regular expression /${source}/ nests quantifiers (catastrophic backtracking); write it without a quantified group that repeats`,
      );
    super(pattern, flags);
  }
}

const jsonataOptions: jsonata.JsonataOptions = {
  ...jsonataLimits,
  RegexEngine: GuardedRegExp as unknown as RegExpConstructor,
};

/** JSONata 2.x's function library plus what edigate binds ($el) — what an expression may call. */
const jsonataFunctions = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad match contains replace split join ' +
    'formatNumber formatBase formatInteger parseInteger number floor ceil round abs sqrt power random boolean not map zip filter single foldLeft sift ' +
    'keys lookup append exists spread merge reverse each error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent ' +
    'encodeUrl decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis el'
  ).split(' '),
);

/** Names an expression calls as functions but neither the library nor the expression itself defines, with their positions. */
function unknownCalls(
  node: unknown,
  defined = new Set<string>(),
  calls: { name: string; position: number }[] = [],
): { name: string; position: number }[] {
  if (node === null || typeof node !== 'object') return calls;
  const n = node as {
    type?: string;
    procedure?: { type?: string; value?: unknown; position?: number };
    lhs?: { type?: string; value?: unknown };
    arguments?: { type?: string; value?: unknown }[];
  };
  if (n.type === 'bind' && n.lhs?.type === 'variable') defined.add(String(n.lhs.value));
  if (n.type === 'lambda') for (const a of n.arguments ?? []) if (a.type === 'variable') defined.add(String(a.value));
  if ((n.type === 'function' || n.type === 'partial') && n.procedure?.type === 'variable')
    calls.push({ name: String(n.procedure.value), position: n.procedure.position ?? 0 });
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) for (const x of v) unknownCalls(x, defined, calls);
    else if (v && typeof v === 'object') unknownCalls(v, defined, calls);
  }
  return calls;
}

/** The library function closest to a misspelt name (edit distance ≤ 3, or a shared prefix). */
function closestFunction(name: string): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const f of jsonataFunctions) {
    const dist = f.startsWith(name) || name.startsWith(f) ? 1 : editDistance(name.toLowerCase(), f.toLowerCase());
    if (dist < bestD) [best, bestD] = [f, dist];
  }
  return best;
}

/** Regular-expression literals in a JSONata syntax tree. */
function regexLiterals(node: unknown, out: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return out;
  const n = node as { type?: string; value?: unknown };
  if (n.type === 'regex' && n.value instanceof RegExp) out.push(n.value.source);
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) for (const x of v) regexLiterals(x, out);
    else if (v && typeof v === 'object' && !(v instanceof RegExp)) regexLiterals(v, out);
  }
  return out;
}

/** A compiled JSONata expression and where it was written. */
export interface CompiledExpression {
  source: string;
  expression: jsonata.Expression;
}

/** A condition: a path test (`{ path, is }` / `{ path, present }`) or a JSONata expression. */
export type Condition =
  | { kind: 'match'; path: Path; values?: string[]; present?: boolean; loc: RuleLocation }
  | { kind: 'expr'; expr: CompiledExpression; loc: RuleLocation };

/** How a value is converted. */
export type ValueType = 'string' | 'integer' | 'decimal' | 'date' | 'datetime' | 'money';

/** A rule producing one value. */
export interface ValueRule {
  kind: 'value';
  loc: RuleLocation;
  path?: Path;
  /** Qualifier/value pairs: scan from `start` in steps of two for a qualifier in `qualifiers` (PO106/PO107, LIN02/LIN03 …). */
  pairs?: { start: ElementRef; qualifiers: string[] };
  const?: unknown;
  expr?: CompiledExpression;
  type: ValueType;
  format?: DateFormat;
  time?: Path;
  timeFormat?: TimeFormat;
  utcOffset?: string;
  implied?: number;
  currency?: string;
  table?: string;
  default?: unknown;
  when?: Condition;
  required?: boolean;
}

/** A rule producing an object, or (with `each`) an array of objects or values. */
export interface ObjectRule {
  kind: 'object';
  loc: RuleLocation;
  each?: Path;
  /** With `each`: take the first match as one object instead of an array. */
  single?: boolean;
  when?: Condition;
  fields: Map<string, FieldRule>;
  /** With `each` and no `fields`: each match yields this one value. */
  value?: ValueRule;
  /** Without `each`: the object, in a list of one (a message that is one order, shipment, …). */
  list?: boolean;
}

export type FieldRule = ValueRule | ObjectRule;

/** An element of an outbound segment template. */
export interface OutboundElement {
  ref: ElementRef;
  loc: RuleLocation;
  const?: string;
  field?: string[];
  expr?: CompiledExpression;
  type: ValueType;
  format?: DateFormat;
  table?: string;
  default?: string;
}

/** An outbound template item: one segment, or a loop over an array of the document. */
export type OutboundItem =
  | { kind: 'segment'; tag: string; loc: RuleLocation; elements: OutboundElement[]; when?: Condition }
  | { kind: 'each'; loc: RuleLocation; field: string[]; items: OutboundItem[]; when?: Condition };

/** A loaded, checked map, ready to translate. */
export interface LoadedMap {
  /** The file of the map itself (relative to the maps root). */
  file: string;
  /** Files it was built from, base first. */
  files: string[];
  direction: 'inbound' | 'outbound';
  standard: 'x12' | 'edifact';
  version: string;
  set: string;
  document: DocumentType;
  description?: string;
  utcOffset?: string;
  tables: Map<string, Map<string, string>>;
  fields: ObjectRule;
  segments: OutboundItem[];
}

/** Finds the text of a map that another `extends`; undefined when there is none. */
export type ExtendsResolver = (name: string) => { file: string; text: string } | undefined;

/** Options of {@link loadMap}. */
export interface LoadMapOptions {
  /** The file name reported in issues (relative to the maps root, e.g. `p_003/850.yaml`). */
  file: string;
  /** Resolves `extends: standard/x12/004010/850` to its text. Without it, `extends` is an error. */
  resolveExtends?: ExtendsResolver;
}

/** A map, when it loaded without errors, and every issue found. */
export interface LoadMapResult {
  map?: LoadedMap;
  issues: MapIssue[];
}

const OBJECT_KEYS = new Set(['each', 'single', 'list', 'when', 'fields', 'value']);
/** Built-in code tables every map may use. */
export const builtinTables: Record<string, Record<string, string>> = { x12Unit: x12UnitToRec20 };

interface Reader {
  file: string;
  lc: LineCounter;
  issues: MapIssue[];
}

function locOf(r: Reader, node: Node | null | undefined, field: string): RuleLocation {
  const offset = node?.range?.[0] ?? 0;
  const p = r.lc.linePos(offset);
  return { file: r.file, line: p.line, column: p.col, field };
}

function err(
  r: Reader,
  node: Node | null | undefined,
  field: string,
  code: string,
  message: string,
  hint?: string,
): void {
  const issue: MapIssue = { code, severity: 'error', message, rule: locOf(r, node, field) };
  if (hint) issue.hint = hint;
  r.issues.push(issue);
}

function scalarString(node: unknown): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  return undefined;
}

function pairsOf(node: YAMLMap): Pair<Node, Node | null>[] {
  return node.items as Pair<Node, Node | null>[];
}

function compileExpr(r: Reader, node: Node, field: string): CompiledExpression | undefined {
  const source = scalarString(node);
  if (source === undefined) {
    err(r, node, field, 'MAP_SCHEMA', 'expr must be a JSONata expression in a string');
    return undefined;
  }
  try {
    const expression = jsonata(source, jsonataOptions);
    const ast = expression.ast();
    const defined = new Set<string>();
    const calls = unknownCalls(ast, defined);
    const unknown = calls.find((c) => !jsonataFunctions.has(c.name) && !defined.has(c.name));
    if (unknown) {
      const base = locOf(r, node, field);
      const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
      const guess = closestFunction(unknown.name);
      r.issues.push({
        code: 'JSONATA_UNKNOWN_FUNCTION',
        severity: 'error',
        message: `$${unknown.name} is not a JSONata function`,
        hint: guess
          ? `did you mean $${guess}? (functions: https://docs.jsonata.org/string-functions and the pages beside it)`
          : 'see https://docs.jsonata.org for the function library',
        rule: { ...base, column: base.column + quoted + Math.max(0, unknown.position - unknown.name.length - 1) },
      });
      return undefined;
    }
    const unsafe = regexLiterals(ast).filter(hasNestedQuantifier);
    if (unsafe.length) {
      err(
        r,
        node,
        field,
        'JSONATA_UNSAFE_REGEX',
        `regular expression /${unsafe[0]}/ nests quantifiers: matching it against partner data can take exponential time`,
        'rewrite it without a quantified group that itself repeats, e.g. (a+)+ → a+',
      );
      return undefined;
    }
    return { source, expression };
  } catch (e) {
    const je = e as { message?: string; position?: number; code?: string };
    const base = locOf(r, node, field);
    // Positions inside a one-line scalar: JSONata's position is 1 past the offending character.
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
    const col = base.column + quoted + Math.max(0, (je.position ?? 1) - 1);
    r.issues.push({
      code: 'JSONATA_SYNTAX',
      severity: 'error',
      message: `JSONata syntax error ${je.code ?? ''}: ${je.message ?? String(e)}`,
      hint: 'check brackets, quotes and operators; see docs/maps.md "Computed values" and https://docs.jsonata.org',
      rule: { ...base, column: col },
    });
    return undefined;
  }
}

function readPathNode(r: Reader, node: Node | null, field: string, opts: { element: boolean }): Path | undefined {
  const text = scalarString(node);
  if (text === undefined) {
    err(r, node, field, 'MAP_SCHEMA', 'a path must be a string like BEG03 or N1[N101=BY].N104');
    return undefined;
  }
  const p = parsePath(text);
  if ('message' in p) {
    const loc = locOf(r, node, field);
    r.issues.push({
      code: 'BAD_PATH',
      severity: 'error',
      message: p.message,
      hint: p.hint,
      rule: { ...loc, column: loc.column + p.offset },
    });
    return undefined;
  }
  if (opts.element && !p.element) {
    err(
      r,
      node,
      field,
      'BAD_PATH',
      `path '${text}' names no element`,
      `end the path with an element, e.g. ${text}.${p.steps.at(-1)?.name ?? 'N1'}01`,
    );
    return undefined;
  }
  if (!opts.element && p.element) {
    err(
      r,
      node,
      field,
      'BAD_PATH',
      `'each' selects loops or segments, but '${text}' names an element`,
      'drop the element: each: N1[N101=ST]',
    );
    return undefined;
  }
  return p;
}

function readCondition(r: Reader, node: Node | null, field: string): Condition | undefined {
  const loc = locOf(r, node, field);
  if (isScalar(node)) {
    const expr = compileExpr(r, node, field);
    return expr ? { kind: 'expr', expr, loc } : undefined;
  }
  if (isMap(node)) {
    let path: Path | undefined;
    let values: string[] | undefined;
    let present: boolean | undefined;
    for (const pair of pairsOf(node)) {
      const key = scalarString(pair.key);
      if (key === 'path') path = readPathNode(r, pair.value, `${field}.path`, { element: true });
      else if (key === 'is') {
        const v = pair.value?.toJSON() as unknown;
        values = (Array.isArray(v) ? v : [v]).map(String);
      } else if (key === 'present') present = pair.value?.toJSON() === true;
    }
    if (!path) return undefined;
    const c: Condition = { kind: 'match', path, loc };
    if (values) c.values = values;
    if (present !== undefined) c.present = present;
    return c;
  }
  err(r, node, field, 'MAP_SCHEMA', 'when must be a condition object or a JSONata expression');
  return undefined;
}

function readValueRule(r: Reader, node: Node | null, field: string): ValueRule | undefined {
  const loc = locOf(r, node, field);
  if (isScalar(node)) {
    const path = readPathNode(r, node, field, { element: true });
    return path ? { kind: 'value', loc, path, type: 'string' } : undefined;
  }
  if (!isMap(node)) {
    err(
      r,
      node,
      field,
      'MAP_SCHEMA',
      'a field rule is a path string or a mapping',
      'e.g. orderDate: { path: BEG05, type: date, format: CCYYMMDD }',
    );
    return undefined;
  }
  const rule: ValueRule = { kind: 'value', loc, type: 'string' };
  let qualifiers: string[] | undefined;
  let pairsNode: Node | null = null;
  for (const pair of pairsOf(node)) {
    const key = scalarString(pair.key) ?? '';
    const v = pair.value;
    const f = `${field}.${key}`;
    const js = v?.toJSON() as unknown;
    switch (key) {
      case 'path': {
        const p = readPathNode(r, v, f, { element: true });
        if (p) rule.path = p;
        break;
      }
      case 'pairs': {
        pairsNode = v;
        const ref = parseElementRef(scalarString(v) ?? '');
        if (!ref)
          err(
            r,
            v,
            f,
            'BAD_PATH',
            `'${String(js)}' is not an element reference`,
            'pairs names the first qualifier element, e.g. pairs: PO106',
          );
        else rule.pairs = { start: ref, qualifiers: [] };
        break;
      }
      case 'qualifier':
        qualifiers = (Array.isArray(js) ? js : [js]).map(String);
        break;
      case 'const':
        rule.const = js;
        break;
      case 'expr': {
        const e = v ? compileExpr(r, v, f) : undefined;
        if (e) rule.expr = e;
        break;
      }
      // Types, formats and ranges are the map-file schema's (mapFile.ts), checked before this runs.
      case 'type':
        rule.type = js as ValueType;
        break;
      case 'format':
        rule.format = String(js) as DateFormat;
        break;
      case 'time': {
        const p = readPathNode(r, v, f, { element: true });
        if (p) rule.time = p;
        break;
      }
      case 'timeFormat':
        rule.timeFormat = String(js) as TimeFormat;
        break;
      case 'utcOffset':
        rule.utcOffset = String(js);
        break;
      case 'implied':
        rule.implied = js as number;
        break;
      case 'currency':
        if (typeof js !== 'string' || currencyExponents[js] === undefined)
          err(r, v, f, 'MAP_SCHEMA', `unknown currency '${String(js)}'`, 'an ISO 4217 code such as USD, EUR, JPY');
        else rule.currency = js;
        break;
      case 'table':
        rule.table = String(js);
        break;
      case 'default':
        rule.default = js;
        break;
      case 'when': {
        const c = readCondition(r, v, f);
        if (c) rule.when = c;
        break;
      }
      case 'required':
        rule.required = js === true;
        break;
    }
  }
  if (rule.pairs) {
    if (!qualifiers?.length)
      err(r, pairsNode, `${field}.pairs`, 'MAP_SCHEMA', 'pairs needs a qualifier', 'pairs: PO106, qualifier: VN');
    else rule.pairs.qualifiers = qualifiers;
  }
  if (
    rule.path === undefined &&
    rule.pairs === undefined &&
    rule.const === undefined &&
    rule.expr === undefined &&
    rule.default === undefined
  ) {
    err(r, node, field, 'MAP_SCHEMA', 'this rule reads nothing', 'give it a path, pairs, const, expr or default');
  }
  if (
    (rule.type === 'date' || rule.type === 'datetime') &&
    !rule.format &&
    rule.const === undefined &&
    rule.expr === undefined
  ) {
    err(r, node, field, 'MAP_SCHEMA', `a ${rule.type} rule needs a format`, `format: ${dateFormats.join(' | ')}`);
  }
  return rule;
}

/** `when` belongs to value rules too: a mapping is an object rule by its other keys. */
function isObjectRuleNode(node: Node | null): node is YAMLMap {
  if (!isMap(node)) return false;
  return pairsOf(node).some((p) => OBJECT_KEYS.has(scalarString(p.key) ?? '') && scalarString(p.key) !== 'when');
}

function readObjectRule(r: Reader, node: YAMLMap, field: string): ObjectRule {
  const rule: ObjectRule = { kind: 'object', loc: locOf(r, node, field), fields: new Map() };
  for (const pair of pairsOf(node)) {
    const key = scalarString(pair.key) ?? '';
    const f = `${field}.${key}`;
    switch (key) {
      case 'each': {
        const p = readPathNode(r, pair.value, f, { element: false });
        if (p) rule.each = p;
        break;
      }
      case 'single':
        rule.single = pair.value?.toJSON() === true;
        break;
      case 'list':
        rule.list = pair.value?.toJSON() === true;
        break;
      case 'when': {
        const c = readCondition(r, pair.value, f);
        if (c) rule.when = c;
        break;
      }
      case 'fields':
        if (!isMap(pair.value)) err(r, pair.value, f, 'MAP_SCHEMA', 'fields must be a mapping of output field → rule');
        else readFields(r, pair.value, f, rule.fields);
        break;
      case 'value': {
        const v = readValueRule(r, pair.value, f);
        if (v) rule.value = v;
        break;
      }
    }
  }
  if (rule.value && !rule.each)
    err(r, node, field, 'MAP_SCHEMA', 'value needs each', 'notes: { each: MSG, value: MSG01 }');
  return rule;
}

/** Field name `null` in a partner map removes the base rule. */
const REMOVED: FieldRule = { kind: 'value', loc: { file: '', line: 0, column: 0, field: '' }, type: 'string' };

function readFields(r: Reader, node: YAMLMap, field: string, into: Map<string, FieldRule>): void {
  for (const pair of pairsOf(node)) {
    const key = scalarString(pair.key) ?? '';
    const f = `${field}.${key}`;
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
      into.set(key, REMOVED);
      continue;
    }
    const rule = isObjectRuleNode(pair.value) ? readObjectRule(r, pair.value, f) : readValueRule(r, pair.value, f);
    if (rule) into.set(key, rule);
  }
}

function readOutboundElement(r: Reader, key: Node, node: Node | null, field: string): OutboundElement | undefined {
  const refText = scalarString(key) ?? '';
  const ref = parseElementRef(refText);
  const loc = locOf(r, key, field);
  if (!ref) {
    err(
      r,
      key,
      field,
      'BAD_PATH',
      `'${refText}' is not an element reference`,
      'outbound elements are keyed like BAK03 or PRI01-2',
    );
    return undefined;
  }
  if (isScalar(node)) return { ref, loc, const: String(node.value), type: 'string' };
  if (!isMap(node)) {
    err(r, node, field, 'MAP_SCHEMA', 'an element is a constant or { field | expr, type?, format?, table?, default? }');
    return undefined;
  }
  const el: OutboundElement = { ref, loc, type: 'string' };
  for (const pair of pairsOf(node)) {
    const k = scalarString(pair.key) ?? '';
    const js = pair.value?.toJSON() as unknown;
    if (k === 'field') el.field = String(js).split('.');
    else if (k === 'expr') {
      const e = pair.value ? compileExpr(r, pair.value, `${field}.expr`) : undefined;
      if (e) el.expr = e;
    } else if (k === 'type') el.type = String(js) as ValueType;
    else if (k === 'format') el.format = String(js) as DateFormat;
    else if (k === 'table') el.table = String(js);
    else if (k === 'default') el.default = String(js);
    else if (k === 'const') el.const = String(js);
    else
      err(
        r,
        pair.key,
        `${field}.${k}`,
        'MAP_SCHEMA',
        `unknown key '${k}' in an outbound element`,
        'use field, expr, type, format, table, default or const',
      );
  }
  return el;
}

function readOutboundItems(r: Reader, node: Node | null, field: string): OutboundItem[] {
  if (!isSeq(node)) {
    err(r, node, field, 'MAP_SCHEMA', 'segments must be a list', '- segment: BAK\n  elements: { BAK01: "00" }');
    return [];
  }
  const out: OutboundItem[] = [];
  node.items.forEach((item, i) => {
    const f = `${field}[${i}]`;
    if (!isMap(item)) {
      err(r, item as Node, f, 'MAP_SCHEMA', 'each entry is { segment, elements } or { each, segments }');
      return;
    }
    const get = (k: string): Node | null => (item.get(k, true) as Node | undefined) ?? null;
    const when = get('when') ? readCondition(r, get('when'), `${f}.when`) : undefined;
    if (item.has('segment')) {
      const tag = scalarString(get('segment')) ?? '';
      const elements: OutboundElement[] = [];
      const els = get('elements');
      if (els && isMap(els))
        for (const pair of pairsOf(els)) {
          const el = readOutboundElement(r, pair.key, pair.value, `${f}.elements.${scalarString(pair.key) ?? ''}`);
          if (el) {
            if (el.ref.tag !== tag)
              err(
                r,
                pair.key,
                `${f}.elements`,
                'BAD_PATH',
                `element ${el.ref.text} does not belong to segment ${tag}`,
                `name it ${tag}${el.ref.text.slice(el.ref.tag.length)}`,
              );
            else elements.push(el);
          }
        }
      const seg: OutboundItem = { kind: 'segment', tag, loc: locOf(r, item, f), elements };
      if (when) seg.when = when;
      out.push(seg);
    } else if (item.has('each')) {
      const each: OutboundItem = {
        kind: 'each',
        loc: locOf(r, item, f),
        field: String(get('each')?.toJSON()).split('.'),
        items: readOutboundItems(r, get('segments'), `${f}.segments`),
      };
      if (when) each.when = when;
      out.push(each);
    } else err(r, item, f, 'MAP_SCHEMA', 'each entry is { segment, elements } or { each, segments }');
  });
  return out;
}

interface Partial {
  file: string;
  extends?: { name: string; loc: RuleLocation };
  head: Record<string, string | undefined>;
  locs: Record<string, RuleLocation>;
  tables: Map<string, Map<string, string>>;
  fields?: ObjectRule;
  segments?: OutboundItem[];
}

function readFile(text: string, file: string, issues: MapIssue[]): Partial | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const r: Reader = { file, lc, issues };
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0]);
    issues.push({
      code: 'YAML_SYNTAX',
      severity: 'error',
      message: e.message.split('\n')[0] ?? 'YAML error',
      rule: { file, line: p.line, column: p.col, field: '' },
      hint: 'check indentation (spaces, not tabs) and quotes',
    });
  }
  if (doc.errors.length) return undefined;
  // YAML aliases (`*item`) stand for their anchor's node: the rules are read there. A bounded
  // number keeps an alias bomb (aliases of aliases, exponential when expanded) out.
  let aliases = 0;
  visit(doc, { Alias: () => void aliases++ });
  if (aliases > 100) {
    err(
      r,
      doc.contents,
      '',
      'MAP_SCHEMA',
      `${aliases} YAML aliases; at most 100 are read`,
      'write the rules out instead of aliasing them',
    );
    return undefined;
  }
  visit(doc, { Alias: (_key, alias) => alias.resolve(doc) ?? visit.REMOVE });
  if (!isMap(doc.contents)) {
    err(
      r,
      doc.contents,
      '',
      'MAP_SCHEMA',
      'a map file is a YAML mapping',
      'start with standard:, version:, set:, document:',
    );
    return undefined;
  }
  // The format first (zod, schema/map-file.schema.json): a file of the wrong shape is not read further.
  const shapeIssues = checkMapFile(doc, { file, lineCounter: lc });
  if (shapeIssues.length) {
    issues.push(...shapeIssues);
    return undefined;
  }
  const part: Partial = { file, head: {}, locs: {}, tables: new Map() };
  for (const pair of pairsOf(doc.contents)) {
    const key = scalarString(pair.key) ?? '';
    const v = pair.value;
    if (key === 'tables') {
      if (!isMap(v)) {
        err(r, v, key, 'MAP_SCHEMA', 'tables is a mapping: name → { theirs: ours }');
        continue;
      }
      for (const t of pairsOf(v)) {
        const name = scalarString(t.key) ?? '';
        if (!isMap(t.value)) {
          err(r, t.value, `tables.${name}`, 'MAP_SCHEMA', `table '${name}' must map codes to values`, 'e.g. BY: buyer');
          continue;
        }
        const table = new Map<string, string>();
        for (const c of pairsOf(t.value)) table.set(String(c.key.toJSON()), String(c.value?.toJSON()));
        part.tables.set(name, table);
      }
    } else if (key === 'fields') {
      if (!isMap(v)) err(r, v, key, 'MAP_SCHEMA', 'fields must be a mapping of output field → rule');
      else {
        const root: ObjectRule = { kind: 'object', loc: locOf(r, v, 'fields'), fields: new Map() };
        readFields(r, v, 'fields', root.fields);
        part.fields = root;
      }
    } else if (key === 'segments') {
      part.segments = readOutboundItems(r, v, 'segments');
    } else if (key === 'extends') {
      part.extends = { name: String(v?.toJSON()), loc: locOf(r, v, 'extends') };
    } else {
      part.head[key] = v?.toJSON() === undefined || v?.toJSON() === null ? undefined : String(v.toJSON());
      part.locs[key] = locOf(r, v, key);
    }
  }
  return part;
}

function mergeObject(base: ObjectRule, over: ObjectRule): ObjectRule {
  const merged: ObjectRule = { ...base, fields: new Map(base.fields) };
  if (over.each) merged.each = over.each;
  if (over.single !== undefined) merged.single = over.single;
  if (over.when) merged.when = over.when;
  if (over.value) merged.value = over.value;
  if (over.list !== undefined) merged.list = over.list;
  for (const [k, rule] of over.fields) {
    const b = merged.fields.get(k);
    if (rule === REMOVED) merged.fields.delete(k);
    else if (b?.kind === 'object' && rule.kind === 'object') merged.fields.set(k, mergeObject(b, rule));
    else merged.fields.set(k, rule);
  }
  return merged;
}

const SAFE_NAME = /^[a-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * Loads one map file: parses it, follows `extends` (maps-root relative
 * names only: no `..`, no absolute paths), merges the partner's overrides
 * over the base, and checks the result against its schema and the set's
 * guide outline. Never throws on a bad map.
 */
export function loadMap(text: string, opts: LoadMapOptions): LoadMapResult {
  const issues: MapIssue[] = [];
  const chain: Partial[] = [];
  const seen = new Set<string>();
  let current = readFile(text, opts.file, issues);
  while (current) {
    chain.unshift(current);
    seen.add(current.file);
    const ext = current.extends;
    if (!ext) break;
    const where = (): RuleLocation => ext.loc;
    const name = ext.name.replace(/\.ya?ml$/, '');
    if (!SAFE_NAME.test(name) || name.split('/').some((s) => s === '..' || s === '.')) {
      issues.push({
        code: 'BAD_EXTENDS',
        severity: 'error',
        message: `extends '${ext.name}' is not a map name under the maps root`,
        hint: 'write e.g. extends: standard/x12/004010/850 (no .., no absolute paths)',
        rule: where(),
      });
      break;
    }
    const found = opts.resolveExtends?.(name);
    if (!found) {
      issues.push({
        code: 'BAD_EXTENDS',
        severity: 'error',
        message: `extends '${name}': no such map`,
        hint: 'run `edigate maps check` to list the maps; standard bases are standard/<x12|edifact>/<version>/<set>',
        rule: where(),
      });
      break;
    }
    if (seen.has(found.file)) {
      issues.push({
        code: 'BAD_EXTENDS',
        severity: 'error',
        message: `extends cycle through ${found.file}`,
        rule: where(),
      });
      break;
    }
    current = readFile(found.text, found.file, issues);
  }
  if (issues.some((i) => i.severity === 'error') || chain.length === 0) return { issues };

  const head: Record<string, string | undefined> = {};
  const headLoc: Record<string, RuleLocation> = {};
  const tables = new Map<string, Map<string, string>>();
  let fields: ObjectRule | undefined;
  let segments: OutboundItem[] | undefined;
  for (const part of chain) {
    for (const [k, v] of Object.entries(part.head)) {
      if (v === undefined) continue;
      if (
        head[k] !== undefined &&
        head[k] !== v &&
        ['direction', 'standard', 'version', 'set', 'document'].includes(k)
      ) {
        issues.push({
          code: 'MAP_SCHEMA',
          severity: 'error',
          message: `${k} '${v}' differs from the base map's '${head[k]}'`,
          hint: `a partner map keeps its base's ${k}; drop the line or extend another base`,
          rule: part.locs[k],
        });
      }
      head[k] = v;
      if (part.locs[k]) headLoc[k] = part.locs[k];
    }
    for (const [name, t] of part.tables) tables.set(name, new Map([...(tables.get(name) ?? []), ...t]));
    if (part.fields) fields = fields ? mergeObject(fields, part.fields) : part.fields;
    if (part.segments) segments = part.segments;
  }
  const topLoc = (k: string): RuleLocation => headLoc[k] ?? { file: opts.file, line: 1, column: 1, field: k };
  const direction = head.direction ?? 'inbound';
  if (direction !== 'inbound' && direction !== 'outbound')
    issues.push({
      code: 'MAP_SCHEMA',
      severity: 'error',
      message: `direction '${direction}' is neither inbound nor outbound`,
      rule: topLoc('direction'),
    });
  const standard = head.standard;
  if (standard !== 'x12' && standard !== 'edifact')
    issues.push({
      code: 'MAP_SCHEMA',
      severity: 'error',
      message: `standard must be x12 or edifact, not '${standard ?? ''}'`,
      rule: topLoc('standard'),
      hint: 'standard: x12',
    });
  for (const k of ['version', 'set', 'document'] as const) {
    if (!head[k])
      issues.push({
        code: 'MAP_SCHEMA',
        severity: 'error',
        message: `${k} is missing`,
        rule: topLoc(k),
        hint: 'standard maps name standard, version, set and document; partner maps inherit them through extends',
      });
  }
  const document = head.document as DocumentType;
  if (head.document && !(head.document in documentSchemas)) {
    issues.push({
      code: 'MAP_SCHEMA',
      severity: 'error',
      message: `unknown document '${head.document}'`,
      rule: topLoc('document'),
      hint: `documents: ${Object.keys(documentSchemas).join(', ')}`,
    });
  }
  if (issues.length) return { issues };
  const map: LoadedMap = {
    file: opts.file,
    files: chain.map((c) => c.file),
    direction: direction as 'inbound' | 'outbound',
    standard: standard as 'x12' | 'edifact',
    version: head.version!,
    set: head.set!,
    document,
    tables,
    fields: fields ?? { kind: 'object', loc: topLoc('fields'), fields: new Map() },
    segments: segments ?? [],
  };
  if (head.description) map.description = head.description;
  if (head.utcOffset) map.utcOffset = head.utcOffset;
  if (map.direction === 'inbound' && !fields)
    issues.push({
      code: 'MAP_SCHEMA',
      severity: 'error',
      message: 'an inbound map needs fields',
      rule: topLoc('fields'),
    });
  if (map.direction === 'outbound' && !segments)
    issues.push({
      code: 'MAP_SCHEMA',
      severity: 'error',
      message: 'an outbound map needs segments',
      rule: topLoc('segments'),
    });
  issues.push(...checkAgainstGuide(map));
  return issues.some((i) => i.severity === 'error') ? { issues } : { map, issues };
}

/**
 * Checks every path of a map against the set's outline: the segment exists
 * in the set, the element position is within the segment, each loop step
 * names a loop of the set, every table a rule names exists.
 */
export function checkAgainstGuide(map: LoadedMap): MapIssue[] {
  const issues: MapIssue[] = [];
  const outline = setOutline(map.standard, map.set, map.version);
  const known = (t: string): boolean => map.tables.has(t) || t in builtinTables;
  const tableIssue = (t: string, loc: RuleLocation): void => {
    if (!known(t))
      issues.push({
        code: 'UNKNOWN_TABLE',
        severity: 'error',
        message: `table '${t}' is not defined`,
        hint: `add tables.${t} to the map (or its base), or use a built-in table: ${Object.keys(builtinTables).join(', ')}`,
        rule: loc,
      });
  };
  if (!outline) {
    issues.push({
      code: 'NO_GUIDE',
      severity: 'warning',
      message: `edigate has no guide for ${map.standard.toUpperCase()} ${map.set} in any version; paths are not checked`,
      rule: { file: map.file, line: 1, column: 1, field: 'set' },
    });
  } else if (outline.guideVersion !== guideVersion(map.standard, map.version)) {
    issues.push({
      code: 'NO_GUIDE',
      severity: 'warning',
      message: `edigate has no ${map.version} guide for ${map.set}; paths are checked against the ${outline.guideVersion} guide`,
      hint: `guides: ${listGuides()
        .filter((g) => g.standard === map.standard && g.id === map.set)
        .map((g) => g.version)
        .join(', ')}`,
      rule: { file: map.file, line: 1, column: 1, field: 'version' },
    });
  }
  const checkRef = (ref: ElementRef, loc: RuleLocation, o: SetOutline): void => {
    if (!o.segmentTags.has(ref.tag)) {
      issues.push({
        code: 'UNKNOWN_SEGMENT',
        severity: 'error',
        message: `segment ${ref.tag} does not occur in ${map.standard.toUpperCase()} ${map.set}`,
        hint: `check the tag against the ${map.set} guide; segments of this set: ${[...o.segmentTags].slice(0, 40).join(' ')}`,
        rule: loc,
      });
      return;
    }
    const max = o.elementCount(ref.tag);
    if (max !== undefined && ref.element > max) {
      issues.push({
        code: 'ELEMENT_PAST_END',
        severity: 'error',
        message: `${ref.text}: ${ref.tag} has ${max} elements, position ${ref.element} is past its end`,
        hint: `use ${ref.tag}01 … ${ref.tag}${String(max).padStart(2, '0')}; count positions from 01 after the tag`,
        rule: loc,
      });
    }
  };
  const checkPath = (p: Path, loc: RuleLocation, o: SetOutline): void => {
    p.steps.forEach((s, i) => {
      const last = i === p.steps.length - 1;
      const headLoop = [...o.loopIds.values()].includes(s.name);
      const isLoop = o.loopIds.has(s.name) || headLoop;
      if (/^SG\d+$/.test(s.name) && !isLoop) {
        issues.push({
          code: 'UNKNOWN_LOOP',
          severity: 'error',
          message: `${s.name} is not a segment group of ${map.set} ${map.version}`,
          hint: `groups of this message: ${[...o.loopIds.keys()].filter((k) => k.startsWith('SG')).join(' ')}`,
          rule: loc,
        });
        return;
      }
      if (!last && !isLoop) {
        issues.push({
          code: 'UNKNOWN_LOOP',
          severity: 'error',
          message: `${s.name} is not a loop of ${map.set}`,
          hint: `loops of this set: ${[...new Set(o.loopIds.keys())].join(' ')}`,
          rule: loc,
        });
        return;
      }
      if (!isLoop && !o.segmentTags.has(s.name)) {
        issues.push({
          code: 'UNKNOWN_SEGMENT',
          severity: 'error',
          message: `segment ${s.name} does not occur in ${map.standard.toUpperCase()} ${map.set}`,
          hint: 'check the tag against the guide',
          rule: loc,
        });
        return;
      }
      const head = o.loopIds.get(s.name) ?? s.name;
      for (const q of s.qualifiers) {
        if (q.kind !== 'element') continue;
        const codes = q.ref.tag === head ? o.elementInfo(q.ref)?.codes : undefined;
        const unknown = codes ? q.values.filter((v) => !codes.has(v)) : [];
        if (unknown.length) {
          issues.push({
            code: 'UNKNOWN_QUALIFIER_CODE',
            severity: 'warning',
            message: `${unknown.join(', ')} ${unknown.length > 1 ? 'are not codes' : 'is not a code'} of ${q.ref.text} (${o.elementInfo(q.ref)!.name}) in the ${map.version} guide`,
            hint: 'check the qualifier for a typo; a partner-specific code is fine if the partner really sends it',
            rule: loc,
          });
        }
        if (q.ref.tag !== head)
          issues.push({
            code: 'BAD_PATH',
            severity: 'error',
            message: `qualifier ${q.ref.text} does not belong to ${head}`,
            hint: `qualify with an element of ${head}, e.g. [${head}01=…]`,
            rule: loc,
          });
        else checkRef(q.ref, loc, o);
      }
      if (last && p.element) {
        if (p.element.tag !== head)
          issues.push({
            code: 'BAD_PATH',
            severity: 'error',
            message: `element ${p.element.text} does not belong to ${s.name} (its first segment is ${head})`,
            hint: `read ${head}nn, or step into the segment: ${s.name}/${p.element.tag}.${p.element.text}`,
            rule: loc,
          });
        else checkRef(p.element, loc, o);
      }
    });
  };
  const checkCondition = (c: Condition | undefined, o: SetOutline | undefined): void => {
    if (c?.kind === 'match' && o) checkPath(c.path, c.loc, o);
  };
  // A single-value rule reading a segment that partners repeat with different qualifiers must say which one.
  const qualified = map.standard === 'x12' ? x12Qualified : edifactQualified;
  const checkQualifier = (p: Path, loc: RuleLocation, scopeNames: readonly string[]): void => {
    const first = p.steps[0];
    if (!first || p.steps.length !== 1 || first.qualifiers.length || scopeNames.includes(first.name)) return;
    const q = qualified[first.name];
    if (!q) return;
    issues.push({
      code: 'MISSING_QUALIFIER',
      severity: 'warning',
      message: `${p.text} reads the first ${first.name} of any kind; ${first.name} repeats with different ${q}`,
      hint: `name the one you mean: ${first.name}[${q}=…]${p.element ? `.${p.element.text}` : ''}`,
      rule: loc,
    });
  };
  // A date rule on an element that is not a date (or a number on text) is usually a wrong element position.
  const checkType = (rule: ValueRule, o: SetOutline): void => {
    const ref = rule.path?.element;
    if (!ref || map.standard !== 'x12' || rule.expr) return;
    const info = o.elementInfo(ref);
    if (!info) return;
    const numeric = info.type === 'R' || /^N\d$/.test(info.type);
    const want =
      rule.type === 'date' || rule.type === 'datetime'
        ? 'DT'
        : rule.type === 'decimal' || rule.type === 'money' || rule.type === 'integer'
          ? 'number'
          : undefined;
    if (!want || (want === 'DT' ? info.type === 'DT' : numeric)) return;
    const fits = o
      .elementsOf(ref.tag)
      .filter((e) => (want === 'DT' ? e.type === 'DT' : e.type === 'R' || /^N\d$/.test(e.type)));
    issues.push({
      code: 'TYPE_MISMATCH',
      severity: 'warning',
      message: `${ref.text} is ${info.name} (${info.type}), not a ${want === 'DT' ? 'date' : 'number'}`,
      hint: fits.length
        ? `did you mean ${fits.map((e) => `${e.ref} ${e.name} (${e.type})`).join(', ')}?`
        : `${ref.tag} has no ${want === 'DT' ? 'date' : 'numeric'} element; check the segment`,
      rule: rule.loc,
    });
  };
  const walk = (rule: FieldRule, scopeNames: readonly string[]): void => {
    if (rule.kind === 'object') {
      if (rule.each && outline) checkPath(rule.each, rule.loc, outline);
      checkCondition(rule.when, outline);
      let inner = scopeNames;
      const last = rule.each?.steps.at(-1);
      if (last) inner = [last.name, outline?.loopIds.get(last.name) ?? last.name];
      if (rule.value) walk(rule.value, inner);
      for (const f of rule.fields.values()) walk(f, inner);
      return;
    }
    if (rule.path && outline) {
      checkPath(rule.path, rule.loc, outline);
      checkType(rule, outline);
      // X12 Nn types carry implied decimals (X12.6 §3.3.1); the guide says how many unless the rule does.
      if (
        rule.implied === undefined &&
        rule.path.element &&
        (rule.type === 'decimal' || rule.type === 'money' || rule.type === 'integer')
      ) {
        const n = outline.impliedDecimals(rule.path.element);
        if (n > 0) rule.implied = n;
      }
      checkQualifier(rule.path, rule.loc, scopeNames);
    }
    if (rule.time && outline) checkPath(rule.time, rule.loc, outline);
    if (rule.pairs && outline) checkRef(rule.pairs.start, rule.loc, outline);
    checkCondition(rule.when, outline);
    if (rule.table) tableIssue(rule.table, rule.loc);
  };
  if (map.direction === 'inbound') walk(map.fields, []);
  const walkOut = (items: OutboundItem[]): void => {
    for (const item of items) {
      checkCondition(item.when, undefined);
      if (item.kind === 'each') walkOut(item.items);
      else {
        if (outline && !outline.segmentTags.has(item.tag)) {
          issues.push({
            code: 'UNKNOWN_SEGMENT',
            severity: 'error',
            message: `segment ${item.tag} does not occur in ${map.standard.toUpperCase()} ${map.set}`,
            hint: 'check the tag against the guide',
            rule: item.loc,
          });
        }
        for (const el of item.elements) {
          if (outline) checkRef(el.ref, el.loc, outline);
          if (el.table) tableIssue(el.table, el.loc);
        }
      }
    }
  };
  walkOut(map.segments);
  return issues;
}
