/**
 * A small byte-exact MIME reader and writer for AS2 (RFC 2045, RFC 2046,
 * RFC 1847, RFC 5322 header syntax).
 *
 * Why hand-written: the MIC (RFC 4130 §7.3.1) and the detached signature
 * (RFC 1847 §2.1) are computed over the raw bytes of a MIME entity, headers
 * included. Mainstream MIME libraries for Node (mailparser, postal-mime)
 * decode transfer encodings and charsets and hand back structured objects
 * without the exact bytes of each part, so they cannot serve as the basis of
 * signature verification. This reader works on Buffers, keeps a slice of the
 * original bytes for every entity and part, and never throws on bad input: it
 * returns `{ value, issues }`.
 */

/** One header field as read: name as written, value unfolded (RFC 5322 §2.2.3) and trimmed. */
export interface HeaderField {
  name: string;
  value: string;
}

/** A parsed `Content-Type` (or any `value; param=value` header): lower-case type and parameter names. */
export interface ContentType {
  /** `type/subtype`, lower-case, e.g. `application/pkcs7-mime`. */
  type: string;
  /** Parameters; names lower-case, values as written (quotes and escapes removed). */
  params: Record<string, string>;
}

/** A problem met while reading MIME; never thrown. */
export interface MimeIssue {
  code:
    | 'no-header-block'
    | 'bad-header-line'
    | 'unterminated-headers'
    | 'no-boundary'
    | 'no-parts'
    | 'unclosed-multipart'
    | 'bad-base64'
    | 'bad-quoted-printable'
    | 'unknown-transfer-encoding';
  message: string;
  /** Byte offset in the input where the problem was seen, when known. */
  offset?: number;
}

/** The value-plus-issues shape every reader here returns. */
export interface MimeResult<T> {
  value: T;
  issues: MimeIssue[];
}

/** One MIME entity: header fields and body, with the exact bytes it was read from. */
export interface MimeEntity {
  headers: HeaderField[];
  /** Parsed Content-Type; RFC 2045 §5.2 default `text/plain` when absent. */
  contentType: ContentType;
  /** Lower-case Content-Transfer-Encoding, or undefined when the header is absent. */
  transferEncoding: string | undefined;
  /** The body as received (still transfer-encoded). A view into `raw`. */
  body: Buffer;
  /** The whole entity, headers + blank line + body, exactly as received. */
  raw: Buffer;
  /** True when the header block used bare LF line ends (a message stored with LF only). */
  bareLf: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/** Case-insensitive lookup of the first header with this name. */
export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/**
 * Turns an HTTP header record (as node's `IncomingMessage.headers` gives it,
 * or any casing) into header fields: names kept, values unfolded and trimmed,
 * arrays joined with `, ` (RFC 9110 §5.3).
 */
export function headersFromRecord(record: Readonly<Record<string, string | string[] | undefined>>): HeaderField[] {
  const out: HeaderField[] = [];
  for (const [name, raw] of Object.entries(record)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out.push({ name, value: unfold(value) });
  }
  return out;
}

/** RFC 5322 §2.2.3: remove CRLF (or bare LF) that precedes white space; trim. */
export function unfold(value: string): string {
  return value
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n/g, ' ')
    .trim();
}

/** A header field name: printable US-ASCII except colon (RFC 5322 §2.2). */
function isFieldNameByte(b: number): boolean {
  return b >= 33 && b <= 126 && b !== 58;
}

/** Where the header block of `bytes` ends, or why it is not one. */
interface HeaderBlock {
  headers: HeaderField[];
  /** Offset of the first body byte. */
  bodyStart: number;
  bareLf: boolean;
}

/**
 * Reads the header block at the start of `bytes` (lines up to the first empty
 * line). Accepts CRLF and bare-LF line ends and folded fields. Returns issues
 * when the first line is not a header field, so callers can tell a MIME
 * entity from raw content (an EDI interchange encrypted without MIME headers).
 */
