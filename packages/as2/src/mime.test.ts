import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildEntity,
  buildMultipartBody,
  canonicalizeEntity,
  canonicalizeLineEndings,
  decodeBody,
  decodeDerBody,
  headerValue,
  headersFromRecord,
  parseContentType,
  parseEntity,
  parseEntityStrict,
  splitMultipart,
} from './mime.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseEntity', () => {
  it('reads headers case-insensitively and keeps the raw bytes', () => {
    const raw = b('content-type: application/EDI-X12\r\ncontent-transfer-encoding: Binary\r\n\r\nISA*00~');
    const { value, issues } = parseEntity(raw);
    expect(issues).toEqual([]);
    expect(value.contentType.type).toBe('application/edi-x12');
    expect(value.transferEncoding).toBe('binary');
    expect(value.body.toString()).toBe('ISA*00~');
    expect(value.raw.equals(raw)).toBe(true);
    expect(headerValue(value.headers, 'Content-Type')).toBe('application/EDI-X12');
  });

  it('unfolds folded headers and reads quoted boundaries', () => {
    const raw = b(
      'Content-Type: multipart/signed;\r\n\tprotocol="application/pkcs7-signature";\r\n micalg=sha-256; boundary="a b;c"\r\n\r\nx',
    );
    const { value } = parseEntity(raw);
    expect(value.contentType).toEqual({
      type: 'multipart/signed',
      params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256', boundary: 'a b;c' },
    });
  });

  it('reads LF-only header blocks and marks them', () => {
    const { value, issues } = parseEntity(b('Content-Type: text/plain\nX: y\n\nbody\n'));
    expect(issues).toEqual([]);
    expect(value.bareLf).toBe(true);
    expect(value.body.toString()).toBe('body\n');
  });

  it('tells raw EDI from a MIME entity', () => {
    expect(parseEntityStrict(b('ISA*00*          *00*          *ZZ*A~'))).toBeUndefined();
    expect(parseEntityStrict(b("UNA:+.? 'UNB+UNOC:3+A+B'"))).toBeUndefined();
    expect(parseEntityStrict(b('Content-Type: application/edifact\r\n\r\nUNB'))?.body.toString()).toBe('UNB');
    expect(parseEntityStrict(b('Content-Type: application/edifact\r\nno colon here\r\n\r\nUNB'))?.body.toString()).toBe(
      'UNB',
    );
    expect(parseEntityStrict(b('Content-Type: application/edifact\r\nUNB'))).toBeUndefined();
  });

  it('headersFromRecord joins arrays and unfolds values', () => {
    const h = headersFromRecord({
      'as2-from': '"A B"',
      'X-Multi': ['a', 'b'],
      skip: undefined,
      'content-type': 'a/b;\r\n x=y',
    });
    expect(headerValue(h, 'AS2-From')).toBe('"A B"');
    expect(headerValue(h, 'x-multi')).toBe('a, b');
    expect(headerValue(h, 'content-type')).toBe('a/b; x=y');
  });
});

describe('parseContentType', () => {
  it.each([
    [
      'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
      'application/pkcs7-mime',
      { 'smime-type': 'enveloped-data', name: 'smime.p7m' },
    ],
    [
      'Application/X-PKCS7-MIME;SMIME-TYPE = compressed-data;',
      'application/x-pkcs7-mime',
      { 'smime-type': 'compressed-data' },
    ],
    ['text/plain; name="a \\"q\\" b"', 'text/plain', { name: 'a "q" b' }],
    ['', 'text/plain', {}],
  ])('%s', (value, type, params) => {
    expect(parseContentType(value)).toEqual({ type, params });
  });
});

