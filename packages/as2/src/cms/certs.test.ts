import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, parseBer, sequence, tlv } from './asn1.js';
import { certificateInfo, identifies } from './certs.js';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './opensslPeer.js';

describe.skipIf(!hasOpenssl())('matching a CMS signer/recipient identifier to a certificate', () => {
  let peer: OpensslPeer;
  let id: TestIdentity;
  let other: TestIdentity;
  beforeAll(() => {
    peer = new OpensslPeer();
    id = peer.identity('Matching Test');
    other = peer.identity('other');
  });
  afterAll(() => peer?.dispose());

  it('issuer+serial on the exact DER, SKI from the extension', () => {
    const cert = certificateInfo(id.cert);
    // Compare as numbers: both hex forms may carry leading zero nibbles (DER sign byte, X509Certificate trimming).
    expect(cert.serial.toString('hex').toUpperCase().replace(/^0+/, '')).toBe(
      cert.x509.serialNumber.replace(/^0+/, ''),
    );
    expect(cert.subjectKeyId.length).toBe(20);
    expect(identifies(parseBer(sequence(cert.issuer, tlv(0x02, cert.serial))), cert)).toBe(true);
    expect(identifies(parseBer(tlv(0x80, cert.subjectKeyId)), cert)).toBe(true);
    expect(identifies(parseBer(tlv(0x80, cert.subjectKeyId)), certificateInfo(other.cert))).toBe(false);
    expect(identifies(parseBer(sequence(cert.issuer, tlv(0x02, cert.serial))), certificateInfo(other.cert))).toBe(
      false,
    );
  });

  it('tolerates an issuer re-encoded as PrintableString in other case and a serial with a superfluous leading zero', () => {
    const cert = certificateInfo(id.cert);
    // Rebuild the issuer Name with every UTF8String (12) as PrintableString (19), upper-cased.
    const reencode = (name: Buffer): Buffer =>
      sequence(
        ...children(parseBer(name)).map((rdn) =>
          tlv(
            0x31,
            ...children(rdn).map((atv) => {
              const [type, value] = children(atv);
              return sequence(
                type!.raw,
                tlv(0x13, Buffer.from(value!.content.toString('utf8').toUpperCase(), 'latin1')),
              );
            }),
          ),
        ),
      );
    const issuer = reencode(cert.issuer);
    expect(issuer.equals(cert.issuer)).toBe(false);
    const serial = Buffer.concat([Buffer.from([0]), cert.serial]);
    expect(identifies(parseBer(sequence(issuer, tlv(0x02, serial))), cert)).toBe(true);
  });
});
