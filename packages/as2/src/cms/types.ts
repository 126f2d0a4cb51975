/**
 * The value types of the CMS layer (RFC 5652): what `decryptEnvelope`,
 * `encryptEnvelope`, `verifyDetached`, `signDetached`, `compress`,
 * `decompress` and `inspectCms` take and return.
 */
import type { KeyObject } from 'node:crypto';
import type { As2Error } from '../errors.js';

/** RSA key transport of the content-encryption key (RFC 3370 §4.2.1, RFC 3560). */
export type KeyTransport =
  'rsa-pkcs1v15' | 'rsa-oaep-sha1' | 'rsa-oaep-sha224' | 'rsa-oaep-sha256' | 'rsa-oaep-sha384' | 'rsa-oaep-sha512';

/** Content-encryption algorithms, named as Node/OpenSSL name the cipher. */
export type ContentEncryptionAlgorithm =
  'aes-256-cbc' | 'aes-192-cbc' | 'aes-128-cbc' | 'des-ede3-cbc' | 'aes-128-gcm' | 'aes-256-gcm';

/** Digest algorithms, named as RFC 5751 §3.4.3.2 `micalg` names them. */
export type DigestAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** One of our decryption keys with the certificate it belongs to (two during a key rollover). */
export interface DecryptionKey {
  /** Private key: a KeyObject or PEM text (PKCS#8 or PKCS#1). */
  privateKey: KeyObject | string;
  /** Our certificate for that key, PEM. */
  certificate: string;
}

/** Result of {@link decryptEnvelope}. */
export type DecryptResult =
  | {
      ok: true;
      /** The decrypted content (usually a MIME entity). */
      content: Buffer;
      /** Which content-encryption algorithm the sender used, e.g. `aes-256-cbc`. */
      contentAlgorithm: string;
      /** Which key transport the sender used. */
      keyTransport: KeyTransport;
      /** Index into the `keys` given of the key that decrypted (during a rollover: is the partner still on the old certificate?). */
      keyIndex: number;
    }
  | { ok: false; error: As2Error };

/** Options of {@link encryptEnvelope}. */
export interface EncryptOptions {
  /** The recipients' certificates, PEM (usually one; two during the partner's rollover). */
  certificates: string[];
  /** Default `aes-256-cbc`. The GCM algorithms produce AuthEnvelopedData (RFC 5083/5084). */
  algorithm?: ContentEncryptionAlgorithm;
  /** Default `rsa-pkcs1v15`, which every AS2 product reads. */
  keyTransport?: KeyTransport;
}

/** Options of {@link verifyDetached}. */
export interface VerifyOptions {
  /** The partner's certificates, PEM (one, or two during a rollover). Certificates inside the signature are never trusted. */
  certificates: string[];
  /** Clock for the validity check; default now. */
  now?: Date;
  /** Accept a certificate outside its validity period. */
  allowExpired?: boolean;
}

/** Result of {@link verifyDetached}. */
export type VerifyResult =
  | {
      ok: true;
      /** The signer's digest algorithm as an RFC 5751 micalg name (`sha-256`). */
      digestAlgorithm: DigestAlgorithm;
      /** The certificate that verified the signature. */
      signer: { subject: string; serialNumber: string };
      /** Whether the SignerInfo had signedAttrs (IBM Sterling may send none). */
      signedAttributes: boolean;
    }
  | { ok: false; error: As2Error };

/** Options of {@link signDetached}. */
export interface SignOptions {
  /** Our signing key: a KeyObject or PEM text. */
  privateKey: KeyObject | string;
  /** Our certificate, PEM; included in the SignedData and named as the signer. */
  certificate: string;
  /** Default `sha-256`. */
  digestAlgorithm?: DigestAlgorithm;
  /** RSASSA-PSS instead of PKCS#1 v1.5 (RFC 4056). Default false. */
  pss?: boolean;
  /** Include signedAttrs (contentType, signingTime, messageDigest). Default true. */
  signedAttributes?: boolean;
  /** Also sign an RFC 6211 CMSAlgorithmProtection attribute (as mendelson does). Default false; needs signedAttributes. */
  algorithmProtection?: boolean;
}

/** Result of {@link decompress}. */
export type DecompressResult = { ok: true; content: Buffer } | { ok: false; error: As2Error };

/** Options of {@link decompress}. */
export interface DecompressOptions {
  /** Refuse output larger than this many bytes (a guard against zip bombs). Default 1 GiB. */
  maxOutputLength?: number;
}

/** What kind of CMS ContentInfo a DER blob holds. */
export type CmsType = 'enveloped' | 'authEnveloped' | 'signed' | 'compressed' | 'data' | 'unknown';
