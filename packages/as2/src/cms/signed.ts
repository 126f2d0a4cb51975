/** Detached SignedData (RFC 5652 §5). */
import { As2Error } from '../errors.js';
import type { SignOptions, VerifyOptions, VerifyResult } from './types.js';

/** Verifies a detached CMS signature over `content` against the partner's certificates. Never throws. */
export function verifyDetached(_signatureDer: Uint8Array, _content: Uint8Array, _opts: VerifyOptions): VerifyResult {
  return { ok: false, error: new As2Error('unexpected-processing-error', 'not implemented yet') };
}

/** Signs `content`; returns a detached DER SignedData with our certificate included. */
export function signDetached(_content: Uint8Array, _opts: SignOptions): Buffer {
  throw new Error('not implemented yet');
}
