import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithm, integer, octetString, oid } from './asn1.js';
import { compress, decompress, inspectCms } from './index.js';
import { OpensslPeer, hasOpenssl } from './opensslPeer.js';

const available = hasOpenssl();
const content = Buffer.from('ISA*00*          *00*          *ZZ*SENDER~'.repeat(200));

describe.skipIf(!available)('CompressedData with openssl as the peer', () => {
  let peer: OpensslPeer;
  let opensslZlib = false;
  beforeAll(() => {
    peer = new OpensslPeer();
    // Many OpenSSL builds (Debian's included) leave out zlib, so `cms -compress` is not always there.
    opensslZlib = peer.try(['cms', '-compress', '-binary', '-outform', 'DER'], content).status === 0;
  });
  afterAll(() => peer?.dispose());

  it('we compress; openssl asn1parse reads the RFC 3274 structure', () => {
    const der = compress(content);
    expect(inspectCms(der).type).toBe('compressed');
    expect(der.length).toBeLessThan(content.length / 10);
    const dump = peer.run(['asn1parse', '-inform', 'DER', '-i'], der).toString();
    const lines = dump.split('\n').map((l) => l.replace(/^.*?(prim|cons):\s*/, '').trim());
    expect(lines.slice(0, 9)).toEqual([
      'SEQUENCE',
      'OBJECT            :id-smime-ct-compressedData',
      'cont [ 0 ]',
      'SEQUENCE',
      'INTEGER           :00',
      'SEQUENCE',
      'OBJECT            :zlib compression',
      'SEQUENCE',
      'OBJECT            :pkcs7-data',
    ]);
    const hex = /OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/.exec(dump)?.[1];
    expect(inflateSync(Buffer.from(hex!, 'hex')).equals(content)).toBe(true);
  });

  it('openssl asn1parse -genconf builds CompressedData; we decompress', () => {
    const conf = [
      'asn1=SEQUENCE:ci',
      '[ci]',
      'type=OID:1.2.840.113549.1.9.16.1.9',
      'content=EXPLICIT:0,SEQUENCE:cd',
      '[cd]',
      'version=INTEGER:0',
      'alg=SEQUENCE:alg',
      'encap=SEQUENCE:encap',
      '[alg]',
      'oid=OID:1.2.840.113549.1.9.16.3.8',
      '[encap]',
      'type=OID:pkcs7-data',
      `content=EXPLICIT:0,FORMAT:HEX,OCTETSTRING:${deflateSync(content).toString('hex')}`,
    ].join('\n');
    const out = peer.file('compressed.der');
    peer.run(['asn1parse', '-genconf', peer.write('compressed.cnf', conf), '-out', out, '-noout']);
    const r = decompress(readFileSync(out));
    expect(r.ok && r.content.equals(content)).toBe(true);
  });

  it('openssl cms -compress / -uncompress, when this openssl has zlib', (ctx) => {
    if (!opensslZlib) ctx.skip('this openssl build has no zlib (cms -compress unsupported)');
    for (const extra of [[], ['-stream']]) {
      const der = peer.run(['cms', '-compress', '-binary', '-outform', 'DER', ...extra], content);
      const r = decompress(der);
      expect(r.ok && r.content.equals(content)).toBe(true);
    }
    const out = peer.run(['cms', '-uncompress', '-binary', '-inform', 'DER'], compress(content));
    expect(out.equals(content)).toBe(true);
  });
});

describe('BER input', () => {
  it('indefinite lengths and a constructed OCTET STRING in chunks, as streaming encoders write', () => {
    const z = deflateSync(content);
    const chunks = [z.subarray(0, 100), z.subarray(100)];
    const indefinite = (id: number, ...parts: Buffer[]): Buffer =>
      Buffer.concat([Buffer.from([id, 0x80]), ...parts, Buffer.from([0, 0])]);
    const body = indefinite(
      0x30,
      integer(0),
      algorithm('1.2.840.113549.1.9.16.3.8'),
      indefinite(
        0x30,
        oid('1.2.840.113549.1.7.1'),
        indefinite(0xa0, indefinite(0x24, ...chunks.map((c) => octetString(c)))),
      ),
    );
    const der = indefinite(0x30, oid('1.2.840.113549.1.9.16.1.9'), indefinite(0xa0, body));
    expect(inspectCms(der).type).toBe('compressed');
    const r = decompress(der);
    expect(r.ok && r.content.equals(content)).toBe(true);
  });
});

describe('decompress failures', () => {
  it('round trip of 1 MB of random bytes', () => {
    const big = randomBytes(1 << 20);
    const r = decompress(compress(big));
    expect(r.ok && r.content.equals(big)).toBe(true);
  });

  it('a corrupt zlib stream, garbage, another content type: decompression-failed, no throw', () => {
    const der = compress(content);
    const corrupt = Buffer.from(der);
    corrupt[corrupt.length - 20]! ^= 0xff;
    for (const input of [corrupt, Buffer.alloc(0), randomBytes(50), der.subarray(0, 30)]) {
      const r = decompress(input);
      expect(r.ok ? 'ok' : r.error.code).toBe('decompression-failed');
    }
  });

  it('refuses output beyond maxOutputLength (zip bomb guard)', () => {
    const r = decompress(compress(Buffer.alloc(1 << 20)), { maxOutputLength: 1000 });
    expect(r.ok ? 'ok' : r.error.message).toMatch(/size limit/);
  });
});
