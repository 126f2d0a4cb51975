/** EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083/5084). */
import { As2Error } from '../errors.js';
import type { DecryptResult, DecryptionKey, EncryptOptions } from './types.js';

/**
 * Decrypts a CMS EnvelopedData or AuthEnvelopedData (DER or BER) with one of
 * our keys. Never throws; every failure is `decryption-failed`.
 */
export function decryptEnvelope(_der: Uint8Array, _keys: DecryptionKey[]): DecryptResult {
  return { ok: false, error: new As2Error('unexpected-processing-error', 'not implemented yet') };
}

/** Encrypts `content` to the given certificates; returns the DER ContentInfo. */
export function encryptEnvelope(_content: Uint8Array, _opts: EncryptOptions): Buffer {
  throw new Error('not implemented yet');
}
