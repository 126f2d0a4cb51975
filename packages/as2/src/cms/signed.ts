/** Detached SignedData (RFC 5652 §5) as AS2 uses it (RFC 4130 §7.3, RFC 5751 §3.4.3). */
import { constants, createHash, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { As2Error, type As2ErrorCode } from '../errors.js';
import {
  BerError,
  Tag,
  algorithm,
  children,
  context,
  integer,
  isContext,
  isUniversal,
  octetString,
  octets,
  oid,
  parseBer,
  toDer,
  readAlgorithm,
  readOid,
  readSmallInt,
  retag,
  sequence,
  setOf,
  time,
  tlv,
  type AlgorithmIdentifier,
  type BerNode,
} from './asn1.js';
import { certificateInfo, identifies, privateKeyOf, type CertificateInfo } from './certs.js';
import { Attribute, ContentType, RSA_SIGNATURE_HASH, Rsa, digestByName, digestByOid, type DigestInfo } from './oids.js';
import type { DigestAlgorithm, SignOptions, VerifyOptions, VerifyResult } from './types.js';

/** ECDSA signature algorithms (RFC 5758 §3.2, RFC 3279 §2.2.3), accepted and produced for EC keys. */
const ECDSA: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.10045.4.1': 'sha-1',
  '1.2.840.10045.4.3.1': 'sha-224',
  '1.2.840.10045.4.3.2': 'sha-256',
  '1.2.840.10045.4.3.3': 'sha-384',
  '1.2.840.10045.4.3.4': 'sha-512',
};
const ecPublicKey = '1.2.840.10045.2.1';

/** Most SignerInfos looked at in one signature. */
const MAX_SIGNERS = 4;

interface SignerInfo {
  sid: BerNode;
  digest: AlgorithmIdentifier;
  signedAttrs?: BerNode;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Buffer;
}

interface SignedData {
  contentType: string;
  signers: SignerInfo[];
}

function readSignedData(der: Uint8Array): SignedData {
  const [typeNode, explicit] = children(parseBer(toDer(der)));
  const type = readOid(typeNode);
  if (type !== ContentType.signedData) throw new BerError(`not SignedData (content type ${type})`);
  if (!isContext(explicit, 0)) throw new BerError('ContentInfo without content');
  const body = children(explicit)[0];
  if (!isUniversal(body, Tag.sequence)) throw new BerError('SignedData is not a SEQUENCE');
  const fields = children(body);
  const encap = fields[2];
  if (!isUniversal(encap, Tag.sequence)) throw new BerError('SignedData without encapContentInfo');
  const signerInfos = fields[fields.length - 1];
  if (!isUniversal(signerInfos, Tag.set)) throw new BerError('SignedData without signerInfos');
  const signers: SignerInfo[] = [];
  for (const si of children(signerInfos)) {
    const f = children(si);
    let i = 1; // version
    const sid = f[i++];
    const digest = readAlgorithm(f[i++]);
    const signedAttrs = isContext(f[i], 0) ? f[i++] : undefined;
    const signatureAlgorithm = readAlgorithm(f[i++]);
    const signature = f[i];
    if (sid === undefined || !isUniversal(signature, Tag.octetString))
      throw new BerError('SignerInfo: unexpected layout');
    signers.push({
      sid,
      digest,
      signatureAlgorithm,
      signature: octets(signature),
      ...(signedAttrs && { signedAttrs }),
    });
  }
  if (signers.length === 0) throw new BerError('SignedData without a SignerInfo');
  return { contentType: readOid(children(encap)[0]), signers };
}

/** The values of each signed attribute, by type OID (RFC 5652 §5.3: Attribute ::= SEQUENCE { attrType, SET OF attrValues }). */
function readAttributes(signedAttrs: BerNode): Map<string, BerNode[]> {
  const out = new Map<string, BerNode[]>();
  for (const attr of children(signedAttrs)) {
    const [type, values] = children(attr);
    if (!isUniversal(values, Tag.set)) throw new BerError('Attribute without values');
    out.set(readOid(type), children(values));
  }
  return out;
}

interface SignatureScheme {
  hash: DigestInfo;
  /** PSS salt length; undefined for PKCS#1 v1.5 and ECDSA. */
  pssSaltLength?: number;
  ecdsa?: boolean;
}

