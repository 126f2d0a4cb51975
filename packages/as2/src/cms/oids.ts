/** Object identifiers and algorithm tables of the CMS layer. */
import type { ContentEncryptionAlgorithm, DigestAlgorithm } from './types.js';

/** Content types (RFC 5652 §4–§9, RFC 3274, RFC 5083). */
export const ContentType = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  compressedData: '1.2.840.113549.1.9.16.1.9',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
} as const;

/** Attribute types (RFC 5652 §11, RFC 6211). */
export const Attribute = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  cmsAlgorithmProtection: '1.2.840.113549.1.9.52',
} as const;

/** RSA algorithm identifiers (RFC 8017 Appendix C, RFC 4055). */
export const Rsa = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  oaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  pss: '1.2.840.113549.1.1.10',
} as const;

/** zlib compression (RFC 3274 §2). */
export const zlibCompression = '1.2.840.113549.1.9.16.3.8';

/** Subject key identifier extension (RFC 5280 §4.2.1.2). */
export const subjectKeyIdentifierExtension = '2.5.29.14';

/** A digest algorithm: RFC 5751 micalg name, Node hash name, output length. */
export interface DigestInfo {
  name: DigestAlgorithm;
  node: string;
  length: number;
  oid: string;
}

/** Digest algorithms (RFC 3370 §2.1, RFC 5754 §2). */
export const DIGESTS: readonly DigestInfo[] = [
  { name: 'sha-1', node: 'sha1', length: 20, oid: '1.3.14.3.2.26' },
  { name: 'sha-224', node: 'sha224', length: 28, oid: '2.16.840.1.101.3.4.2.4' },
  { name: 'sha-256', node: 'sha256', length: 32, oid: '2.16.840.1.101.3.4.2.1' },
  { name: 'sha-384', node: 'sha384', length: 48, oid: '2.16.840.1.101.3.4.2.2' },
  { name: 'sha-512', node: 'sha512', length: 64, oid: '2.16.840.1.101.3.4.2.3' },
];

/** The digest with that OID. */
export const digestByOid = (oid: string): DigestInfo | undefined => DIGESTS.find((d) => d.oid === oid);
/** The digest with that micalg name. */
export const digestByName = (name: DigestAlgorithm): DigestInfo | undefined => DIGESTS.find((d) => d.name === name);

/**
 * Signature algorithm OIDs that fix the hash (RFC 8017 Appendix C,
 * RFC 5754 §3.2). `rsaEncryption` (what OpenSSL and most AS2 products
 * write, RFC 3370 §3.2) takes the hash from the SignerInfo's digestAlgorithm.
 */
export const RSA_SIGNATURE_HASH: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.113549.1.1.5': 'sha-1',
  '1.3.14.3.2.29': 'sha-1',
  '1.2.840.113549.1.1.14': 'sha-224',
  '1.2.840.113549.1.1.11': 'sha-256',
  '1.2.840.113549.1.1.12': 'sha-384',
  '1.2.840.113549.1.1.13': 'sha-512',
};

/** A content-encryption algorithm. */
export interface CipherInfo {
  name: ContentEncryptionAlgorithm;
  oid: string;
  keyLength: number;
  /** IV (CBC) or nonce (GCM) length we generate. */
  ivLength: number;
  gcm: boolean;
}

/** Content-encryption algorithms (RFC 3370 §5.1, RFC 3565 §4.1, RFC 5084 §3.2). */
export const CIPHERS: readonly CipherInfo[] = [
  { name: 'des-ede3-cbc', oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8, gcm: false },
  { name: 'aes-128-cbc', oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16, gcm: false },
  { name: 'aes-192-cbc', oid: '2.16.840.1.101.3.4.1.22', keyLength: 24, ivLength: 16, gcm: false },
  { name: 'aes-256-cbc', oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16, gcm: false },
  { name: 'aes-128-gcm', oid: '2.16.840.1.101.3.4.1.6', keyLength: 16, ivLength: 12, gcm: true },
  { name: 'aes-256-gcm', oid: '2.16.840.1.101.3.4.1.46', keyLength: 32, ivLength: 12, gcm: true },
];

/** AES-192-GCM is read (RFC 5084 §3.2) though not offered for sending. */
const AES_192_GCM = { oid: '2.16.840.1.101.3.4.1.26', keyLength: 24, ivLength: 12, gcm: true } as const;

/** The content-encryption algorithm with that OID, with its Node cipher name. */
export function cipherByOid(oid: string): (Omit<CipherInfo, 'name'> & { name: string }) | undefined {
  if (oid === AES_192_GCM.oid) return { ...AES_192_GCM, name: 'aes-192-gcm' };
  return CIPHERS.find((c) => c.oid === oid);
}
