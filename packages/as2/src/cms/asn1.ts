/**
 * A small BER reader and DER writer over Buffers.
 *
 * Hand-written on purpose: forge.asn1 works on binary strings, and an AS2
 * payload inside EnvelopedData or CompressedData can be many MB — turning
 * it into a binary string and back costs more than decrypting it. This
 * reader never copies: a node points into the input Buffer. It reads the BER
 * that real AS2 products send (X.690 §8.1.3.6 indefinite lengths and
 * §8.7.3 constructed OCTET STRINGs, as `openssl cms -stream` writes them);
 * the writer always produces DER (X.690 §10). OIDs are converted with
 * forge.asn1, which is cheap on those few bytes.
 */
import forge from 'node-forge';

/** Thrown inside the CMS module on malformed input; the public functions turn it into an As2Error. */
export class BerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerError';
  }
}

/** One BER element. `content` is a view into the input (for indefinite lengths: without the end-of-contents octets). */
export interface BerNode {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly constructed: boolean;
  /** Tag number. */
  readonly tag: number;
  /** The identifier octet as written for low tag numbers (e.g. 0x30 for SEQUENCE, 0xa0 for [0] constructed). */
  readonly id: number;
  /** The content octets (a view, not a copy). */
  readonly content: Buffer;
  /** The whole element, header included (a view). */
  readonly raw: Buffer;
  /** True when the length was the indefinite form. */
  readonly indefinite: boolean;
}

/** Universal tag numbers used here (X.680 §8.4). */
export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  utcTime: 23,
  generalizedTime: 24,
} as const;

const MAX_DEPTH = 64;

interface Parsed {
  node: BerNode;
  end: number;
}

function parseAt(buf: Buffer, offset: number, limit: number, depth: number): Parsed {
  if (depth > MAX_DEPTH) throw new BerError('BER nesting too deep');
  let pos = offset;
  if (pos >= limit) throw new BerError('BER: unexpected end of input');
  const id = buf[pos++]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // X.690 §8.1.2.4: high tag number form, base-128 with continuation bit.
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit || i > 4) throw new BerError('BER: bad high tag number');
      const b = buf[pos++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) throw new BerError('BER: missing length');
  const first = buf[pos++]!;
  if (first === 0x80) {
    // X.690 §8.1.3.6: indefinite length, constructed only; content ends with 00 00.
    if (!constructed) throw new BerError('BER: indefinite length on a primitive element');
    const contentStart = pos;
    for (;;) {
      if (pos + 1 < limit && buf[pos] === 0 && buf[pos + 1] === 0) {
        const node: BerNode = {
          cls,
          constructed,
          tag,
          id,
          content: buf.subarray(contentStart, pos),
          raw: buf.subarray(offset, pos + 2),
          indefinite: true,
        };
        return { node, end: pos + 2 };
      }
      pos = parseAt(buf, pos, limit, depth + 1).end;
    }
  }
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n > 6 || n === 0x7f) throw new BerError('BER: length too long');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= limit) throw new BerError('BER: truncated length');
      length = length * 256 + buf[pos++]!;
    }
  }
  const end = pos + length;
  if (end > limit) throw new BerError('BER: element runs past its container');
  const node: BerNode = {
    cls,
    constructed,
    tag,
    id,
    content: buf.subarray(pos, end),
    raw: buf.subarray(offset, end),
    indefinite: false,
  };
  return { node, end };
}

/**
 * The DER of a CMS blob that may arrive base64-encoded or PEM-armoured:
 * products that omit Content-Transfer-Encoding (or label base64 as binary)
 * hand the MIME layer text where DER was expected. A SEQUENCE starts with
 * 0x30, which in base64 is always an 'M', so the normal binary case costs
 * one byte comparison.
 */
export function toDer(input: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf[0] === 0x30) return buf;
  let i = 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  let text = buf.subarray(i).toString('latin1');
  if (text.startsWith('-----BEGIN')) {
    text = text.replace(/^-----BEGIN[^\n]*\n/, '').replace(/-----END[\s\S]*$/, '');
  } else if (buf[i] !== 0x4d /* M */) {
    return buf;
  }
  const decoded = Buffer.from(text, 'base64');
  return decoded[0] === 0x30 ? decoded : buf;
}

/** Parses one element at the start of `input`. Trailing bytes are ignored (some products pad). */
export function parseBer(input: Uint8Array): BerNode {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return parseAt(buf, 0, buf.length, 0).node;
}

/** The child elements of a constructed element. */
export function children(node: BerNode): BerNode[] {
  if (!node.constructed) throw new BerError('BER: expected a constructed element');
  const out: BerNode[] = [];
  const buf = node.content;
  let pos = 0;
  while (pos < buf.length) {
    const p = parseAt(buf, pos, buf.length, 1);
    out.push(p.node);
    pos = p.end;
  }
  return out;
}

/**
 * The octets of an OCTET STRING (or an implicitly tagged one), primitive or
 * constructed (X.690 §8.7.3: the concatenation of the segments). A
 * primitive string is returned as a view; a constructed one is copied once.
 */