/** RSASSA-PSS-params (RFC 4055 §3.1); MGF1 must use the same hash, which is what Node/OpenSSL can verify. */
function readPss(params: BerNode | undefined): SignatureScheme | undefined {
  let hash = digestByName('sha-1')!;
  let mgfHash = hash;
  let saltLength = 20;
  if (params !== undefined && isUniversal(params, Tag.sequence)) {
    for (const f of children(params)) {
      const inner = children(f)[0];
      if (isContext(f, 0)) {
        const h = digestByOid(readAlgorithm(inner).oid);
        if (h === undefined) return undefined;
        hash = h;
      } else if (isContext(f, 1)) {
        const mgf = readAlgorithm(inner);
        const h = mgf.oid === Rsa.mgf1 ? digestByOid(readAlgorithm(mgf.params).oid) : undefined;
        if (h === undefined) return undefined;
        mgfHash = h;
      } else if (isContext(f, 2)) {
        saltLength = readSmallInt(inner);
      } else if (isContext(f, 3) && readSmallInt(inner) !== 1) {
        return undefined; // trailerField must be 1 (RFC 4055 §3.1)
      }
    }
  }
  return hash === mgfHash ? { hash, pssSaltLength: saltLength } : undefined;
}

function signatureScheme(alg: AlgorithmIdentifier, digest: DigestInfo): SignatureScheme | undefined {
  if (alg.oid === Rsa.rsaEncryption) return { hash: digest };
  const rsa = RSA_SIGNATURE_HASH[alg.oid];
  if (rsa !== undefined) return { hash: digestByName(rsa)! };
  if (alg.oid === Rsa.pss) return readPss(alg.params);
  const ec = ECDSA[alg.oid];
  if (ec !== undefined) return { hash: digestByName(ec)!, ecdsa: true };
  if (alg.oid === ecPublicKey) return { hash: digest, ecdsa: true };
  return undefined;
}

function verifySignature(scheme: SignatureScheme, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (scheme.ecdsa) return verify(scheme.hash.node, data, key, signature);
    if (scheme.pssSaltLength !== undefined) {
      return verify(
        scheme.hash.node,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pssSaltLength },
        signature,
      );
    }
    return verify(scheme.hash.node, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false; // key type does not fit the algorithm, malformed signature
  }
}

type Outcome =
  { ok: true; cert: CertificateInfo; digest: DigestInfo } | { ok: false; code: As2ErrorCode; message: string };

function verifySigner(si: SignerInfo, contentType: string, content: Buffer, certs: CertificateInfo[]): Outcome {
  const digest = digestByOid(si.digest.oid);
  if (digest === undefined)
    return { ok: false, code: 'authentication-failed', message: `unsupported digest algorithm ${si.digest.oid}` };
  const scheme = signatureScheme(si.signatureAlgorithm, digest);
  if (scheme === undefined) {
    return {
      ok: false,
      code: 'authentication-failed',
      message: `unsupported signature algorithm ${si.signatureAlgorithm.oid}`,
    };
  }
  // The signer is named by issuer+serial or SKI (RFC 5652 §5.3). When no partner certificate
  // matches, each one is still tried: a key that verifies proves the signer whatever the sid says.
  const named = certs.filter((c) => safeIdentifies(si.sid, c));
  const candidates = named.length > 0 ? named : certs;

  if (si.signedAttrs === undefined) {
    // No signedAttrs (IBM Sterling and others): the signature is over the content itself (RFC 5652 §5.4).
    for (const cert of candidates) {
      if (verifySignature(scheme, cert.publicKey, content, si.signature)) return { ok: true, cert, digest };
    }
    // With the named certificate at hand, a failing signature most likely means changed content.
    return named.length > 0
      ? { ok: false, code: 'integrity-check-failed', message: 'the signature does not match the content' }
      : {
          ok: false,
          code: 'authentication-failed',
          message: 'the message is not signed by a certificate of this partner',
        };
  }

  const attrs = readAttributes(si.signedAttrs);
  const [messageDigest] = attrs.get(Attribute.messageDigest) ?? [];
  if (!isUniversal(messageDigest, Tag.octetString)) {
    return { ok: false, code: 'authentication-failed', message: 'signedAttrs without a messageDigest' };
  }
  const [signedType] = attrs.get(Attribute.contentType) ?? [];
  if (signedType !== undefined && readOid(signedType) !== contentType) {
    return {
      ok: false,
      code: 'authentication-failed',
      message: 'the signed contentType differs from the encapsulated one',
    };
  }
  // RFC 6211 §2: when present (mendelson sends it), the protected algorithms must be the ones used.
  const [protection] = attrs.get(Attribute.cmsAlgorithmProtection) ?? [];
  if (protection !== undefined) {
    const [digestAlg, ...rest] = children(protection);
    const signatureAlg = rest.find((n) => isContext(n, 1));
    if (
      readAlgorithm(digestAlg).oid !== si.digest.oid ||
      (signatureAlg !== undefined && readOid(children(signatureAlg)[0]) !== si.signatureAlgorithm.oid)
    ) {
      return {
        ok: false,
        code: 'authentication-failed',
        message: 'CMSAlgorithmProtection does not match the algorithms used',
      };
    }
  }
  // RFC 5652 §5.4: the signature covers the DER of the signedAttrs with an EXPLICIT SET OF tag.
  const signed = retag(si.signedAttrs, 0x31);
  const cert = candidates.find((c) => verifySignature(scheme, c.publicKey, signed, si.signature));
  if (cert === undefined) {
    return {
      ok: false,
      code: 'authentication-failed',
      message: 'the message is not signed by a certificate of this partner',
    };
  }
  const actual = createHash(digest.node).update(content).digest();
  const expected = octets(messageDigest);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return {
      ok: false,
      code: 'integrity-check-failed',
      message: 'the content digest does not match the signed messageDigest',
    };
  }
  return { ok: true, cert, digest };
}