export function parseHeaderBlock(bytes: Uint8Array): MimeResult<HeaderBlock> {
  const buf = toBuffer(bytes);
  const issues: MimeIssue[] = [];
  const headers: HeaderField[] = [];
  let pos = 0;
  let bareLf = false;
  let current: { name: string; value: string } | undefined;
  while (pos < buf.length) {
    let end = buf.indexOf(LF, pos);
    const terminated = end !== -1;
    if (!terminated) end = buf.length;
    const lineEnd = terminated && end > pos && buf[end - 1] === CR ? end - 1 : end;
    if (terminated && lineEnd === end) bareLf = true;
    const next = terminated ? end + 1 : end;
    if (lineEnd === pos) {
      if (current) headers.push(current);
      if (headers.length === 0)
        issues.push({ code: 'no-header-block', message: 'the entity starts with an empty line', offset: pos });
      return { value: { headers, bodyStart: next, bareLf }, issues };
    }
    const first = buf[pos]!;
    if (first === 0x20 || first === 0x09) {
      if (!current) {
        issues.push({ code: 'no-header-block', message: 'continuation line before any header field', offset: pos });
        return { value: { headers, bodyStart: 0, bareLf }, issues };
      }
      current.value += ' ' + buf.toString('latin1', pos, lineEnd).trim();
    } else {
      let colon = pos;
      while (colon < lineEnd && isFieldNameByte(buf[colon]!)) colon++;
      // Tolerate white space between the field name and the colon (obsolete syntax, RFC 5322 §4.5).
      let afterName = colon;
      while (afterName < lineEnd && (buf[afterName] === 0x20 || buf[afterName] === 0x09)) afterName++;
      if (colon === pos || afterName >= lineEnd || buf[afterName] !== 58) {
        if (headers.length === 0 && !current) {
          issues.push({ code: 'no-header-block', message: 'the first line is not a header field', offset: pos });
          return { value: { headers, bodyStart: 0, bareLf }, issues };
        }
        issues.push({
          code: 'bad-header-line',
          message: 'a line in the header block is not a header field',
          offset: pos,
        });
        if (current) headers.push(current);
        current = undefined;
        pos = next;
        continue;
      }
      if (current) headers.push(current);
      current = {
        name: buf.toString('latin1', pos, colon),
        value: buf.toString('latin1', afterName + 1, lineEnd).trim(),
      };
    }
    pos = next;
  }
  if (current) headers.push(current);
  issues.push({ code: 'unterminated-headers', message: 'no empty line ends the header block', offset: buf.length });
  return { value: { headers, bodyStart: buf.length, bareLf }, issues };
}

/**
 * Reads one MIME entity (headers, empty line, body). Never throws; when the
 * bytes do not start with a header block the issues say so and the entity
 * has no headers and the whole input as body.
 */
export function parseEntity(bytes: Uint8Array): MimeResult<MimeEntity> {
  const raw = toBuffer(bytes);
  const { value: block, issues } = parseHeaderBlock(raw);
  return { value: entityFrom(raw, block), issues };
}

/**
 * Like {@link parseEntity}, but only accepts the bytes as a MIME entity when
 * they start with a terminated header block that has a Content-Type; otherwise returns
 * undefined, meaning "raw content without MIME headers" (some AS2 products
 * encrypt the bare EDI interchange).
 */
export function parseEntityStrict(bytes: Uint8Array): MimeEntity | undefined {
  const raw = toBuffer(bytes);
  // A header block ends with an empty line within its first 64 KiB; raw EDI (whose lines can look like
  // header fields, `UNB+UNOC:3+…`) is turned away here without reading MBs of it as headers.
  const head = raw.subarray(0, Math.min(raw.length, MAX_STRICT_HEADER_BYTES));
  if (head.indexOf('\n\n') === -1 && head.indexOf('\n\r\n') === -1) return undefined;
  const { value: block, issues } = parseHeaderBlock(raw);
  // A stray malformed line further down is tolerated; no header block, no end to it, or no Content-Type is not MIME.
  if (issues.some((i) => i.code !== 'bad-header-line') || headerValue(block.headers, 'content-type') === undefined)
    return undefined;
  return entityFrom(raw, block);
}

/** The largest header block {@link parseEntityStrict} accepts. */
const MAX_STRICT_HEADER_BYTES = 64 * 1024;

/** An entity whose headers came from elsewhere (HTTP) and whose body is `body`. */
export function entityFromHeaders(headers: HeaderField[], body: Uint8Array): MimeEntity {
  const buf = toBuffer(body);
  const ct = headerValue(headers, 'content-type');
  const cte = headerValue(headers, 'content-transfer-encoding');
  return {
    headers,
    contentType: parseContentType(ct),
    transferEncoding: cte?.trim().toLowerCase(),
    body: buf,
    raw: buf,
    bareLf: false,
  };
}

