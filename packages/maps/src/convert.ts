/**
 * Value conversions a map rule can ask for: dates and times, implied and
 * explicit decimals, money to integer minor units. Everything works on the
 * decimal text as sent — never float arithmetic on money.
 */

/**
 * ISO 4217 minor-unit exponents for the currencies partners send us. A
 * currency missing here is reported by the rule, not guessed.
 */
export const currencyExponents: Readonly<Record<string, number>> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  RON: 2,
  BGN: 2,
  MXN: 2,
  BRL: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  INR: 2,
  ZAR: 2,
  TRY: 2,
  ILS: 2,
  AED: 2,
  SAR: 2,
  THB: 2,
  MYR: 2,
  PHP: 2,
  IDR: 2,
  TWD: 2,
  RUB: 2,
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  XOF: 0,
  XAF: 0,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  LYD: 3,
  IQD: 3,
};

/**
 * X12 unit-of-measure codes (data element 355) → UN/ECE Recommendation 20
 * codes. Codes already in Rec. 20 form (`EA`, `KGM`, …) pass through.
 */
export const x12UnitToRec20: Readonly<Record<string, string>> = {
  EA: 'EA', // each (Rec. 20 EA)
  UN: 'C62', // unit → "one"
  CA: 'CS', // case
  CS: 'CS',
  CT: 'CT', // carton
  PK: 'PK', // package
  BX: 'BX', // box
  DZ: 'DZN', // dozen
  PL: 'PF', // pallet (lift)
  PR: 'PR', // pair
  LB: 'LBR', // pound
  KG: 'KGM', // kilogram
  GR: 'GRM', // gram
  OZ: 'ONZ', // ounce
  GA: 'GLL', // US gallon
  LT: 'LTR', // litre
  ML: 'MLT', // millilitre
  FT: 'FOT', // foot
  IN: 'INH', // inch
  YD: 'YRD', // yard
  MR: 'MTR', // metre
  CM: 'CMT', // centimetre
  SF: 'FTK', // square foot
  RL: 'RO', // roll
  BG: 'BG', // bag
  DR: 'DR', // drum
  GS: 'GRO', // gross
  TH: 'MIL', // thousand
  HR: 'HUR', // hour
};

/** Result of a conversion: a value, or an error message an analyst can act on. */
export type Converted<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = (error: string): Converted<never> => ({ ok: false, error });

const DECIMAL = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

/**
 * Splits decimal text (`"-12.50"`, `"3,5"` with EDIFACT decimal comma, `".5"`)
 * into sign, integer digits and fraction digits, applying `implied` decimal
 * places (X12 type Nn: `"1250"` with implied 2 is 12.50). X12.6 §3.3.2: R
 * values may have a leading minus and an explicit decimal point.
 */
function splitDecimal(text: string, implied = 0): Converted<{ negative: boolean; int: string; frac: string }> {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return fail(`'${text}' is not a decimal number`);
  let int = m[2] ?? '';
  let frac = m[3] ?? '';
  if (implied > 0) {
    if (m[3] !== undefined) return fail(`'${text}' has a decimal point but the rule says implied: ${implied}`);
    int = int.padStart(implied + 1, '0');
    frac = int.slice(int.length - implied);
    int = int.slice(0, int.length - implied);
  }
  return ok({ negative: m[1] === '-', int: int.replace(/^0+(?=\d)/, '') || '0', frac });
}

/** Decimal text → JS number (for quantities), honouring implied decimals. */
export function toDecimal(text: string, implied = 0): Converted<number> {
  const s = splitDecimal(text, implied);
  if (!s.ok) return s;
  const n = Number(`${s.value.negative ? '-' : ''}${s.value.int}.${s.value.frac || '0'}`);
  return Number.isFinite(n) ? ok(n) : fail(`'${text}' is out of range`);
}

/**
 * Decimal text → integer minor units of `currency`, exactly: the digits are
 * shifted by the currency's ISO 4217 exponent as text. Digits beyond the
 * exponent must be zeros (`12.500` USD is fine, `12.505` USD is an error —
 * rounding money is the partner's decision, not ours).
 */
export function toMinorUnits(text: string, currency: string, implied = 0): Converted<number> {
  const exponent = currencyExponents[currency];
  if (exponent === undefined) return fail(`currency '${currency}' is not in the ISO 4217 exponent table`);
  const s = splitDecimal(text, implied);
  if (!s.ok) return s;
  const { negative, int, frac } = s.value;
  if (/[1-9]/.test(frac.slice(exponent))) {
    return fail(`'${text}' has more decimal places than ${currency} allows (${exponent})`);
  }
  const digits = (int + frac.padEnd(exponent, '0').slice(0, exponent)).replace(/^0+(?=\d)/, '');
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return fail(`'${text}' ${currency} is too large for exact minor units`);
  return ok(negative && n !== 0 ? -n : n);
}

/** Minor units → decimal text for an outbound element (`1250`, USD → `"12.50"`). */
export function fromMinorUnits(minor: number, currency: string): Converted<string> {
  const exponent = currencyExponents[currency];
  if (exponent === undefined) return fail(`currency '${currency}' is not in the ISO 4217 exponent table`);
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return ok(minor < 0 ? `-${text}` : text);
}

