/** EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083, AES-GCM per RFC 5084). */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { As2Error } from '../errors.js';
import {
  BerError,
  Tag,
  algorithm,
  children,
  chunks,
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
  tlv,
  type AlgorithmIdentifier,
  type BerNode,
} from './asn1.js';
import { certificateInfo, identifies, privateKeyOf, type CertificateInfo } from './certs.js';
import { CIPHERS, ContentType, DIGESTS, Rsa, cipherByOid, digestByOid } from './oids.js';
import type { DecryptResult, DecryptionKey, EncryptOptions, KeyTransport } from './types.js';

/** Most (recipient, key) pairs tried on one message. */
const MAX_ATTEMPTS = 16;

/** One message for every failure after the structure was read, so a key-transport failure looks like a content failure. */
const DECRYPTION_FAILED = 'the message could not be decrypted with any of our keys';

interface Recipient {
  rid: BerNode;
  keyAlgorithm: AlgorithmIdentifier;
  encryptedKey: Buffer;
}

interface Envelope {
  auth: boolean;
  recipients: Recipient[];
  cipherOid: string;
  cipherParams: BerNode | undefined;
  encryptedContent: Buffer;
  /** AuthEnvelopedData: the authAttrs element (AAD, RFC 5083 §2.2) and the MAC. */
  authAttrs?: BerNode;
  mac?: Buffer;
}

function readEnvelope(der: Uint8Array): Envelope {
  const [typeNode, explicit] = children(parseBer(toDer(der)));
  const type = readOid(typeNode);
  if (type !== ContentType.envelopedData && type !== ContentType.authEnvelopedData) {
    throw new BerError(`not EnvelopedData or AuthEnvelopedData (content type ${type})`);
  }
  if (!isContext(explicit, 0)) throw new BerError('ContentInfo without content');
  const body = children(explicit)[0];
  if (!isUniversal(body, Tag.sequence)) throw new BerError('EnvelopedData is not a SEQUENCE');
  const fields = children(body);
  let i = 1; // version
  if (isContext(fields[i], 0)) i++; // originatorInfo
  const recipientInfos = fields[i++];
  const contentInfo = fields[i++];
  if (!isUniversal(recipientInfos, Tag.set) || !isUniversal(contentInfo, Tag.sequence)) {
    throw new BerError('EnvelopedData: unexpected layout');
  }
  const recipients: Recipient[] = [];
  for (const ri of children(recipientInfos)) {
    // RFC 5652 §6.2: only KeyTransRecipientInfo is untagged; kari/kekri/pwri/ori are [1]..[4].
    if (!isUniversal(ri, Tag.sequence)) continue;
    const [, rid, keyAlgorithm, encryptedKey] = children(ri);
    if (rid === undefined || !isUniversal(encryptedKey, Tag.octetString)) continue;
    recipients.push({ rid, keyAlgorithm: readAlgorithm(keyAlgorithm), encryptedKey: octets(encryptedKey) });
  }
  const [, cipherNode, encrypted] = children(contentInfo);
  const cipher = readAlgorithm(cipherNode);
  if (!isContext(encrypted, 0)) throw new BerError('EncryptedContentInfo without encryptedContent');
  const envelope: Envelope = {
    auth: type === ContentType.authEnvelopedData,
    recipients,
    cipherOid: cipher.oid,
    cipherParams: cipher.params,
    encryptedContent: octets(encrypted),
  };
  if (envelope.auth) {
    if (isContext(fields[i], 1)) envelope.authAttrs = fields[i++];
    const mac = fields[i];
    if (!isUniversal(mac, Tag.octetString)) throw new BerError('AuthEnvelopedData without mac');
    envelope.mac = octets(mac);
  }
  return envelope;
}

interface OaepParams {
  transport: KeyTransport;
  hash: string;
  label?: Buffer;
}

