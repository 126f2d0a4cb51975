/** CompressedData (RFC 3274, zlib; AS2 use per RFC 5402). */
import { As2Error } from '../errors.js';
import type { DecompressOptions, DecompressResult } from './types.js';

/** Wraps `content` in a DER CompressedData ContentInfo (zlib). */
export function compress(_content: Uint8Array): Buffer {
  throw new Error('not implemented yet');
}

/** Unwraps a CompressedData ContentInfo. Never throws. */
export function decompress(_der: Uint8Array, _opts?: DecompressOptions): DecompressResult {
  return { ok: false, error: new As2Error('unexpected-processing-error', 'not implemented yet') };
}
