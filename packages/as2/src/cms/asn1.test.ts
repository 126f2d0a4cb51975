import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerError, children, octets, parseBer, readOid, sequence, setOf, time, toDer, oid, integer } from './asn1.js';
import {
  compress,
  decompress,
  decryptEnvelope,
  encryptEnvelope,
  inspectCms,
  signDetached,
  verifyDetached,
} from './index.js';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './opensslPeer.js';

describe('BER reader', () => {
  it('reads definite, indefinite, constructed OCTET STRING and high tag numbers', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "cd" }, [31] 'x', OID 1.2.840.113549.1.7.1 }
    const ber = Buffer.from([
      0x30,
      0x80,
      0x24,
      0x80,
      0x04,
      0x02,
      0x61,
      0x62,
      0x04,
      0x02,
      0x63,
      0x64,
      0x00,
      0x00,
      0x9f,
      0x1f,
      0x01,
      0x78,
      0x06,
      0x09,
      0x2a,
      0x86,
      0x48,
      0x86,
      0xf7,
      0x0d,
      0x01,
      0x07,
      0x01,
      0x00,
      0x00,
      0xff, // trailing byte, ignored
    ]);
    const root = parseBer(ber);
    expect(root.indefinite).toBe(true);
    expect(root.raw.length).toBe(ber.length - 1);
    const [str, high, id] = children(root);
    expect(octets(str!).toString()).toBe('abcd');
    expect([high!.cls, high!.tag, high!.content.toString()]).toEqual([2, 31, 'x']);
    expect(readOid(id)).toBe('1.2.840.113549.1.7.1');
  });

  it('refuses lengths past the end, primitive indefinite lengths and deep nesting', () => {
    expect(() => parseBer(Buffer.from([0x30, 0x05, 0x01]))).toThrow(BerError);
    expect(() => parseBer(Buffer.from([0x04, 0x80, 0x00, 0x00]))).toThrow(BerError);
    const deep = Buffer.concat([Buffer.alloc(200, 0x30).map((_, i) => (i % 2 ? 0x80 : 0x30)), Buffer.alloc(200, 0)]);
    expect(() => parseBer(deep)).toThrow(BerError);
  });

  it('writes DER: sorted SET OF, long lengths, UTCTime vs GeneralizedTime', () => {
    expect(setOf(integer(2), integer(1))).toEqual(Buffer.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]));
    const long = sequence(Buffer.alloc(300));
    expect(long.subarray(0, 4)).toEqual(Buffer.from([0x30, 0x82, 0x01, 0x2c]));
    expect(integer(128)).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(time(new Date('2026-11-28T20:55:30Z')).toString('latin1', 2)).toBe('261128205530Z');
    expect(time(new Date('2051-01-02T03:04:05Z')).toString('latin1', 2)).toBe('20510102030405Z');
    expect(readOid(parseBer(oid('2.16.840.1.101.3.4.2.1')))).toBe('2.16.840.1.101.3.4.2.1');
  });

  it('toDer: binary as is, base64 with line breaks, PEM armour', () => {
    const der = sequence(integer(5));
    expect(toDer(der)).toBe(der);
    expect(toDer(Buffer.from(`\r\n${der.toString('base64')}\r\n`))).toEqual(der);
    expect(toDer(Buffer.from(`-----BEGIN CMS-----\n${der.toString('base64')}\n-----END CMS-----\n`))).toEqual(der);
    const junk = Buffer.from('hello');
    expect(toDer(junk)).toBe(junk);
  });

  it('any bytes: a node or a BerError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const n = parseBer(bytes);
          if (n.constructed) children(n);
        } catch (e) {
          expect(e).toBeInstanceOf(BerError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe.skipIf(!hasOpenssl())('public readers never throw', () => {
  let peer: OpensslPeer;
  let id: TestIdentity;
  beforeAll(() => {
    peer = new OpensslPeer();
    id = peer.identity('fuzz');
  });
  afterAll(() => peer?.dispose());

  it('on random bytes and on mutated valid messages', () => {
    const content = Buffer.from('Content-Type: text/plain\r\n\r\nhello');
    const valid = [
      encryptEnvelope(content, { certificates: [id.cert] }),
      encryptEnvelope(content, { certificates: [id.cert], algorithm: 'aes-128-gcm', keyTransport: 'rsa-oaep-sha256' }),
      signDetached(content, { privateKey: id.key, certificate: id.cert }),
      compress(content),
    ];
    const keys = [{ privateKey: id.key, certificate: id.cert }];
    const mutated = fc
      .tuple(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat()),
      )
      .map(([der, flips, cut]) => {
        const b = Buffer.from(der);
        for (const [at, x] of flips) b[at % b.length]! ^= x;
        return cut === null ? b : b.subarray(0, cut % b.length);
      });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
        ),
        (input) => {
          inspectCms(input);
          expect(typeof decryptEnvelope(input, keys).ok).toBe('boolean');
          expect(typeof verifyDetached(input, content, { certificates: [id.cert] }).ok).toBe('boolean');
          expect(typeof decompress(input).ok).toBe('boolean');
        },
      ),
      { numRuns: 400 },
    );
  });
});
