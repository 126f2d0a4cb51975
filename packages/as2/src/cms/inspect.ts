/** Which kind of CMS ContentInfo a blob holds. */
import { parseBer, readOid, toDer } from './asn1.js';
import { ContentType } from './oids.js';
import type { CmsType } from './types.js';

const TYPES: Record<string, CmsType> = {
  [ContentType.envelopedData]: 'enveloped',
  [ContentType.authEnvelopedData]: 'authEnveloped',
  [ContentType.signedData]: 'signed',
  [ContentType.compressedData]: 'compressed',
  [ContentType.data]: 'data',
};

/**
 * Reads the contentType of the outer ContentInfo (RFC 5652 §3) — only the
 * first few bytes are looked at, however large the blob. Never throws;
 * `unknown` for anything else.
 */
export function inspectCms(input: Uint8Array): { type: CmsType } {
  try {
    const der = toDer(input);
    // Only the outer header and the OID are read, so truncated or huge input costs nothing.
    if (der[0] !== 0x30 || der.length < 2) return { type: 'unknown' };
    const first = der[1]!;
    const header = first <= 0x80 ? 2 : 2 + (first & 0x7f);
    const typeNode = parseBer(der.subarray(header));
    return { type: TYPES[readOid(typeNode)] ?? 'unknown' };
  } catch {
    return { type: 'unknown' };
  }
}