/** RSAES-OAEP-params (RFC 4055 §4.1); only MGF1 with the same hash, as OpenSSL and every AS2 product write it. */
function readOaep(params: BerNode | undefined): OaepParams | undefined {
  let hash = 'sha-1';
  let mgfHash = 'sha-1';
  let label: Buffer | undefined;
  if (params !== undefined && isUniversal(params, Tag.sequence)) {
    for (const f of children(params)) {
      const inner = children(f)[0];
      if (isContext(f, 0)) hash = digestByOid(readAlgorithm(inner).oid)?.name ?? 'unsupported';
      else if (isContext(f, 1)) {
        const mgf = readAlgorithm(inner);
        if (mgf.oid !== Rsa.mgf1) return undefined;
        mgfHash = digestByOid(readAlgorithm(mgf.params).oid)?.name ?? 'unsupported';
      } else if (isContext(f, 2)) {
        const source = readAlgorithm(inner);
        if (source.oid !== Rsa.pSpecified || !isUniversal(source.params, Tag.octetString)) return undefined;
        if (source.params.content.length > 0) label = source.params.content;
      }
    }
  }
  // RFC 4055 §4.1 allows a MGF1 hash other than the OAEP hash; Node's OAEP uses one hash for both.
  if (hash !== mgfHash) return undefined;
  // Our digests are the OAEP hashes RFC 4055 §2.1 names (SHA-1, SHA-224 … SHA-512).
  const node = DIGESTS.find((d) => d.name === hash)?.node;
  if (node === undefined) return undefined;
  return { transport: `rsa-oaep-${node}` as KeyTransport, hash: node, ...(label && { label }) };
}

/**
 * RSAES-PKCS1-v1_5 decryption with implicit rejection (RFC 8017 §7.2.2,
 * RFC 3218 §2.3.2): the private-key operation runs in OpenSSL without
 * padding (Node 20 refuses PKCS#1 v1.5 padding in privateDecrypt,
 * CVE-2023-46809), the unpadding runs here without data-dependent branches,
 * and a bad padding yields a substitute key of the expected length — so a
 * Bleichenbacher probe sees the same "content decryption failed" as any
 * other bad message. Exported for its unit test only (not from the package).
 */
export function unwrapPkcs1(key: KeyObject, encryptedKey: Buffer, keyLength: number): Buffer {
  return runSync(unwrapPkcs1Steps(key, encryptedKey, keyLength));
}

function* unwrapPkcs1Steps(
  key: KeyObject,
  encryptedKey: Buffer,
  keyLength: number,
): Generator<PrivateDecryptRequest, Buffer, Buffer | undefined> {
  const substitute = syntheticKey(key, encryptedKey, keyLength);
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const separator = k - keyLength - 1;
  if (k === 0 || separator < 10 || encryptedKey.length > k) return substitute; // public facts, no oracle
  const block = Buffer.alloc(k);
  encryptedKey.copy(block, k - encryptedKey.length);
  // A failure (input ≥ modulus: public) is treated like a bad padding anyway.
  const em = (yield { key, padding: constants.RSA_NO_PADDING, data: block }) ?? Buffer.alloc(k);
  if (em.length !== k) return substitute; // only a broken private-key operation gives another length
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero octets) || 0x00 || key, with the key length known.
  let bad = em[0]! | (em[1]! ^ 0x02) | em[separator]!;
  for (let i = 2; i < separator; i++) bad |= ((em[i]! - 1) >> 31) & 1;
  const mask = (-bad >> 31) & 0xff; // 0xff when bad, 0 when good (bad is 0..255)
  const out = Buffer.alloc(keyLength);
  for (let i = 0; i < keyLength; i++) out[i] = (em[separator + 1 + i]! & ~mask) | (substitute[i]! & mask);
  return out;
}

/**
 * One RSA private-key operation (`crypto.privateDecrypt` options and input)
 * that decryption needs. {@link decryptEnvelopeAsync} hands these to the
 * caller, who may run them elsewhere (a worker thread) to keep its event
 * loop free; the padding checks stay here, constant-time.
 */
export interface PrivateDecryptRequest {
  key: KeyObject;
  padding: number;
  oaepHash?: string;
  oaepLabel?: Buffer;
  data: Buffer;
}

/** Runs a private-key operation; resolves undefined when OpenSSL refuses it. */
export type PrivateDecryptFunction = (request: PrivateDecryptRequest) => Promise<Buffer | undefined>;

function privateDecryptHere(r: PrivateDecryptRequest): Buffer | undefined {
  try {
    const { data, ...options } = r;
    return privateDecrypt(options, data);
  } catch {
    return undefined;
  }
}

/** Drives a decryption with the private-key operations in this thread. */
function runSync<T>(steps: Generator<PrivateDecryptRequest, T, Buffer | undefined>): T {
  let next = steps.next();
  while (!next.done) next = steps.next(privateDecryptHere(next.value));
  return next.value;
}