function entityFrom(raw: Buffer, block: HeaderBlock): MimeEntity {
  const ct = headerValue(block.headers, 'content-type');
  const cte = headerValue(block.headers, 'content-transfer-encoding');
  return {
    headers: block.headers,
    contentType: parseContentType(ct),
    transferEncoding: cte?.trim().toLowerCase(),
    body: raw.subarray(block.bodyStart),
    raw,
    bareLf: block.bareLf,
  };
}

/**
 * Parses `type/subtype; a=b; c="d e"` (RFC 2045 §5.1): type and parameter
 * names lower-cased, quoted strings unquoted with `\` escapes resolved.
 * Lenient: stray semicolons, spaces around `=`, unquoted values with spaces.
 * An absent or empty value gives the RFC 2045 §5.2 default `text/plain`.
 */
export function parseContentType(value: string | undefined): ContentType {
  const { value: type, params } = parseParameterized(value ?? '');
  return { type: type === '' ? 'text/plain' : type.toLowerCase(), params };
}

/** Splits any `value; name=value; …` header into its first value and its parameters. */
export function parseParameterized(value: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  let i = 0;
  const n = value.length;
  let head = '';
  while (i < n && value[i] !== ';') head += value[i++];
  while (i < n) {
    i++; // the ';'
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
    let name = '';
    while (i < n && value[i] !== '=' && value[i] !== ';') name += value[i++];
    name = name.trim().toLowerCase();
    if (i >= n || value[i] === ';') {
      if (name !== '') params[name] = '';
      continue;
    }
    i++; // the '='
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
    let v = '';
    if (value[i] === '"') {
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < n) i++;
        v += value[i++];
      }
      i++; // closing quote (or end)
      while (i < n && value[i] !== ';') i++;
    } else {
      while (i < n && value[i] !== ';') v += value[i++];
      v = v.trim();
    }
    if (name !== '' && !(name in params)) params[name] = v;
  }
  return { value: head.trim(), params };
}

/** The parts of a multipart body, each the exact bytes between its delimiters. */
export interface Multipart {
  parts: Buffer[];
  /** True when the close delimiter `--boundary--` was found. */
  closed: boolean;
}

/**
 * Splits a multipart body at its boundary (RFC 2046 §5.1.1). The line end
 * before each delimiter belongs to the delimiter, so a part's bytes are
 * exactly what RFC 1847 signs. Bare-LF bodies are split the same way.
 */
export function splitMultipart(body: Uint8Array, boundary: string): MimeResult<Multipart> {
  const buf = toBuffer(body);
  const issues: MimeIssue[] = [];
  if (boundary === '') {
    return {
      value: { parts: [], closed: false },
      issues: [{ code: 'no-boundary', message: 'multipart without a boundary parameter' }],
    };
  }
  const delim = Buffer.from('--' + boundary, 'latin1');
  const parts: Buffer[] = [];
  let partStart = -1;
  let closed = false;
  let search = 0;
  while (search <= buf.length) {
    const at = buf.indexOf(delim, search);
    if (at === -1) break;
    search = at + 1;
    if (at !== 0 && buf[at - 1] !== LF) continue;
    let after = at + delim.length;
    const isClose = buf[after] === 0x2d && buf[after + 1] === 0x2d;
    if (isClose) after += 2;
    // Transport padding (RFC 2046 §5.1.1) up to the line end.
    while (after < buf.length && (buf[after] === 0x20 || buf[after] === 0x09)) after++;
    let lineEnd: number;
    if (after >= buf.length) lineEnd = buf.length;
    else if (buf[after] === LF) lineEnd = after + 1;
    else if (buf[after] === CR && buf[after + 1] === LF) lineEnd = after + 2;
    else if (isClose)
      lineEnd = after; // close delimiter followed by an epilogue on the same line: tolerate
    else continue; // `--boundaryX`: a longer line, not a delimiter
    if (partStart !== -1) {
      let end = at;
      if (end > partStart && buf[end - 1] === LF) end--;
      if (end > partStart && buf[end - 1] === CR) end--;
      parts.push(buf.subarray(partStart, Math.max(partStart, end)));
    }
    if (isClose) {
      closed = true;
      break;
    }
    partStart = lineEnd;
    search = lineEnd;
  }
  if (!closed) {
    if (partStart !== -1) parts.push(buf.subarray(partStart));
    issues.push({ code: 'unclosed-multipart', message: 'no close delimiter; the last part runs to the end' });
  }
  if (parts.length === 0) issues.push({ code: 'no-parts', message: 'no part found for the boundary' });
  return { value: { parts, closed }, issues };
}

