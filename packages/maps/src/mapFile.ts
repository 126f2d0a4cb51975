/**
 * The map-file format as a zod schema: the shape of the YAML document an
 * analyst writes (`extends`, `document`, `tables`, `fields` rules,
 * conditions, outbound `segments`). Every map is checked against it before
 * its rules are read; each zod issue becomes a {@link MapIssue} at the
 * file:line:column of the YAML node (via the `yaml` package's node ranges and
 * LineCounter), naming the field, with a hint — an unknown key gets "did you
 * mean" from the keys allowed there. The JSON Schema generated from it
 * (`schema/map-file.schema.json`) lets editors check maps as they are typed.
 */
import { z } from 'zod';
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { dateFormats, timeFormats } from './convert.js';
import type { MapIssue, RuleLocation } from './issues.js';
import { documentSchemas } from './schema.js';

const valueTypes = ['string', 'integer', 'decimal', 'date', 'datetime', 'money'] as const;
const documentTypes = Object.keys(documentSchemas) as [string, ...string[]];
/** Keys that make a mapping an object rule rather than a value rule (`when` belongs to both). */
const objectRuleKeys = ['each', 'fields', 'value', 'single', 'list'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const oneOrMany = z.union([scalar, z.array(scalar)]);
const pathText = z
  .string()
  .meta({ description: 'a path: BEG03, N1[N101=BY].N104, PO1/PID[PID01=F].PID05, SG2[NAD01=BY].NAD02-1' });
const jsonata = z.string().meta({ description: 'a JSONata expression (https://docs.jsonata.org)' });

const hasObjectKey = (v: object): boolean => objectRuleKeys.some((k) => k in v);

/**
 * Admits only mappings of one kind into a union branch, so a union that
 * fails reports the branch the input was meant for (a `{ path, … }` mapping
 * is a value rule, one with `each`/`fields` an object rule) and not the
 * other branch's complaints.
 */
function kindGuard(fits: (v: object) => boolean): z.ZodType<object> {
  return z.custom<object>((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && fits(v), {
    params: { kindMismatch: true },
  });
}

const conditionObject = z
  .strictObject({
    path: pathText,
    is: oneOrMany.optional().meta({ description: 'the value, or one of the values, the element must have' }),
    present: z.boolean().optional().meta({ description: 'true: the element must be present; false: absent' }),
  })
  .meta({ title: 'path condition' });
const condition = z
  .union([jsonata, conditionObject])
  .meta({ id: 'Condition', description: '{ path, is } / { path, present } or a JSONata expression' });

const valueRuleObject = z
  .strictObject({
    path: pathText.optional(),
    pairs: z.string().optional().meta({ description: 'first qualifier element of qualifier/value pairs, e.g. PO106' }),
    qualifier: oneOrMany.optional().meta({ description: 'with pairs: the qualifier(s) to look for' }),
    const: z.unknown().optional().meta({ description: 'a constant' }),
    expr: jsonata.optional(),
    type: z.enum(valueTypes).optional(),
    format: z.enum(dateFormats).optional(),
    time: pathText.optional().meta({ description: 'datetime: the path of the time' }),
    timeFormat: z.enum(timeFormats).optional(),
    utcOffset: z.string().optional().meta({ description: "the partner's clock, e.g. +01:00" }),
    implied: z.int().min(0).max(9).optional().meta({ description: 'implied decimal places (X12 N2 → 2)' }),
    currency: z.string().optional().meta({ description: 'ISO 4217 code for money' }),
    table: z.string().optional().meta({ description: 'a code table of the map, or x12Unit' }),
    default: z.unknown().optional(),
    get when() {
      return condition.optional();
    },
    required: z.boolean().optional(),
  })
  .meta({ title: 'value rule' });
const valueRule = z
  .union([pathText, kindGuard((v) => !hasObjectKey(v)).pipe(valueRuleObject)])
  .meta({ id: 'ValueRule' });

interface ObjectRuleShape {
  each?: string;
  single?: boolean;
  list?: boolean;
  when?: unknown;
  fields?: Record<string, unknown>;
  value?: unknown;
}
const objectRuleObject = z
  .strictObject({
    each: pathText.optional().meta({ description: 'loops or segments: one array item per match' }),
    single: z.boolean().optional().meta({ description: 'with each: the first match as one object' }),
    list: z.boolean().optional().meta({ description: 'without each: the object as a list of one' }),
    get when() {
      return condition.optional();
    },
    get fields() {
      return fieldsSchema.optional();
    },
    value: valueRule.optional().meta({ description: 'with each and no fields: one value per match' }),
  })
  .meta({ title: 'object rule' });
const objectRule: z.ZodType<ObjectRuleShape> = kindGuard(hasObjectKey).pipe(objectRuleObject);

const fieldRule: z.ZodType = z.union([valueRule, objectRule]).meta({ id: 'FieldRule' });
const fieldsSchema: z.ZodType<Record<string, unknown>> = z
  .record(z.string(), fieldRule.nullable())
  .meta({ id: 'Fields', description: 'output field → rule, in output order; null removes a base rule' });

const outboundElement = z
  .union([
    scalar,
    z.strictObject({
      field: z.string().optional().meta({ description: 'a field of the document (item.upc inside each)' }),
      expr: jsonata.optional(),
      type: z.enum(valueTypes).optional(),
      format: z.enum(dateFormats).optional(),
      table: z.string().optional(),
      default: scalar.optional(),
      const: scalar.optional(),
    }),
  ])
  .meta({ id: 'OutboundElement' });

interface OutboundItemShape {
  segment?: string;
  each?: string;
  elements?: Record<string, unknown>;
  segments?: OutboundItemShape[];
  when?: unknown;
}
const outboundItem: z.ZodType<OutboundItemShape> = z
  .union([
    kindGuard((v) => !('each' in v)).pipe(
      z
        .strictObject({
          segment: z.string().meta({ description: 'the segment tag' }),
          elements: z.record(z.string(), outboundElement).optional(),
          when: condition.optional(),
        })
        .meta({ title: 'segment' }),
    ),
    kindGuard((v) => 'each' in v).pipe(
      z
        .strictObject({
          each: z.string().meta({ description: 'an array field of the document' }),
          get segments() {
            return z.array(outboundItem);
          },
          when: condition.optional(),
        })
        .meta({ title: 'each' }),
    ),
  ])
  .meta({ id: 'OutboundItem' });

/** The shape of a map file (before its rules are read and checked against the guide). */
export const mapFileSchema = z
  .strictObject({
    extends: z
      .string()
      .optional()
      .meta({ description: 'a base map under the maps root, e.g. standard/x12/004010/850' }),
    direction: z.enum(['inbound', 'outbound']).optional(),
    standard: z.enum(['x12', 'edifact']).optional(),
    version: z.string().optional().meta({ description: "X12 '004010' (quoted) or EDIFACT D96A" }),
    set: z.union([z.string(), z.number()]).optional().meta({ description: "ST01 / UNH 0065: '850', ORDERS" }),
    document: z.enum(documentTypes).optional().meta({ description: 'the internal document' }),
    description: z.string().optional(),
    utcOffset: z.string().optional().meta({ description: "the partner's clock, e.g. +01:00" }),
    tables: z
      .record(z.string(), z.record(z.string(), scalar))
      .optional()
      .meta({ description: 'code tables: name → { their code: our value }' }),
    fields: fieldsSchema.optional(),
    segments: z.array(outboundItem).optional().meta({ description: 'outbound maps: the segments to write' }),
  })
  .superRefine((v, ctx) => {
    if (v.extends !== undefined) return;
    for (const k of ['standard', 'version', 'set', 'document'] as const)
      if (v[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: `${k} is missing`, params: { missing: k } });
  })
  .meta({
    title: 'edigate map file',
    description:
      'How one partner document becomes an internal document (inbound) or back (outbound). See docs/maps.md.',
  });

/** The JSON Schema of the map-file format, for editors (`schema/map-file.schema.json`). */
export function mapFileJsonSchema(): Record<string, unknown> {
  // Draft 7: what editors' YAML support (yaml-language-server) reads best.
  const schema = z.toJSONSchema(mapFileSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  // The superRefine above, in JSON Schema terms: a base names its set, a partner map extends one.
  schema.anyOf = [{ required: ['extends'] }, { required: ['standard', 'version', 'set', 'document'] }];
  return schema;
}

/** The keys each kind of mapping takes, for "did you mean". */
const keysOf = {
  top: Object.keys(mapFileSchema.shape),
  value: Object.keys(valueRuleObject.shape),
  object: Object.keys(objectRuleObject.shape),
  condition: Object.keys(conditionObject.shape),
  segment: ['segment', 'elements', 'when'],
  each: ['each', 'segments', 'when'],
  element: ['field', 'expr', 'type', 'format', 'table', 'default', 'const'],
};

const examples: Record<string, string> = {
  version: "version: '004010' — quote it: unquoted, YAML reads 004010 as the number 4010",
  set: "set: '850'",
  document: `document: ${documentTypes.join(' | ')}`,
  standard: 'standard: x12 | edifact',
  direction: 'direction: inbound | outbound',
  extends: 'extends: standard/x12/004010/850',
  fields: 'fields:\n  externalId: BEG03',
  tables: 'tables:\n  partyRole: { BY: buyer }',
  segments: '- segment: BAK\n  elements: { BAK01: "00" }',
  implied: 'implied: 2 (a whole number 0–9)',
  required: 'required: true',
  single: 'single: true',
  list: 'list: true',
  present: 'present: true',
  when: 'when: { path: PO106, is: [UP, EN] }',
  path: 'path: BEG03',
  each: 'each: N1',
  expr: "expr: '$value'",
};

/** Edit distance (Levenshtein), for "did you mean" (names here are short). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The allowed name closest to `name`, when it is close enough to be a typo. */
export function closestName(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const a of allowed) {
    const d = editDistance(name.toLowerCase(), a.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

type Key = string | number;

/** The YAML node at a path, and the key node of its last step when that is a mapping key. */
function nodeAt(doc: Document, path: readonly Key[]): { node: Node | undefined; key: Node | undefined } {
  let node = doc.contents as Node | null | undefined;
  let key: Node | undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { node, key: undefined };
      key = pair.key as Node;
      node = pair.value as Node | null;
      if (!node) return { node: key, key };
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step] as Node | undefined;
      key = undefined;
    } else return { node: node ?? undefined, key: undefined };
  }
  return { node: node ?? undefined, key };
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<Key, unknown>)[k] : undefined;
  return v;
}

function fieldName(path: readonly Key[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** Which kind of mapping sits at a path, for messages and allowed keys. */
function kindAt(path: readonly Key[], value: unknown): keyof typeof keysOf {
  const last = path.at(-1);
  const before = path.at(-2);
  if (path.length === 0) return 'top';
  if (last === 'when') return 'condition';
  if (before === 'elements') return 'element';
  if (typeof last === 'number' && before === 'segments')
    return value !== null && typeof value === 'object' && 'each' in value ? 'each' : 'segment';
  if (last === 'value') return 'value';
  return value !== null && typeof value === 'object' && hasObjectKey(value) ? 'object' : 'value';
}

const kindNames: Record<keyof typeof keysOf, string> = {
  top: 'a map file',
  value: 'a value rule',
  object: 'an object rule (each/fields)',
  condition: 'a condition',
  segment: 'an outbound segment',
  each: 'an outbound each',
  element: 'an outbound element',
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean')
    return `${typeof v === 'number' ? 'the number' : 'the value'} ${v}`;
  return `a ${typeof v}`;
}

const expectedNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/**
 * Flattens zod issues to leaf issues with absolute paths. A union that
 * failed in every branch is read in the branch that fits the input's kind:
 * branches refused for a wrong type or kind at their own root are skipped.
 */
function leaves(
  issues: readonly z.core.$ZodIssue[],
  base: readonly Key[] = [],
): { issue: z.core.$ZodIssue; path: Key[] }[] {
  const out: { issue: z.core.$ZodIssue; path: Key[] }[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Key[])];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      out.push({ issue, path });
      continue;
    }
    const wrongAtRoot = (branch: readonly z.core.$ZodIssue[]): boolean =>
      branch.some(
        (i) =>
          i.path.length === 0 &&
          (i.code === 'invalid_type' ||
            (i.code === 'custom' && (i.params as { kindMismatch?: boolean } | undefined)?.kindMismatch === true) ||
            (i.code === 'invalid_union' && i.errors.every(wrongAtRoot))),
      );
    const fitting = issue.errors.find((b) => !wrongAtRoot(b));
    if (fitting) out.push(...leaves(fitting, path));
    else {
      const rootTypes = (branch: readonly z.core.$ZodIssue[]): string[] =>
        branch.flatMap((i) =>
          i.path.length !== 0
            ? []
            : i.code === 'invalid_type'
              ? [expectedNames[i.expected] ?? i.expected]
              : i.code === 'custom'
                ? ['a mapping']
                : i.code === 'invalid_union'
                  ? i.errors.flatMap(rootTypes)
                  : [],
        );
      const expected = [...new Set(issue.errors.flatMap(rootTypes))];
      out.push({
        issue: {
          code: 'invalid_type',
          expected: expected.join(' or ') as 'string',
          path: [],
          message: '',
          input: issue.input,
        },
        path,
      });
    }
  }
  return out;
}