/** Drives a decryption with the private-key operations handed to `run`. */
async function runAsync<T>(
  steps: Generator<PrivateDecryptRequest, T, Buffer | undefined>,
  run: PrivateDecryptFunction,
): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    let result: Buffer | undefined;
    try {
      result = await run(next.value);
    } catch {
      result = undefined;
    }
    next = steps.next(result);
  }
  return next.value;
}

const keyDerivationKeys = new WeakMap<KeyObject, Buffer>();

/**
 * The key used in place of an undecryptable one: deterministic per (our key,
 * ciphertext), as in the implicit rejection of draft-irtf-cfrg-rsa-guidance
 * and OpenSSL 3.2. A fresh random key would let a prober tell a bad padding
 * from a good one by sending the same message twice and seeing whether the
 * (1-in-256) CBC padding accident repeats.
 */
function syntheticKey(key: KeyObject, encryptedKey: Buffer, keyLength: number): Buffer {
  let kdk = keyDerivationKeys.get(key);
  if (kdk === undefined) {
    let material: Buffer;
    try {
      material = key.export({ format: 'der', type: 'pkcs8' });
    } catch {
      material = randomBytes(32);
    }
    kdk = createHash('sha256').update('edigate cms implicit rejection').update(material).digest();
    keyDerivationKeys.set(key, kdk);
  }
  return createHmac('sha256', kdk)
    .update(encryptedKey)
    .update(Buffer.from([keyLength]))
    .digest()
    .subarray(0, keyLength);
}

function* unwrapOaepSteps(
  key: KeyObject,
  encryptedKey: Buffer,
  keyLength: number,
  oaep: OaepParams,
): Generator<PrivateDecryptRequest, Buffer, Buffer | undefined> {
  const cek = yield {
    key,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: oaep.hash,
    ...(oaep.label && { oaepLabel: oaep.label }),
    data: encryptedKey,
  };
  // A refusal takes the same path as a wrong key length.
  return cek?.length === keyLength ? cek : syntheticKey(key, encryptedKey, keyLength);
}