/** Bytes allowed in base64 text: the alphabet, `=`, and white space (RFC 2045 §6.8). */
const BASE64_BYTES = (() => {
  const t = new Uint8Array(256);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n') t[c.charCodeAt(0)] = 1;
  return t;
})();

/** True when every byte is base64 text (a table loop: no string copy of MB bodies). */
function isBase64Text(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (BASE64_BYTES[buf[i]!] === 0) return false;
  return true;
}

/** Decodes a body per its Content-Transfer-Encoding (RFC 2045 §6). Unknown encodings pass through with an issue. */
export function decodeBody(body: Uint8Array, transferEncoding: string | undefined): MimeResult<Buffer> {
  const buf = toBuffer(body);
  switch (transferEncoding ?? '') {
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return { value: buf, issues: [] };
    case 'base64': {
      const issues: MimeIssue[] = isBase64Text(buf)
        ? []
        : [{ code: 'bad-base64', message: 'characters outside the base64 alphabet were skipped' }];
      return { value: Buffer.from(buf.toString('latin1'), 'base64'), issues };
    }
    case 'quoted-printable':
      return decodeQuotedPrintable(buf);
    default:
      return {
        value: buf,
        issues: [
          { code: 'unknown-transfer-encoding', message: `unknown Content-Transfer-Encoding ${transferEncoding}` },
        ],
      };
  }
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 65 && b <= 70) return b - 55;
  if (b >= 97 && b <= 102) return b - 87;
  return -1;
}

/** RFC 2045 §6.7: `=XX` escapes and soft line breaks (`=` at the end of a line). */
function decodeQuotedPrintable(buf: Buffer): MimeResult<Buffer> {
  const out = Buffer.allocUnsafe(buf.length);
  const issues: MimeIssue[] = [];
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b !== 61) {
      out[o++] = b;
      continue;
    }
    let j = i + 1;
    while (j < buf.length && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
    if (buf[j] === CR && buf[j + 1] === LF) {
      i = j + 1;
      continue;
    }
    if (buf[j] === LF) {
      i = j;
      continue;
    }
    const hi = i + 1 < buf.length ? hexValue(buf[i + 1]!) : -1;
    const lo = i + 2 < buf.length ? hexValue(buf[i + 2]!) : -1;
    if (hi >= 0 && lo >= 0) {
      out[o++] = hi * 16 + lo;
      i += 2;
    } else {
      if (issues.length === 0)
        issues.push({
          code: 'bad-quoted-printable',
          message: 'an `=` not followed by two hex digits was kept',
          offset: i,
        });
      out[o++] = b;
    }
  }
  return { value: out.subarray(0, o), issues };
}

/**
 * Decodes a body that should hold DER (a CMS structure), whatever its label
 * says. Handles the interop cases: binary DER without a
 * Content-Transfer-Encoding (IBM Sterling), base64 labelled as binary, and
 * binary labelled as base64. Trailing bytes after the outer DER element
 * (a line end before the boundary) are cut off.
 */
export function decodeDerBody(body: Uint8Array, transferEncoding: string | undefined): MimeResult<Buffer> {
  const buf = toBuffer(body);
  const looksDer = derLength(buf) !== undefined;
  // Only scan for base64 when the label says so or the bytes are not DER: MB-sized binary bodies skip the scan.
  const looksBase64 = (!looksDer || transferEncoding === 'base64') && buf.length > 0 && isBase64Text(buf);
  let decoded: MimeResult<Buffer>;
  if (looksDer && !looksBase64) decoded = { value: buf, issues: [] };
  else if (looksBase64) decoded = decodeBody(buf, 'base64');
  else decoded = decodeBody(buf, transferEncoding);
  const len = derLength(decoded.value);
  if (len !== undefined && len < decoded.value.length) decoded.value = decoded.value.subarray(0, len);
  return decoded;
}