/**
 * Checks a parsed map file against {@link mapFileSchema}. Returns one
 * `MAP_SCHEMA` error per problem, located at its YAML node.
 */
export function checkMapFile(doc: Document, opts: { file: string; lineCounter: LineCounter }): MapIssue[] {
  const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
  const result = mapFileSchema.safeParse(value);
  if (result.success) return [];
  const issues: MapIssue[] = [];
  const at = (node: Node | undefined, field: string): RuleLocation => {
    const p = opts.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file: opts.file, line: p.line, column: p.col, field };
  };
  const push = (rule: RuleLocation, message: string, hint?: string): void => {
    const issue: MapIssue = { code: 'MAP_SCHEMA', severity: 'error', message, rule };
    if (hint) issue.hint = hint;
    issues.push(issue);
  };
  for (const { issue, path } of leaves(result.error.issues)) {
    const { node, key } = nodeAt(doc, path);
    const name = String(path.at(-1) ?? '');
    const input = valueAt(value, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const parent = valueAt(value, path);
        const kind = kindAt(path, parent);
        const allowed = keysOf[kind];
        for (const k of issue.keys) {
          const where = nodeAt(doc, [...path, k]);
          const guess = closestName(k, allowed);
          const message = kind === 'top' ? `unknown top-level key '${k}'` : `unknown key '${k}' in ${kindNames[kind]}`;
          const also = kind === 'object' ? '; value rules go under fields' : '';
          push(
            at(where.key, fieldName([...path, k])),
            message,
            `${guess ? `did you mean '${guess}'? ` : ''}${kindNames[kind]} takes: ${allowed.join(', ')}${also}`,
          );
        }
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map(String);
        push(
          at(node, fieldName(path)),
          `unknown ${name} '${String(input)}'`,
          `${name}: ${options.join(' | ')}${closestName(String(input), options) ? ` — did you mean ${closestName(String(input), options)}?` : ''}`,
        );
        break;
      }
      case 'invalid_type': {
        const expected = expectedNames[issue.expected] ?? issue.expected;
        if (input === undefined) {
          push(at(key ?? node, fieldName(path)), `${name} is missing`, examples[name]);
          break;
        }
        const hint =
          name === 'version' && typeof input === 'number'
            ? examples.version
            : (examples[name] ??
              (expected === 'text' && (typeof input === 'number' || typeof input === 'boolean')
                ? `quote it: ${name}: '${input}'`
                : undefined));
        const ruleHint =
          path.at(-2) === 'fields' || name === 'value'
            ? 'a rule is a path (externalId: BEG03) or a mapping (orderDate: { path: BEG05, type: date, format: CCYYMMDD })'
            : undefined;
        push(
          at(node, fieldName(path)),
          `${name || 'the file'} must be ${expected}, not ${typeOf(input)}`,
          hint ?? ruleHint,
        );
        break;
      }
      case 'too_small':
      case 'too_big':
        push(
          at(node, fieldName(path)),
          issue.code === 'too_big'
            ? `${name} ${String(input)} is too big (at most ${String(issue.maximum)})`
            : `${name} ${String(input)} is too small (at least ${String(issue.minimum)})`,
          examples[name],
        );
        break;
      case 'custom': {
        const missing = (issue.params as { missing?: string } | undefined)?.missing;
        if (missing)
          push(
            at(doc.contents ?? undefined, missing),
            `${missing} is missing`,
            `add ${examples[missing] ?? `${missing}: …`} at the top (a partner map names its base with extends: instead and inherits it)`,
          );
        else push(at(node, fieldName(path)), issue.message);
        break;
      }
      default:
        push(at(node, fieldName(path)), issue.message);
    }
  }
  return issues;
}