function decryptContent(env: Envelope, cek: Buffer): Buffer | undefined {
  const cipher = cipherByOid(env.cipherOid)!;
  try {
    if (cipher.gcm) {
      // RFC 5084 §3.2: GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 }
      const [nonce, icvLen] = env.cipherParams ? children(env.cipherParams) : [];
      if (!isUniversal(nonce, Tag.octetString)) return undefined;
      const authTagLength = icvLen === undefined ? 12 : readSmallInt(icvLen);
      if (env.mac?.length !== authTagLength) return undefined;
      const decipher = createDecipheriv(cipher.name as 'aes-128-gcm', cek, nonce.content, { authTagLength });
      decipher.setAuthTag(env.mac);
      // RFC 5083 §2.2: the authAttrs are authenticated as their DER with a SET OF tag.
      if (env.authAttrs) decipher.setAAD(retag(env.authAttrs, 0x31));
      const out = decipher.update(env.encryptedContent);
      decipher.final(); // throws when the tag does not match; GCM holds nothing back, so nothing to join
      return out;
    }
    if (!isUniversal(env.cipherParams, Tag.octetString)) return undefined; // the IV (RFC 3370 §5.1, RFC 3565 §4.1)
    const blockSize = cipher.ivLength;
    const encrypted = env.encryptedContent;
    if (encrypted.length === 0 || encrypted.length % blockSize !== 0) return undefined;
    // Padding off: update() returns every block and no MB-sized join follows; the padding is checked here.
    const decipher = createDecipheriv(cipher.name, cek, env.cipherParams.content).setAutoPadding(false);
    const out = decipher.update(encrypted);
    decipher.final();
    // RFC 5652 §6.3: n octets of value n, 1 ≤ n ≤ block size; checked over the whole last block without early exit.
    const n = out[out.length - 1]!;
    let bad = n === 0 || n > blockSize ? 1 : 0;
    for (let i = 1; i <= blockSize; i++) {
      const inPadding = -(((i - n - 1) >> 31) & 1); // -1 when i ≤ n
      bad |= (out[out.length - i]! ^ n) & inPadding;
    }
    return bad === 0 ? out.subarray(0, out.length - n) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decrypts a CMS EnvelopedData or AuthEnvelopedData (DER or BER, also
 * `openssl cms -stream` output) with one of our keys. Key transport: RSA
 * PKCS#1 v1.5 or RSA-OAEP (SHA-1, SHA-256); content: AES-CBC, 3DES-CBC,
 * AES-GCM. Several keys may be given (key rollover): recipients are matched
 * by issuer+serial or subject key identifier; when none matches, every key
 * is tried on every recipient. Never throws; every failure is
 * `decryption-failed`, and a wrong key is indistinguishable from corrupted
 * content.
 */
export function decryptEnvelope(der: Uint8Array, keys: DecryptionKey[]): DecryptResult {
  return runSync(decryptSteps(der, keys));
}

/**
 * {@link decryptEnvelope} with its RSA private-key operations run by
 * `privateDecrypt` (for instance in a worker thread, so that a server's
 * event loop stays free meanwhile); without it, in this thread. Same
 * results; never rejects.
 */
export function decryptEnvelopeAsync(
  der: Uint8Array,
  keys: DecryptionKey[],
  privateDecrypt?: PrivateDecryptFunction,
): Promise<DecryptResult> {
  if (!privateDecrypt) return Promise.resolve(decryptEnvelope(der, keys));
  return runAsync(decryptSteps(der, keys), privateDecrypt);
}

function* decryptSteps(
  der: Uint8Array,
  keys: DecryptionKey[],
): Generator<PrivateDecryptRequest, DecryptResult, Buffer | undefined> {
  let env: Envelope;
  try {
    env = readEnvelope(der);
  } catch (e) {
    return fail(`malformed EnvelopedData: ${e instanceof BerError ? e.message : 'unreadable'}`);
  }
  const cipher = cipherByOid(env.cipherOid);
  if (cipher === undefined) return fail(`unsupported content-encryption algorithm ${env.cipherOid}`);
  if (cipher.gcm !== env.auth) return fail(`content-encryption algorithm ${cipher.name} does not fit the content type`);

  // An unreadable key (say, a stale one kept for a rollover) must not stop the others.
  const ours: { key: KeyObject; cert: CertificateInfo; keyIndex: number }[] = [];
  keys.forEach((k, keyIndex) => {
    try {
      ours.push({ key: privateKeyOf(k.privateKey), cert: certificateInfo(k.certificate), keyIndex });
    } catch {
      // skipped; reported below when no key is left
    }
  });
  if (ours.length === 0 && keys.length > 0) {
    return {
      ok: false,
      error: new As2Error('unexpected-processing-error', 'none of our decryption keys and certificates is readable'),
    };
  }
  const matched: { key: KeyObject; keyIndex: number; recipient: Recipient }[] = [];
  for (const r of env.recipients) {
    for (const o of ours)
      if (safeIdentifies(r.rid, o.cert)) matched.push({ key: o.key, keyIndex: o.keyIndex, recipient: r });
  }
  const candidates =
    matched.length > 0
      ? matched
      : env.recipients.flatMap((recipient) => ours.map((o) => ({ key: o.key, keyIndex: o.keyIndex, recipient })));
  if (candidates.length === 0) return fail('no key-transport recipient we can use');
  // Real messages name one to three recipients; a crafted one naming thousands must not buy thousands of RSA operations.
  candidates.splice(MAX_ATTEMPTS);

  let unsupported: string | undefined;
  for (const { key, keyIndex, recipient } of candidates) {
    let transport: KeyTransport;
    let cek: Buffer;
    const alg = recipient.keyAlgorithm;
    if (alg.oid === Rsa.rsaEncryption) {
      transport = 'rsa-pkcs1v15';
      cek = yield* unwrapPkcs1Steps(key, recipient.encryptedKey, cipher.keyLength);
    } else if (alg.oid === Rsa.oaep) {
      let oaep: OaepParams | undefined;
      try {
        oaep = readOaep(alg.params);
      } catch {
        oaep = undefined;
      }
      if (oaep === undefined) {
        unsupported = 'unsupported RSA-OAEP parameters';
        continue;
      }
      transport = oaep.transport;
      cek = yield* unwrapOaepSteps(key, recipient.encryptedKey, cipher.keyLength, oaep);
    } else {
      unsupported = `unsupported key-transport algorithm ${alg.oid}`;
      continue;
    }
    const content = decryptContent(env, cek);
    if (content !== undefined)
      return { ok: true, content, contentAlgorithm: cipher.name, keyTransport: transport, keyIndex };
  }
  return fail(unsupported && matched.length === 1 ? unsupported : DECRYPTION_FAILED);
}

function safeIdentifies(rid: BerNode, cert: CertificateInfo): boolean {
  try {
    return identifies(rid, cert);
  } catch {
    return false;
  }
}

function fail(message: string): DecryptResult {
  return { ok: false, error: new As2Error('decryption-failed', message) };
}

/** The Node hash name of an OAEP key transport (`rsa-oaep-sha256` -> `sha256`). */
const oaepHashOf = (transport: KeyTransport): string => transport.slice('rsa-oaep-'.length);

/** RSAES-OAEP-params with MGF1 over the same hash (RFC 4055 §4.1); SHA-1 is the all-defaults empty SEQUENCE. */
function oaepAlgorithm(transport: KeyTransport): Buffer {
  if (transport === 'rsa-oaep-sha1') return algorithm(Rsa.oaep, sequence());
  const hash = algorithm(DIGESTS.find((d) => d.node === oaepHashOf(transport))!.oid);
  return algorithm(Rsa.oaep, sequence(context(0, true, hash), context(1, true, algorithm(Rsa.mgf1, hash))));
}

/**
 * Encrypts `content` to the given certificates (RFC 5652 §6; AES-GCM as
 * AuthEnvelopedData, RFC 5083/5084). Default AES-256-CBC with RSA PKCS#1
 * v1.5 key transport, which every AS2 product reads. Returns the DER
 * ContentInfo. Throws on bad options (no certificate, a non-RSA key).
 */
export function encryptEnvelope(content: Uint8Array, opts: EncryptOptions): Buffer {
  const name = opts.algorithm ?? 'aes-256-cbc';
  const cipher = CIPHERS.find((c) => c.name === name);
  if (cipher === undefined) throw new Error(`unsupported content-encryption algorithm ${name}`);
  const transport = opts.keyTransport ?? 'rsa-pkcs1v15';
  if (opts.certificates.length === 0) throw new Error('encryptEnvelope needs at least one certificate');
  const cek = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.ivLength);

  const recipients = opts.certificates.map((pem) => {
    const cert = certificateInfo(pem);
    const encryptedKey =
      transport === 'rsa-pkcs1v15'
        ? publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, cek)
        : publicEncrypt(
            {
              key: cert.publicKey,
              padding: constants.RSA_PKCS1_OAEP_PADDING,
              oaepHash: oaepHashOf(transport),
            },
            cek,
          );
    const keyAlgorithm = transport === 'rsa-pkcs1v15' ? algorithm(Rsa.rsaEncryption, 'null') : oaepAlgorithm(transport);
    // KeyTransRecipientInfo version 0 with IssuerAndSerialNumber (RFC 5652 §6.2.1).
    return sequence(integer(0), sequence(cert.issuer, tlv(0x02, cert.serial)), keyAlgorithm, octetString(encryptedKey));
  });

  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (cipher.gcm) {
    const c = createCipheriv(cipher.name as 'aes-128-gcm', cek, iv, { authTagLength: 16 });
    const encrypted = [c.update(data), c.final()];
    const eci = chunks(
      0x30,
      oid(ContentType.data),
      algorithm(cipher.oid, sequence(octetString(iv), integer(16))),
      chunks(0x80, encrypted),
    );
    // RFC 5083 §2.1: version 0, no authAttrs.
    const body = chunks(0x30, integer(0), setOf(...recipients), eci, octetString(c.getAuthTag()));
    return Buffer.concat(chunks(0x30, oid(ContentType.authEnvelopedData), chunks(0xa0, body)));
  }
  const c = createCipheriv(cipher.name, cek, iv);
  const encrypted = [c.update(data), c.final()];
  const eci = chunks(0x30, oid(ContentType.data), algorithm(cipher.oid, octetString(iv)), chunks(0x80, encrypted));
  // RFC 5652 §6.1: version 0 (no originatorInfo, only version-0 recipients, no unprotectedAttrs).
  const body = chunks(0x30, integer(0), setOf(...recipients), eci);
  return Buffer.concat(chunks(0x30, oid(ContentType.envelopedData), chunks(0xa0, body)));
}