/** Total length of the DER SEQUENCE at the start of `buf` (tag 0x30, definite or indefinite length), if it fits. */
function derLength(buf: Buffer): number | undefined {
  if (buf.length < 2 || buf[0] !== 0x30) return undefined;
  const first = buf[1]!;
  if (first === 0x80) return buf.length; // BER indefinite length: cannot cut cheaply, keep all
  if (first < 0x80) return 2 + first <= buf.length ? 2 + first : undefined;
  const count = first & 0x7f;
  if (count > 4 || buf.length < 2 + count) return undefined;
  let len = 0;
  for (let k = 0; k < count; k++) len = len * 256 + buf[2 + k]!;
  const total = 2 + count + len;
  return total <= buf.length ? total : undefined;
}

/**
 * RFC 5751 §3.1.1 canonical form for text: every line end CRLF. Bare LF
 * becomes CRLF; existing CRLF is kept (a bare CR is left alone: it is not a
 * line end in any AS2 product we know). Returns the input itself when it is
 * already canonical (no copy).
 */
export function canonicalizeLineEndings(bytes: Uint8Array): Buffer {
  const buf = toBuffer(bytes);
  let bare = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) if (i === 0 || buf[i - 1] !== CR) bare++;
  if (bare === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let o = 0;
  let from = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i !== 0 && buf[i - 1] === CR) continue;
    o += buf.copy(out, o, from, i);
    out[o++] = CR;
    from = i;
  }
  buf.copy(out, o, from);
  return out;
}

/**
 * Canonical form of an entity for a MIC (RFC 4130 §7.3.1, RFC 5751 §3.1.1):
 * the header block always gets CRLF line ends; the body too unless its
 * Content-Transfer-Encoding is `binary` (binary content is hashed as is).
 */
export function canonicalizeEntity(entity: MimeEntity): Buffer {
  const headerBytes = entity.raw.subarray(0, entity.raw.length - entity.body.length);
  const canonicalHeaders = canonicalizeLineEndings(headerBytes);
  const canonicalBody = entity.transferEncoding === 'binary' ? entity.body : canonicalizeLineEndings(entity.body);
  if (canonicalHeaders === headerBytes && canonicalBody === entity.body) return entity.raw;
  return Buffer.concat([canonicalHeaders, canonicalBody]);
}

/** True when `value` can go into a parameter unquoted (an RFC 2045 token). */
function isToken(value: string): boolean {
  return value !== '' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value);
}

/** `value` as an RFC 2045 parameter value: a token, or a quoted string with `"` and `\` escaped. */
export function quoteParameter(value: string): string {
  return isToken(value) ? value : '"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** Builds `type; a=b; c="d e"` with values quoted where RFC 2045 requires it. */
export function formatParameterized(value: string, params: Readonly<Record<string, string | undefined>>): string {
  let out = value;
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out += `; ${k}=${quoteParameter(v)}`;
  return out;
}

/**
 * Builds one entity: header lines (CRLF, folded at `; ` when longer than 76
 * characters, RFC 5322 §2.2.3), an empty line, then the body bytes as given.
 */
export function buildEntity(headers: readonly (readonly [string, string])[], body: Uint8Array): Buffer {
  let head = '';
  for (const [name, value] of headers) head += foldHeader(name, value) + '\r\n';
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), toBuffer(body)]);
}

/** `Name: value`, folded before parameters when the line would exceed 76 characters. */
export function foldHeader(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= 76) return line;
  return `${name}: ${value.replace(/;\s+(?=[^;]*=)/g, ';\r\n\t')}`;
}

/**
 * Builds a multipart body (RFC 2046 §5.1.1): each part preceded by
 * `--boundary` and followed by the close delimiter. Part bytes go in as
 * given, so a signed part stays byte-identical.
 */
export function buildMultipartBody(boundary: string, parts: readonly Uint8Array[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'), toBuffer(part), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** Base64 with 76-character lines (RFC 2045 §6.8). */
export function encodeBase64Lines(bytes: Uint8Array): Buffer {
  const text = toBuffer(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** A Uint8Array as a Buffer over the same memory (no copy). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
