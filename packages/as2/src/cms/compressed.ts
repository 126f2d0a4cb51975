/** CompressedData (RFC 3274, zlib), as AS2 uses it (RFC 5402). */
import { deflateSync, inflateSync } from 'node:zlib';
import { As2Error } from '../errors.js';
import {
  BerError,
  Tag,
  algorithm,
  children,
  chunks,
  integer,
  isContext,
  isUniversal,
  octets,
  oid,
  parseBer,
  toDer,
  readAlgorithm,
  readOid,
} from './asn1.js';
import { ContentType, zlibCompression } from './oids.js';
import type { DecompressOptions, DecompressResult } from './types.js';

const DEFAULT_MAX_OUTPUT = 1 << 30;

/**
 * Wraps `content` in a DER CompressedData ContentInfo (RFC 3274 §1.1:
 * version 0, zlib, encapsulated id-data).
 */
export function compress(content: Uint8Array): Buffer {
  const compressed = deflateSync(content);
  const eContent = chunks(0xa0, chunks(0x04, compressed));
  const body = chunks(0x30, integer(0), algorithm(zlibCompression), chunks(0x30, oid(ContentType.data), eContent));
  return Buffer.concat(chunks(0x30, oid(ContentType.compressedData), chunks(0xa0, body)));
}

/**
 * Unwraps a CompressedData ContentInfo (DER or BER, e.g. `openssl cms
 * -compress -stream`). Never throws; failures are `decompression-failed`.
 */
export function decompress(der: Uint8Array, opts: DecompressOptions = {}): DecompressResult {
  let compressed: Buffer;
  try {
    const [typeNode, explicit] = children(parseBer(toDer(der)));
    const type = readOid(typeNode);
    if (type !== ContentType.compressedData) throw new BerError(`not CompressedData (content type ${type})`);
    if (!isContext(explicit, 0)) throw new BerError('ContentInfo without content');
    const body = children(explicit)[0];
    if (!isUniversal(body, Tag.sequence)) throw new BerError('CompressedData is not a SEQUENCE');
    const [, alg, encap] = children(body);
    const compression = readAlgorithm(alg);
    if (compression.oid !== zlibCompression) {
      return fail(`unsupported compression algorithm ${compression.oid}`);
    }
    if (!isUniversal(encap, Tag.sequence)) throw new BerError('CompressedData without encapContentInfo');
    const eContent = children(encap)[1];
    if (!isContext(eContent, 0)) throw new BerError('CompressedData without eContent');
    const inner = children(eContent)[0];
    if (!isUniversal(inner, Tag.octetString)) throw new BerError('eContent is not an OCTET STRING');
    compressed = octets(inner);
  } catch (e) {
    return fail(`malformed CompressedData: ${e instanceof BerError ? e.message : 'unreadable'}`);
  }
  try {
    return {
      ok: true,
      content: inflateSync(compressed, { maxOutputLength: opts.maxOutputLength ?? DEFAULT_MAX_OUTPUT }),
    };
  } catch (e) {
    const tooLarge = e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return fail(tooLarge ? 'decompressed content exceeds the size limit' : 'the zlib stream is corrupt');
  }
}

function fail(message: string): DecompressResult {
  return { ok: false, error: new As2Error('decompression-failed', message) };
}