function safeIdentifies(sid: BerNode, cert: CertificateInfo): boolean {
  try {
    return identifies(sid, cert);
  } catch {
    return false;
  }
}

function fail(code: As2ErrorCode, message: string): VerifyResult {
  return { ok: false, error: new As2Error(code, message) };
}

/**
 * Verifies a detached CMS signature (DER or BER) over `content` — the exact
 * bytes of the signed MIME entity — against the partner's certificates
 * only (certificates inside the signature are never trusted). SHA-1/224/
 * 256/384/512 with RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA; with or without
 * signedAttrs; RFC 6211 CMSAlgorithmProtection checked when present.
 * Never throws. Failures: `integrity-check-failed` when the content changed,
 * `authentication-failed` when the signer is not the partner, its
 * certificate is outside its validity, or the algorithms are unsupported.
 */
export function verifyDetached(signatureDer: Uint8Array, content: Uint8Array, opts: VerifyOptions): VerifyResult {
  // An unreadable certificate (say, a stale one kept for a rollover) must not stop the others.
  const certs: CertificateInfo[] = [];
  for (const pem of opts.certificates) {
    try {
      certs.push(certificateInfo(pem));
    } catch {
      // skipped; reported below when none is left
    }
  }
  if (certs.length === 0 && opts.certificates.length > 0) {
    return fail('unexpected-processing-error', 'none of the partner certificates is readable');
  }
  if (certs.length === 0) return fail('authentication-failed', 'no partner certificate to verify against');
  let sd: SignedData;
  try {
    sd = readSignedData(signatureDer);
  } catch (e) {
    return fail('authentication-failed', `malformed SignedData: ${e instanceof BerError ? e.message : 'unreadable'}`);
  }
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  let first: Extract<Outcome, { ok: false }> | undefined;
  // AS2 messages carry one SignerInfo; a crafted one with thousands must not buy thousands of RSA operations.
  for (const si of sd.signers.slice(0, MAX_SIGNERS)) {
    let outcome: Outcome;
    try {
      outcome = verifySigner(si, sd.contentType, data, certs);
    } catch (e) {
      outcome = {
        ok: false,
        code: 'authentication-failed',
        message: `malformed SignerInfo: ${e instanceof BerError ? e.message : 'unreadable'}`,
      };
    }
    if (outcome.ok) {
      const x509 = outcome.cert.x509;
      const now = (opts.now ?? new Date()).getTime();
      if (!opts.allowExpired && (now < Date.parse(x509.validFrom) || now > Date.parse(x509.validTo))) {
        return fail(
          'authentication-failed',
          `the signer certificate is not valid at this time (${x509.validFrom} – ${x509.validTo})`,
        );
      }
      return {
        ok: true,
        digestAlgorithm: outcome.digest.name,
        signer: { subject: x509.subject, serialNumber: x509.serialNumber },
        signedAttributes: si.signedAttrs !== undefined,
      };
    }
    first ??= outcome;
  }
  return first ? fail(first.code, first.message) : fail('authentication-failed', 'no SignerInfo');
}

/** The signatureAlgorithm we write for a key (RFC 3370 §3.2 rsaEncryption, RFC 4056 §2 PSS, RFC 5758 §3.2 ECDSA). */
function signatureAlgorithmFor(key: KeyObject, digest: DigestInfo, pss: boolean): Buffer {
  if (key.asymmetricKeyType === 'ec') {
    const ecOid = Object.entries(ECDSA).find(([, name]) => name === digest.name)![0];
    return algorithm(ecOid);
  }
  if (!pss) return algorithm(Rsa.rsaEncryption, 'null');
  // RSASSA-PSS-params in DER: fields at their DEFAULT (SHA-1, MGF1-SHA-1, salt 20) are omitted (X.690 §11.5).
  if (digest.name === 'sha-1') return algorithm(Rsa.pss, sequence());
  const hash = algorithm(digest.oid);
  return algorithm(
    Rsa.pss,
    sequence(
      context(0, true, hash),
      context(1, true, algorithm(Rsa.mgf1, hash)),
      context(2, true, integer(digest.length)),
    ),
  );
}

