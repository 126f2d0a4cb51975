import { describe, expect, it } from 'vitest';
import { encodeText, latin1, syntaxCharset, textDecoder } from './charset.js';

describe('charsets', () => {
  it('maps EDIFACT syntax identifiers to encodings', () => {
    expect(syntaxCharset('UNOA')).toEqual({ encoding: 'latin1', sevenBit: true });
    expect(syntaxCharset('UNOC')?.encoding).toBe('latin1');
    expect(syntaxCharset('UNOD')?.encoding).toBe('iso-8859-2');
    expect(syntaxCharset('UNOW')?.encoding).toBe('utf8');
    expect(syntaxCharset('ANSI')).toBeUndefined();
  });

  it('decodes from the latin1 view and encodes back (UTF-8 and ISO-8859-2)', () => {
    const utf8 = Buffer.from('Stra\u00dfe \u2026', 'utf8');
    expect(textDecoder('utf8', false)!(latin1(utf8))).toBe('Stra\u00dfe \u2026');
    expect(Buffer.from(encodeText('Stra\u00dfe \u2026', 'utf8')).equals(utf8)).toBe(true);
    const polish = Uint8Array.of(0x50, 0xb3, 0xf3, 0x64, 0xbc); // "Płódź" in ISO-8859-2
    const text = textDecoder('iso-8859-2', false)!(latin1(polish));
    expect(text).toBe('P\u0142\u00f3d\u017a');
    expect(Buffer.from(encodeText(text, 'iso-8859-2')).equals(Buffer.from(polish))).toBe(true);
    expect(textDecoder('latin1', false)).toBeNull();
    expect(textDecoder('utf8', true)).toBeNull();
  });
});