/**
 * Date formats a rule can name. X12 uses `CCYYMMDD` (DT, 4010) and `YYMMDD`;
 * EDIFACT names its format in DE 2379: `102` = CCYYMMDD, `203` =
 * CCYYMMDDHHMM, `204` = CCYYMMDDHHMMSS, `101` = YYMMDD. `2379` means "as the
 * message says": the format code is read from the next component (DTM C507
 * 2379), 102 when empty.
 */
export const dateFormats = ['CCYYMMDD', 'YYMMDD', '102', '101', '203', '204', 'CCYYMMDDHHMM', '2379'] as const;
export type DateFormat = (typeof dateFormats)[number];

/** Time formats: X12 TM (`HHMM`, `HHMMSS`, `HHMMSSDD`). */
export const timeFormats = ['HHMM', 'HHMMSS'] as const;
export type TimeFormat = (typeof timeFormats)[number];

const patterns: Record<Exclude<DateFormat, '2379'>, RegExp> = {
  CCYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
  '102': /^(\d{4})(\d{2})(\d{2})$/,
  YYMMDD: /^(\d{2})(\d{2})(\d{2})$/,
  '101': /^(\d{2})(\d{2})(\d{2})$/,
  '203': /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/,
  CCYYMMDDHHMM: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/,
  '204': /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
};

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Parts of a date/time read from text: year, month, day and optional time. */
interface DateParts {
  y: number;
  m: number;
  d: number;
  hh?: number;
  mm?: number;
  ss?: number;
}

function readDate(text: string, format: DateFormat): Converted<DateParts> {
  if (format === '2379') return fail('format 2379 needs the format code beside the date');
  const m = patterns[format].exec(text.trim());
  if (!m) return fail(`'${text}' does not match date format ${format}`);
  const nums = m.slice(1).map(Number);
  let y = nums[0]!;
  // Two-digit years: the X12 / EDIFACT convention of a sliding century window is partner-specific; we take 2000–2099.
  if (format === 'YYMMDD' || format === '101') y += 2000;
  const parts: DateParts = { y, m: nums[1]!, d: nums[2]! };
  if (nums.length > 3) Object.assign(parts, { hh: nums[3], mm: nums[4], ss: nums[5] ?? 0 });
  if (!validDate(parts.y, parts.m, parts.d)) return fail(`'${text}' is not a calendar date`);
  if (parts.hh !== undefined && (parts.hh > 23 || (parts.mm ?? 0) > 59 || (parts.ss ?? 0) > 59))
    return fail(`'${text}' is not a valid time`);
  return ok(parts);
}

const pad = (n: number, w = 2): string => n.toString().padStart(w, '0');

/** Date text in `format` → `YYYY-MM-DD`. */
export function toIsoDate(text: string, format: DateFormat): Converted<string> {
  const r = readDate(text, format);
  if (!r.ok) return r;
  return ok(`${pad(r.value.y, 4)}-${pad(r.value.m)}-${pad(r.value.d)}`);
}

/**
 * Date (and optional separate time) text → UTC ISO-8601 instant. The sender's
 * local offset is `utcOffset` (`+01:00`); X12 and EDIFACT times carry none, so
 * a map states it when the partner is not on UTC.
 */
export function toIsoDateTime(opts: {
  date: string;
  format: DateFormat;
  time?: string;
  timeFormat?: TimeFormat;
  utcOffset?: string;
}): Converted<string> {
  const r = readDate(opts.date, opts.format);
  if (!r.ok) return r;
  const p = r.value;
  if (opts.time !== undefined && opts.time !== '') {
    const t = /^(\d{2})(\d{2})(\d{2})?(\d*)$/.exec(opts.time.trim());
    if (!t) return fail(`'${opts.time}' is not a time (HHMM or HHMMSS)`);
    p.hh = Number(t[1]);
    p.mm = Number(t[2]);
    p.ss = t[3] ? Number(t[3]) : 0;
    if (p.hh > 23 || p.mm > 59 || p.ss > 59) return fail(`'${opts.time}' is not a valid time`);
  }
  let ms = Date.UTC(p.y, p.m - 1, p.d, p.hh ?? 0, p.mm ?? 0, p.ss ?? 0);
  if (opts.utcOffset) {
    const o = /^([+-])(\d{2}):?(\d{2})$/.exec(opts.utcOffset);
    if (!o) return fail(`utcOffset '${opts.utcOffset}' is not ±HH:MM`);
    ms -= (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000;
  }
  return ok(new Date(ms).toISOString().replace('.000Z', 'Z'));
}

/** `YYYY-MM-DD` → date text in `format` (outbound). */
export function fromIsoDate(iso: string, format: DateFormat): Converted<string> {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return fail(`'${iso}' is not an ISO date`);
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  switch (format) {
    case 'CCYYMMDD':
    case '102':
      return ok(`${y}${mo}${d}`);
    case 'YYMMDD':
    case '101':
      return ok(`${y.slice(2)}${mo}${d}`);
    default: {
      const t = /T(\d{2}):(\d{2}):?(\d{2})?/.exec(iso);
      const hhmm = t ? `${t[1]}${t[2]}` : '0000';
      return ok(format === '204' ? `${y}${mo}${d}${hhmm}${t?.[3] ?? '00'}` : `${y}${mo}${d}${hhmm}`);
    }
  }
}