/** How {@link signWith} calls `crypto.sign`: its options for this key, digest and padding. */
function signArgs(key: KeyObject, pss: boolean, digest: DigestInfo): KeyObject | SignKeyInput {
  if (key.asymmetricKeyType === 'ec') return key;
  if (pss) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}

type SignKeyInput = { key: KeyObject; padding: number; saltLength?: number };

function signWith(key: KeyObject, digest: DigestInfo, pss: boolean, data: Buffer): Buffer {
  return sign(digest.node, data, signArgs(key, pss, digest));
}

/** The same as {@link signWith}, with the private-key operation in libuv's thread pool (off the event loop). */
function signWithAsync(key: KeyObject, digest: DigestInfo, pss: boolean, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign(digest.node, data, signArgs(key, pss, digest), (err, signature) => (err ? reject(err) : resolve(signature)));
  });
}

/**
 * Signs `content` (the exact bytes of the MIME entity) and returns a
 * detached DER SignedData (RFC 5652 §5) with our certificate included and
 * the signer named by issuer and serial number. Default SHA-256, RSA
 * PKCS#1 v1.5, signedAttrs contentType + signingTime + messageDigest
 * (+ RFC 6211 CMSAlgorithmProtection on request).
 * Throws on bad options (unreadable key or certificate).
 */
export function signDetached(content: Uint8Array, opts: SignOptions): Buffer {
  const p = prepareSignature(content, opts);
  return p.finish(signWith(p.key, p.digest, p.pss, p.toSign));
}

/**
 * {@link signDetached} with the RSA/EC private-key operation run in libuv's
 * thread pool, so a server signing MDNs keeps its event loop free for other
 * requests meanwhile. Same output, same errors (as a rejection).
 */
export async function signDetachedAsync(content: Uint8Array, opts: SignOptions): Promise<Buffer> {
  const p = prepareSignature(content, opts);
  return p.finish(await signWithAsync(p.key, p.digest, p.pss, p.toSign));
}

/** Everything of a detached signature but the signature value: what to sign, and how to wrap the result. */
function prepareSignature(
  content: Uint8Array,
  opts: SignOptions,
): { key: KeyObject; digest: DigestInfo; pss: boolean; toSign: Buffer; finish(signature: Buffer): Buffer } {
  const digest = digestByName(opts.digestAlgorithm ?? 'sha-256');
  if (digest === undefined) throw new Error(`unsupported digest algorithm ${String(opts.digestAlgorithm)}`);
  const key = privateKeyOf(opts.privateKey);
  const cert = certificateInfo(opts.certificate);
  const pss = opts.pss === true && key.asymmetricKeyType !== 'ec';
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);

  let signedAttrs: Buffer | undefined;
  let toSign: Buffer;
  if (opts.signedAttributes === false) {
    toSign = data;
  } else {
    const attribute = (type: string, value: Buffer): Buffer => sequence(oid(type), setOf(value));
    const attrs = [
      attribute(Attribute.contentType, oid(ContentType.data)),
      attribute(Attribute.signingTime, time(new Date())),
      attribute(Attribute.messageDigest, octetString(createHash(digest.node).update(data).digest())),
    ];
    if (opts.algorithmProtection) {
      // RFC 6211 §2: SEQUENCE { digestAlgorithm, signatureAlgorithm [1] IMPLICIT AlgorithmIdentifier }
      const signatureAlgorithm = parseBer(signatureAlgorithmFor(key, digest, pss)).content;
      attrs.push(
        attribute(Attribute.cmsAlgorithmProtection, sequence(algorithm(digest.oid), tlv(0xa1, signatureAlgorithm))),
      );
    }
    attrs.sort((a, b) => Buffer.compare(a, b)); // DER SET OF order (X.690 §11.6)
    // RFC 5652 §5.4: signed as SET OF, stored as [0] IMPLICIT.
    toSign = tlv(0x31, ...attrs);
    signedAttrs = tlv(0xa0, ...attrs);
  }

  const finish = (signature: Buffer): Buffer => {
    // SignerInfo version 1 with IssuerAndSerialNumber; SHA AlgorithmIdentifiers without parameters (RFC 5754 §2).
    const signerInfo = sequence(
      integer(1),
      sequence(cert.issuer, tlv(0x02, cert.serial)),
      algorithm(digest.oid),
      ...(signedAttrs ? [signedAttrs] : []),
      signatureAlgorithmFor(key, digest, pss),
      octetString(signature),
    );
    // SignedData version 1 (RFC 5652 §5.1); detached: encapContentInfo without eContent.
    const body = sequence(
      integer(1),
      setOf(algorithm(digest.oid)),
      sequence(oid(ContentType.data)),
      context(0, true, cert.der),
      setOf(signerInfo),
    );
    return sequence(oid(ContentType.signedData), context(0, true, body));
  };
  return { key, digest, pss, toSign, finish };
}
