/**
 * Certificates and keys as the CMS layer needs them: Node's X509Certificate
 * for validity, subject and public key, plus the exact DER of issuer and
 * serial number and the subject key identifier, read with our BER walker
 * (X509Certificate gives only text forms of those, and a CMS
 * IssuerAndSerialNumber must be matched on the encoding).
 */
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { BerError, Tag, children, isContext, isUniversal, parseBer, readOid, type BerNode } from './asn1.js';
import { subjectKeyIdentifierExtension } from './oids.js';

/** A parsed certificate. */
export interface CertificateInfo {
  x509: X509Certificate;
  /** The subject public key (read once; `x509.publicKey` builds a new KeyObject on each access). */
  publicKey: KeyObject;
  /** The certificate DER. */
  der: Buffer;
  /** DER of the issuer Name. */
  issuer: Buffer;
  /** Content octets of the serialNumber INTEGER. */
  serial: Buffer;
  /** Subject key identifier: the extension's value, else the RFC 5280 §4.2.1.2 (1) SHA-1 of the public key. */
  subjectKeyId: Buffer;
  /** Canonical text of the issuer Name, for products that re-encode it. */
  issuerText: string;
}

const certCache = new Map<string, CertificateInfo>();
const keyCache = new Map<string, KeyObject>();
const CACHE_LIMIT = 64;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/** Parses a PEM (or DER) certificate. Throws on a broken certificate: configuration errors, not partner input. */
export function certificateInfo(pem: string | Buffer): CertificateInfo {
  const cacheKey = typeof pem === 'string' ? pem : undefined;
  const cached = cacheKey === undefined ? undefined : certCache.get(cacheKey);
  if (cached) return cached;
  const x509 = new X509Certificate(pem);
  const der = x509.raw;
  const tbs = children(parseBer(der))[0];
  if (!isUniversal(tbs, Tag.sequence)) throw new BerError('certificate: no TBSCertificate');
  const fields = children(tbs);
  let i = isContext(fields[0], 0) ? 1 : 0; // [0] EXPLICIT version
  const serialNode = fields[i++];
  i++; // signature AlgorithmIdentifier
  const issuerNode = fields[i++];
  i += 2; // validity, subject
  const spki = fields[i++];
  if (
    !isUniversal(serialNode, Tag.integer) ||
    !isUniversal(issuerNode, Tag.sequence) ||
    !isUniversal(spki, Tag.sequence)
  ) {
    throw new BerError('certificate: unexpected TBSCertificate layout');
  }
  let subjectKeyId: Buffer | undefined;
  for (const f of fields.slice(i)) {
    if (!isContext(f, 3)) continue;
    const exts = children(f)[0];
    if (!isUniversal(exts, Tag.sequence)) continue;
    for (const ext of children(exts)) {
      const parts = children(ext);
      if (readOid(parts[0]) !== subjectKeyIdentifierExtension) continue;
      const value = parts[parts.length - 1];
      if (isUniversal(value, Tag.octetString)) {
        const inner = parseBer(value.content);
        if (isUniversal(inner, Tag.octetString)) subjectKeyId = inner.content;
      }
    }
  }
  if (subjectKeyId === undefined) {
    const bits = children(spki)[1];
    subjectKeyId = createHash('sha1')
      .update(bits?.content.subarray(1) ?? Buffer.alloc(0))
      .digest();
  }
  const info: CertificateInfo = {
    x509,
    publicKey: x509.publicKey,
    der,
    issuer: issuerNode.raw,
    serial: serialNode.content,
    subjectKeyId,
    issuerText: nameText(issuerNode),
  };
  return cacheKey === undefined ? info : remember(certCache, cacheKey, info);
}

/** A private key from PEM text or a KeyObject. */
export function privateKeyOf(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') return key;
  return keyCache.get(key) ?? remember(keyCache, key, createPrivateKey(key));
}

function stripLeadingZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/**
 * Canonical text of a Name: each attribute as `oid=value`, values trimmed,
 * inner whitespace collapsed and lower-cased — close to the RFC 5280 §7.1
 * comparison, enough for an issuer that a product re-encoded as another
 * string type.
 */
function nameText(name: BerNode): string {
  const rdns: string[] = [];
  for (const rdn of children(name)) {
    const atvs: string[] = [];
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      const text =
        value === undefined
          ? ''
          : value.tag === 30 && value.content.length % 2 === 0
            ? Buffer.from(value.content).swap16().toString('utf16le')
            : value.content.toString('utf8');
      atvs.push(`${readOid(type)}=${text.trim().replace(/\s+/g, ' ').toLowerCase()}`);
    }
    rdns.push(atvs.sort().join('+'));
  }
  return rdns.join(',');
}

/**
 * Whether a CMS SignerIdentifier / RecipientIdentifier (RFC 5652 §5.3,
 * §6.2.1) names this certificate: IssuerAndSerialNumber or [0]
 * SubjectKeyIdentifier.
 */
export function identifies(sid: BerNode | undefined, cert: CertificateInfo): boolean {
  if (sid === undefined) return false;
  if (isContext(sid, 0)) return sid.content.equals(cert.subjectKeyId);
  if (!isUniversal(sid, Tag.sequence)) return false;
  const [issuer, serial] = children(sid);
  if (!isUniversal(issuer, Tag.sequence) || !isUniversal(serial, Tag.integer)) return false;
  if (!stripLeadingZeros(serial.content).equals(stripLeadingZeros(cert.serial))) return false;
  if (issuer.raw.equals(cert.issuer)) return true;
  try {
    return nameText(issuer) === cert.issuerText;
  } catch {
    return false;
  }
}
