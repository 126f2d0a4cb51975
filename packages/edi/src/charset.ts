import { Buffer, isAscii, isUtf8 } from 'node:buffer';

/**
 * Character encodings edigate reads and writes. The tokenizer works on a
 * latin1 view of the bytes (one character per byte, so string indices are
 * byte offsets); values are then decoded with the interchange's encoding.
 */
export type Encoding =
  | 'latin1'
  | 'utf8'
  | 'iso-8859-2'
  | 'iso-8859-3'
  | 'iso-8859-4'
  | 'iso-8859-5'
  | 'iso-8859-6'
  | 'iso-8859-7'
  | 'iso-8859-8'
  | 'iso-8859-9'
  | 'iso-8859-15';

/** What an EDIFACT syntax identifier (UNB S001 0001) says about the bytes. */
export interface SyntaxCharset {
  /** The encoding the identifier names, or undefined when it names none we know. */
  encoding: Encoding | undefined;
  /** UNOA/UNOB: only the ISO 646 repertoire (7-bit) is allowed. */
  sevenBit: boolean;
}

// ISO 9735-1 (syntax 4) Annex: syntax identifiers and their character sets.
const syntaxCharsets: Readonly<Record<string, SyntaxCharset>> = {
  UNOA: { encoding: 'latin1', sevenBit: true },
  UNOB: { encoding: 'latin1', sevenBit: true },
  UNOC: { encoding: 'latin1', sevenBit: false },
  UNOD: { encoding: 'iso-8859-2', sevenBit: false },
  UNOE: { encoding: 'iso-8859-5', sevenBit: false },
  UNOF: { encoding: 'iso-8859-7', sevenBit: false },
  UNOG: { encoding: 'iso-8859-3', sevenBit: false },
  UNOH: { encoding: 'iso-8859-4', sevenBit: false },
  UNOI: { encoding: 'iso-8859-6', sevenBit: false },
  UNOJ: { encoding: 'iso-8859-8', sevenBit: false },
  UNOK: { encoding: 'iso-8859-9', sevenBit: false },
  UNOL: { encoding: 'iso-8859-15', sevenBit: false },
  UNOW: { encoding: 'utf8', sevenBit: false },
  UNOY: { encoding: 'utf8', sevenBit: false },
};

/** The charset an EDIFACT syntax identifier names; undefined for an unknown identifier. */
export function syntaxCharset(identifier: string): SyntaxCharset | undefined {
  return syntaxCharsets[identifier];
}

/** Guess for bytes whose declaration does not settle it: UTF-8 when they are valid UTF-8, else latin1. */
export function guessEncoding(bytes: Uint8Array): Encoding {
  return isAscii(bytes) || !isUtf8(bytes) ? 'latin1' : 'utf8';
}

/** True when every byte is 7-bit. */
export function allAscii(bytes: Uint8Array): boolean {
  return isAscii(bytes);
}

const highByte = /[\x80-\xff]/;
const tables = new Map<Encoding, { decode: string[]; encode: Map<string, number> }>();

function tableFor(encoding: Encoding): { decode: string[]; encode: Map<string, number> } {
  let table = tables.get(encoding);
  if (table === undefined) {
    const decoder = new TextDecoder(encoding);
    const decode: string[] = [];
    const encode = new Map<string, number>();
    for (let b = 0; b < 256; b++) {
      const ch = b < 0x80 ? String.fromCharCode(b) : decoder.decode(Uint8Array.of(b));
      decode.push(ch);
      if (!encode.has(ch)) encode.set(ch, b);
    }
    table = { decode, encode };
    tables.set(encoding, table);
  }
  return table;
}

/**
 * A function that turns a latin1 view of bytes into text in `encoding`, or
 * null when the latin1 view already is the text (latin1, or pure 7-bit input).
 */
export function textDecoder(encoding: Encoding, ascii: boolean): ((raw: string) => string) | null {
  if (ascii || encoding === 'latin1') return null;
  if (encoding === 'utf8') {
    return (raw) => (highByte.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw);
  }
  const { decode } = tableFor(encoding);
  return (raw) => {
    if (!highByte.test(raw)) return raw;
    let out = '';
    for (let i = 0; i < raw.length; i++) out += decode[raw.charCodeAt(i)] ?? '\ufffd';
    return out;
  };
}

/** Encodes text in `encoding`; characters the encoding lacks become `?`. */
export function encodeText(text: string, encoding: Encoding): Uint8Array {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (encoding === 'latin1') return Buffer.from(text, 'latin1');
  const { encode } = tableFor(encoding);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 0x80 ? c : (encode.get(text[i]!) ?? 0x3f);
  }
  return out;
}

/** The latin1 view of bytes: one character per byte. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
}