describe('splitMultipart', () => {
  it('keeps each part byte-exact; the CRLF before a delimiter belongs to it', () => {
    const p1 = b('Content-Type: text/plain\r\n\r\nhello\r\n');
    const p2 = b('Content-Type: application/pkcs7-signature\r\n\r\nXYZ');
    const body = Buffer.concat([b('preamble\r\n'), buildMultipartBody('bb', [p1, p2]), b('epilogue')]);
    const { value, issues } = splitMultipart(body, 'bb');
    expect(issues).toEqual([]);
    expect(value.parts.map((p) => p.toString('latin1'))).toEqual([p1.toString('latin1'), p2.toString('latin1')]);
  });

  it('ignores lines that only start with the boundary and handles LF-only bodies', () => {
    const body = b('--b\nA\n--bx\n--b \nB\n--b--\n');
    expect(splitMultipart(body, 'b').value.parts.map(String)).toEqual(['A\n--bx', 'B']);
  });

  it('reports an unclosed multipart', () => {
    const r = splitMultipart(b('--b\r\nA'), 'b');
    expect(r.value.parts.map(String)).toEqual(['A']);
    expect(r.issues.map((i) => i.code)).toEqual(['unclosed-multipart']);
  });
});

describe('transfer encodings', () => {
  it('decodes base64, quoted-printable and passes binary', () => {
    expect(decodeBody(b('aGVs\r\nbG8='), 'base64').value.toString()).toBe('hello');
    expect(decodeBody(b('a=3Db=\r\nc=0A'), 'quoted-printable').value.toString()).toBe('a=bc\n');
    expect(decodeBody(b('\x00\xff'), 'binary').value).toEqual(b('\x00\xff'));
    expect(decodeBody(b('x'), 'x-uuencode').issues[0]?.code).toBe('unknown-transfer-encoding');
  });

  it('decodeDerBody sniffs binary vs base64 whatever the label', () => {
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    expect(decodeDerBody(der, undefined).value).toEqual(der);
    expect(decodeDerBody(Buffer.concat([der, b('\r\n')]), 'binary').value).toEqual(der);
    expect(decodeDerBody(b(der.toString('base64') + '\r\n'), undefined).value).toEqual(der);
    expect(decodeDerBody(der, 'base64').value).toEqual(der);
  });
});

describe('canonicalization', () => {
  it('turns bare LF into CRLF and leaves CRLF alone', () => {
    expect(canonicalizeLineEndings(b('a\nb\r\nc\n')).toString()).toBe('a\r\nb\r\nc\r\n');
    const same = b('a\r\n');
    expect(canonicalizeLineEndings(same)).toBe(same);
  });

  it('keeps binary bodies as they are', () => {
    const e = parseEntity(b('Content-Type: x/y\nContent-Transfer-Encoding: binary\n\n1\n2')).value;
    expect(canonicalizeEntity(e).toString()).toBe('Content-Type: x/y\r\nContent-Transfer-Encoding: binary\r\n\r\n1\n2');
    const t = parseEntity(b('Content-Type: text/plain\n\n1\n2')).value;
    expect(canonicalizeEntity(t).toString()).toBe('Content-Type: text/plain\r\n\r\n1\r\n2');
  });
});

describe('buildEntity', () => {
  it('folds long headers and parses back', () => {
    const long =
      'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="----=_Part_0123456789"';
    const raw = buildEntity([['Content-Type', long]], b('x'));
    expect(raw.toString()).toContain(';\r\n\t');
    expect(parseEntity(raw).value.contentType.params.boundary).toBe('----=_Part_0123456789');
  });
});

describe('never throws (property)', () => {
  it('any bytes give a value and issues', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 8 }), (bytes, boundary) => {
        const e = parseEntity(bytes);
        expect(e.value).toBeDefined();
        splitMultipart(e.value.body, boundary);
        splitMultipart(bytes, e.value.contentType.params.boundary ?? 'b');
        decodeBody(bytes, 'quoted-printable');
        decodeDerBody(bytes, 'base64');
        canonicalizeEntity(e.value);
        parseEntityStrict(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('MIME-shaped noise gives a value and issues', () => {
    const piece = fc.constantFrom(
      'Content-Type: multipart/signed; boundary=b',
      '--b',
      '--b--',
      '\r\n',
      '\n',
      ' ',
      ':',
      '=',
      'x',
      '\t',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const bytes = b(pieces.join(''));
        const e = parseEntity(bytes).value;
        splitMultipart(e.body, 'b');
      }),
      { numRuns: 500 },
    );
  });
});