export function octets(node: BerNode): Buffer {
  if (!node.constructed) return node.content;
  const parts: Buffer[] = [];
  const collect = (n: BerNode, depth: number): void => {
    if (depth > MAX_DEPTH) throw new BerError('BER nesting too deep');
    for (const c of children(n)) {
      if (c.cls !== 0 || c.tag !== Tag.octetString)
        throw new BerError('BER: constructed OCTET STRING holds a non-OCTET STRING');
      if (c.constructed) collect(c, depth + 1);
      else parts.push(c.content);
    }
  };
  collect(node, 0);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** True when `node` is the universal element with that tag number. */
export function isUniversal(node: BerNode | undefined, tag: number): node is BerNode {
  return node !== undefined && node.cls === 0 && node.tag === tag;
}

/** True when `node` is the context-specific element [tag]. */
export function isContext(node: BerNode | undefined, tag: number): node is BerNode {
  return node !== undefined && node.cls === 2 && node.tag === tag;
}

/** Asserts a universal element and returns it. */
function expectUniversal(node: BerNode | undefined, tag: number, what: string): BerNode {
  if (!isUniversal(node, tag)) throw new BerError(`BER: expected ${what}`);
  return node;
}

/** Reads an OBJECT IDENTIFIER as dotted text. */
export function readOid(node: BerNode | undefined): string {
  const n = expectUniversal(node, Tag.oid, 'OBJECT IDENTIFIER');
  if (n.content.length === 0) throw new BerError('BER: empty OBJECT IDENTIFIER');
  return forge.asn1.derToOid(n.content.toString('binary'));
}

/** Reads a small non-negative INTEGER as a number. */
export function readSmallInt(node: BerNode | undefined): number {
  const n = expectUniversal(node, Tag.integer, 'INTEGER');
  if (n.content.length === 0 || n.content.length > 6) throw new BerError('BER: INTEGER out of range');
  if ((n.content[0]! & 0x80) !== 0) throw new BerError('BER: negative INTEGER');
  let v = 0;
  for (const b of n.content) v = v * 256 + b;
  return v;
}

/** An AlgorithmIdentifier (RFC 5280 §4.1.1.2). */
export interface AlgorithmIdentifier {
  oid: string;
  /** The parameters element, when present (NULL included). */
  params?: BerNode;
}

/** Reads an AlgorithmIdentifier. */
export function readAlgorithm(node: BerNode | undefined): AlgorithmIdentifier {
  const seq = expectUniversal(node, Tag.sequence, 'AlgorithmIdentifier');
  const [oidNode, params] = children(seq);
  const oid = readOid(oidNode);
  return params === undefined ? { oid } : { oid, params };
}

// ---------------------------------------------------------------- DER writer

function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One DER element with identifier octet `id` (low tag numbers only) and the given content parts. */
export function tlv(id: number, ...content: Buffer[]): Buffer {
  const length = content.reduce((n, c) => n + c.length, 0);
  return Buffer.concat([Buffer.from([id]), lengthOctets(length), ...content]);
}

/**
 * One DER element as a list of chunks, not yet joined: an MB payload is
 * wrapped in several levels of headers and copied once, by the final
 * `Buffer.concat`.
 */
export function chunks(id: number, ...content: (Buffer | Buffer[])[]): Buffer[] {
  const flat = content.flat();
  const length = flat.reduce((n, c) => n + c.length, 0);
  return [Buffer.concat([Buffer.from([id]), lengthOctets(length)]), ...flat];
}

/** SEQUENCE. */
export const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);

/** SET OF in DER order (X.690 §11.6: elements sorted by their encodings). */
export function setOf(...elements: Buffer[]): Buffer {
  return tlv(0x31, ...[...elements].sort((a, b) => Buffer.compare(a, b)));
}

/** OCTET STRING. */
export const octetString = (content: Uint8Array): Buffer =>
  tlv(0x04, Buffer.from(content.buffer, content.byteOffset, content.byteLength));

/** NULL. */
const derNull = (): Buffer => Buffer.from([0x05, 0x00]);

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Buffer {
  return tlv(0x06, Buffer.from(forge.asn1.oidToDer(dotted).getBytes(), 'binary'));
}

/** INTEGER from a non-negative number. */
export function integer(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** Context-specific [n]: constructed (EXPLICIT, or IMPLICIT over a constructed type) or primitive. */
export function context(n: number, constructed: boolean, ...content: Buffer[]): Buffer {
  return tlv(0x80 | (constructed ? 0x20 : 0) | n, ...content);
}

/** AlgorithmIdentifier with absent, NULL or given parameters. */
export function algorithm(dotted: string, params?: Buffer | 'null'): Buffer {
  if (params === undefined) return sequence(oid(dotted));
  return sequence(oid(dotted), params === 'null' ? derNull() : params);
}

/** UTCTime for dates 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-28T20:55:30.123Z
  const y = date.getUTCFullYear();
  const rest = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(String(y).slice(2) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(String(y) + rest, 'latin1'));
}

/** Re-tags an element's raw encoding with a different identifier octet (IMPLICIT tagging). */
export function retag(node: BerNode, id: number): Buffer {
  return tlv(id, node.content);
}
