/**
 * CMS (RFC 5652) for AS2: EnvelopedData / AuthEnvelopedData, detached
 * SignedData, CompressedData (RFC 3274). Node crypto does the arithmetic;
 * the ASN.1 is read with a BER walker over Buffers so that MB payloads are
 * never copied into binary strings. See docs/as2-cms.md.
 */
export type {
  CmsType,
  ContentEncryptionAlgorithm,
  DecompressOptions,
  DecompressResult,
  DecryptResult,
  DecryptionKey,
  DigestAlgorithm,
  EncryptOptions,
  KeyTransport,
  SignOptions,
  VerifyOptions,
  VerifyResult,
} from './types.js';
export { decryptEnvelope, decryptEnvelopeAsync, encryptEnvelope } from './envelope.js';
export type { PrivateDecryptFunction, PrivateDecryptRequest } from './envelope.js';
export { signDetached, signDetachedAsync, verifyDetached } from './signed.js';
export { compress, decompress } from './compressed.js';
export { inspectCms } from './inspect.js';
