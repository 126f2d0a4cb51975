/**
 * The inbound side of AS2 (RFC 4130): from the HTTP headers and body of a
 * POST to the payload, the MIC and the MDN to answer with. Pure: partner
 * lookup and the duplicate check are handed in; nothing here does I/O.
 */
import type { KeyObject } from 'node:crypto';
import {
  decompress,
  decryptEnvelopeAsync,
  inspectCms,
  verifyDetached,
  type PrivateDecryptFunction,
} from './cms/index.js';
import { children, isContext, parseBer, octets, readOid } from './cms/asn1.js';
import { Attribute } from './cms/oids.js';
import { As2Error } from './errors.js';
import { createMdnAsync, parseAs2Name, type BuiltMdn, type MdnDisposition } from './mdn.js';
import { PKCS7_SIGNATURE_TYPES, verifySignedEntity } from './signedEntity.js';
import {
  canonicalizeEntity,
  decodeBody,
  decodeDerBody,
  entityFromHeaders,
  headersFromRecord,
  headerValue,
  parseContentType,
  parseEntity,
  parseEntityStrict,
  parseParameterized,
  type HeaderField,
  type MimeEntity,
} from './mime.js';
import {
  chooseMicAlgorithm,
  computeMic,
  isLegacyMicalgName,
  micAlgorithmName,
  normalizeMicAlgorithm,
  parseDispositionNotificationOptions,
  type MicAlgorithm,
  type MicalgNames,
} from './mic.js';

/** What we need to know about one trading partner to receive from it. */
export interface PartnerSecurity {
  /** Our id for the partner (ledger, logs). */
  partnerId: string;
  /** Our AS2 name towards this partner. */
  ourId: string;
  /** The partner's certificates, PEM (one, or two during its key rollover). */
  partnerCertificates: string[];
  /** Our decryption / signing keys (one, or two during our rollover; the first signs MDNs). */
  ourKeys: { privateKey: string | KeyObject; certificate: string }[];
  /** Refuse unsigned messages (`insufficient-message-security`). */
  requireSigned?: boolean;
  /** Refuse unencrypted messages (`insufficient-message-security`). */
  requireEncrypted?: boolean;
  /** Accept signatures by the partner's expired certificate. */
  allowExpiredCertificate?: boolean;
  /** Digest algorithms accepted in the partner's signatures (`sha-256`, `sha256`, …); default all we support. */
  acceptedSigningAlgorithms?: string[];
  /** Content-encryption algorithms accepted (`aes-256-cbc`, `des-ede3-cbc`, …); default all we support. */
  acceptedEncryptionAlgorithms?: string[];
  /** Digest for signing our MDNs; default the MIC algorithm the partner asked for, else sha-256. */
  mdnSigningAlgorithm?: string;
  /** Spelling of algorithm names in our MDNs; default: the spelling the partner used in its request. */
  micalgNames?: MicalgNames;
}

/** Callbacks and clock for {@link receiveMessage}. */
export interface ReceiveContext {
  /** Finds the partner by the message's AS2-From (theirs) and AS2-To (ours). */
  findPartner(as2From: string, as2To: string): Promise<PartnerSecurity | undefined> | PartnerSecurity | undefined;
  /** True when this Message-ID was already received from this partner. */
  isDuplicate?(messageId: string, partnerId: string): Promise<boolean> | boolean;
  /** Clock for certificate validity and the MDN date; default now. */
  now?: Date;
  /**
   * Runs the RSA private-key operations of decryption elsewhere (a worker
   * thread), keeping the caller's event loop free meanwhile; default: in
   * this thread. Padding checks stay in the library, constant-time.
   */
  privateDecrypt?: PrivateDecryptFunction;
}

/** What the partner asked for in its MDN request headers (RFC 4130 §7.3). */
export interface MdnRequest {
  /** A signed receipt (signed-receipt-protocol=…, pkcs7-signature). */
  signed: boolean;
  /** signed-receipt-micalg values, as written and in order. */
  micAlgorithms: string[];
  /** Receipt-Delivery-Option: send the MDN asynchronously to this URL. */
  async?: { url: string };
  /** The Disposition-Notification-To value. */
  returnAddress: string;
}

/** The received payload. */
export interface ReceivedPayload {
  content: Buffer;
  /** Its Content-Type as written (e.g. `application/edi-x12`). */
  contentType: string;
  /** From Content-Disposition `filename` (or Content-Type `name`). */
  filename?: string;
}

/** The outcome of {@link receiveMessage}. */
export interface ReceiveResult {
  /** Message-ID exactly as received (angle brackets kept); '' when absent. */
  messageId: string;
  /** AS2-From / AS2-To, unquoted. */
  as2From: string;
  as2To: string;
  partner?: PartnerSecurity;
  /** Present when the message was processed (also for a duplicate). */
  payload?: ReceivedPayload;
  signed: boolean;
  encrypted: boolean;
  compressed: boolean;
  /** The MIC for the MDN; `algorithm` in the spelling the MDN will use. Present when processed. */
  mic?: { digest: string; algorithm: string };
  disposition: MdnDisposition;
  error?: As2Error;
  mdnRequest?: MdnRequest;
  /** How the message was signed, when it was. */
  signature?: { digestAlgorithm: string; signer: { subject: string; serialNumber: string }; signedAttributes: boolean };
  /** How the message was encrypted, when it was. */
  encryption?: { contentAlgorithm: string; keyTransport: string };
  /**
   * Builds the MDN for this message: signed when the partner asked for a
   * signed receipt and we hold a key. `error` overrides the disposition (and
   * drops the MIC) when a later step failed, e.g. the payload could not be
   * stored: `new As2Error('unexpected-processing-error')`.
   */
  buildMdn(opts?: { messageId?: string; now?: Date; error?: As2Error }): Promise<BuiltMdn>;
}

/** Nesting limit for signed / encrypted / compressed layers (a guard against crafted input). */
const MAX_LAYERS = 8;

interface Unwrapped {
  payload?: ReceivedPayload;
  signed: boolean;
  encrypted: boolean;
  compressed: boolean;
  /** RFC 4130 §7.3.1: the bytes of the signed entity exactly as verified. */
  signedBytes?: Buffer;
  /** The verified messageDigest over `signedBytes`, reused as the MIC when the algorithms agree. */
  signedDigest?: { algorithm: MicAlgorithm; digest: string };
  /** RFC 4130 §7.3.1: the decrypted entity (or raw content), for the MIC of encrypted, unsigned messages. */
  decrypted?: MimeEntity | Buffer;
  signature?: ReceiveResult['signature'];
  encryption?: ReceiveResult['encryption'];
  error?: As2Error;
}

/**
 * Receives one AS2 message: finds the partner, decrypts, verifies,
 * decompresses (in whatever order the layers come, RFC 5402), applies the
 * partner's policy, computes the MIC and decides the disposition. Never
 * throws for bad input: every failure is a disposition with an
 * {@link As2Error}.
 */
export async function receiveMessage(
  input: { headers: Readonly<Record<string, string | string[] | undefined>>; body: Uint8Array },
  ctx: ReceiveContext,
): Promise<ReceiveResult> {
  const headers = headersFromRecord(input.headers);
  const messageId = headerValue(headers, 'message-id') ?? '';
  const as2From = parseAs2Name(headerValue(headers, 'as2-from'));
  const as2To = parseAs2Name(headerValue(headers, 'as2-to'));
  const now = ctx.now;
  const mdnRequest = readMdnRequest(headers);

  let partner: PartnerSecurity | undefined;
  let unwrapped: Unwrapped = { signed: false, encrypted: false, compressed: false };
  let error: As2Error | undefined;
  let micAlgorithm: MicAlgorithm = 'sha-256';
  let micRequestedName: string | undefined;

  try {
    if (as2From === '' || as2To === '') {
      error = new As2Error('unexpected-processing-error', 'AS2-From and AS2-To are required (RFC 4130 §6.2)');
    } else {
      partner = await ctx.findPartner(as2From, as2To);
      if (!partner) error = new As2Error('authentication-failed', 'unknown trading partner');
    }
    if (!error && partner) {
      unwrapped = await unwrap(headers, input.body, partner, now, ctx.privateDecrypt);
      error = unwrapped.error ?? checkPolicy(unwrapped, partner);
    }
    if (!error && mdnRequest) {
      const choice = chooseMdnMic(mdnRequest, headers, unwrapped);
      if (choice instanceof As2Error) error = choice;
      else {
        micAlgorithm = choice.algorithm;
        micRequestedName = choice.requestedName;
      }
    } else if (!error && unwrapped.signature) {
      micAlgorithm = normalizeMicAlgorithm(unwrapped.signature.digestAlgorithm) ?? 'sha-256';
    }
    if (!error && partner && ctx.isDuplicate && (await ctx.isDuplicate(messageId, partner.partnerId))) {
      error = new As2Error('duplicate-document', 'this Message-ID was received before');
    }
  } catch (cause) {
    error = new As2Error('unexpected-processing-error', 'the message could not be processed', { cause });
  }

  const processed = !error || error.code === 'duplicate-document';
  const names: MicalgNames =
    partner?.micalgNames ??
    (micRequestedName !== undefined && isLegacyMicalgName(micRequestedName) ? 'legacy' : 'rfc5751');
  let mic: ReceiveResult['mic'];
  if (processed && unwrapped.payload) {
    // RFC 4130 §7.3.1: signed -> the signed entity; encrypted only -> the decrypted entity; else the content.
    // The decrypted entity is canonicalized only here, when it is what the MIC covers.
    const decrypted = unwrapped.decrypted;
    const micBytes =
      unwrapped.signedBytes ??
      (decrypted === undefined ? undefined : Buffer.isBuffer(decrypted) ? decrypted : canonicalizeEntity(decrypted)) ??
      unwrapped.payload.content;
    const algorithmName =
      partner?.micalgNames === undefined && micRequestedName !== undefined
        ? micRequestedName
        : micAlgorithmName(micAlgorithm, names);
    const digest =
      unwrapped.signedDigest?.algorithm === micAlgorithm
        ? unwrapped.signedDigest.digest
        : computeMic(micBytes, micAlgorithm);
    mic = { digest, algorithm: algorithmName };
  }
  const disposition: MdnDisposition = error ? dispositionOf(error) : { type: 'processed' };

  const result: ReceiveResult = {
    messageId,
    as2From,
    as2To,
    signed: unwrapped.signed,
    encrypted: unwrapped.encrypted,
    compressed: unwrapped.compressed,
    disposition,
    buildMdn: async (opts) => {
      try {
        return await buildMdnFor(result, {
          micAlgorithm,
          names,
          messageId: opts?.messageId,
          now: opts?.now ?? now,
          error: opts?.error,
        });
      } catch (cause) {
        throw cause instanceof Error ? cause : new Error('MDN could not be built');
      }
    },
  };
  if (partner) result.partner = partner;
  if (processed && unwrapped.payload) result.payload = unwrapped.payload;
  if (mic) result.mic = mic;
  if (error) result.error = error;
  if (mdnRequest) result.mdnRequest = mdnRequest;
  if (unwrapped.signature) result.signature = unwrapped.signature;
  if (unwrapped.encryption) result.encryption = unwrapped.encryption;
  return result;
}

/** The MDN disposition an error produces (RFC 4130 §7.4.3, §7.5.3). */
function dispositionOf(error: As2Error): MdnDisposition {
  const { kind, description } = error.disposition;
  return { type: kind === 'failure' ? 'failed' : 'processed', modifier: kind, description };
}

function readMdnRequest(headers: HeaderField[]): MdnRequest | undefined {
  const returnAddress = headerValue(headers, 'disposition-notification-to');
  if (returnAddress === undefined) return undefined;
  const options = parseDispositionNotificationOptions(headerValue(headers, 'disposition-notification-options'));
  const protocols = options.signedReceiptProtocol?.values.map((v) => v.toLowerCase()) ?? [];
  const request: MdnRequest = {
    signed: protocols.includes('pkcs7-signature'),
    micAlgorithms: options.signedReceiptMicalg?.values ?? [],
    returnAddress,
  };
  const async = headerValue(headers, 'receipt-delivery-option');
  if (async && async.trim() !== '') request.async = { url: async.trim() };
  return request;
}

/** RFC 4130 §7.3 / §7.5.3: the MIC algorithm for the MDN, or the failure when a required option cannot be met. */
function chooseMdnMic(
  request: MdnRequest,
  headers: HeaderField[],
  unwrapped: Unwrapped,
): { algorithm: MicAlgorithm; requestedName?: string } | As2Error {
  const options = parseDispositionNotificationOptions(headerValue(headers, 'disposition-notification-options'));
  if (options.signedReceiptProtocol?.importance === 'required' && !request.signed) {
    return new As2Error('unsupported-format', 'the required signed-receipt-protocol is not pkcs7-signature');
  }
  const chosen = chooseMicAlgorithm(request.micAlgorithms);
  if (chosen) return chosen;
  if (options.signedReceiptMicalg?.importance === 'required' && request.micAlgorithms.length > 0) {
    return new As2Error('unsupported-mic-algorithms', `none of the requested MIC algorithms is supported (md5 is not)`);
  }
  const fromSignature = unwrapped.signature ? normalizeMicAlgorithm(unwrapped.signature.digestAlgorithm) : undefined;
  return { algorithm: fromSignature ?? 'sha-256' };
}

function checkPolicy(u: Unwrapped, partner: PartnerSecurity): As2Error | undefined {
  if (partner.requireSigned && !u.signed)
    return new As2Error('insufficient-message-security', 'the partner must sign its messages');
  if (partner.requireEncrypted && !u.encrypted)
    return new As2Error('insufficient-message-security', 'the partner must encrypt its messages');
  if (u.signature && partner.acceptedSigningAlgorithms) {
    const accepted = partner.acceptedSigningAlgorithms.map((a) => normalizeMicAlgorithm(a) ?? a.toLowerCase());
    const used = normalizeMicAlgorithm(u.signature.digestAlgorithm) ?? u.signature.digestAlgorithm;
    if (!accepted.includes(used))
      return new As2Error('insufficient-message-security', `signature digest ${used} is not accepted`);
  }
  if (u.encryption && partner.acceptedEncryptionAlgorithms) {
    const accepted = partner.acceptedEncryptionAlgorithms.map((a) => a.toLowerCase());
    if (!accepted.includes(u.encryption.contentAlgorithm.toLowerCase())) {
      return new As2Error(
        'insufficient-message-security',
        `content encryption ${u.encryption.contentAlgorithm} is not accepted`,
      );
    }
  }
  return undefined;
}

const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
const SMIME_TYPES: Record<string, string> = {
  'enveloped-data': 'enveloped',
  'authenveloped-data': 'authEnveloped',
  'compressed-data': 'compressed',
  'signed-data': 'signed',
};

/** Peels the layers off, outermost first. */
async function unwrap(
  headers: HeaderField[],
  body: Uint8Array,
  partner: PartnerSecurity,
  now: Date | undefined,
  privateDecrypt: PrivateDecryptFunction | undefined,
): Promise<Unwrapped> {
  const u: Unwrapped = { signed: false, encrypted: false, compressed: false };
  // The top-level entity's headers are the HTTP headers; a body that carries its own MIME headers is accepted too.
  let entity: MimeEntity =
    headerValue(headers, 'content-type') !== undefined
      ? entityFromHeaders(headers, body)
      : (parseEntityStrict(body) ?? entityFromHeaders(headers, body));

  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const type = entity.contentType.type;
    if (type === 'multipart/signed') {
      const next = verifyLayer(entity, partner, now, u);
      if (next instanceof As2Error) return { ...u, error: next };
      entity = next;
      continue;
    }
    if (PKCS7_MIME.has(type)) {
      const der = decodeDerBody(entity.body, entity.transferEncoding).value;
      let kind: string = inspectCms(der).type;
      if (kind === 'unknown')
        kind = SMIME_TYPES[entity.contentType.params['smime-type']?.toLowerCase() ?? ''] ?? 'unknown';
      let content: Buffer;
      if (kind === 'enveloped' || kind === 'authEnveloped') {
        if (partner.ourKeys.length === 0)
          return { ...u, error: new As2Error('decryption-failed', 'no decryption key for this partner') };
        const r = await decryptEnvelopeAsync(der, partner.ourKeys, privateDecrypt);
        if (!r.ok) return { ...u, error: r.error };
        u.encrypted = true;
        u.encryption ??= { contentAlgorithm: r.contentAlgorithm, keyTransport: r.keyTransport };
        content = r.content;
      } else if (kind === 'compressed') {
        const r = decompress(der);
        if (!r.ok) return { ...u, error: r.error };
        u.compressed = true;
        content = r.content;
      } else if (kind === 'signed') {
        // Opaque signing (application/pkcs7-mime; smime-type=signed-data, RFC 5751 §3.4.2): rare in AS2 but legal.
        const next = verifyOpaque(der, partner, now, u);
        if (next instanceof As2Error) return { ...u, error: next };
        entity = next;
        continue;
      } else {
        return {
          ...u,
          error: new As2Error('unexpected-processing-error', 'the pkcs7-mime body is not a CMS structure we read'),
        };
      }
      const inner = parseEntityStrict(content);
      if (kind !== 'compressed' && !u.signed) u.decrypted ??= inner ?? content;
      if (!inner) {
        // Some products encrypt or compress the bare interchange, without MIME headers: the content is the payload.
        u.payload = { content, contentType: sniffContentType(content) };
        return u;
      }
      entity = inner;
      continue;
    }
    if (PKCS7_SIGNATURE_TYPES.has(type)) {
      return { ...u, error: new As2Error('authentication-failed', 'a bare signature without the signed content') };
    }
    const decoded = decodeBody(entity.body, entity.transferEncoding);
    u.payload = { content: decoded.value, contentType: headerValue(entity.headers, 'content-type') ?? type };
    const filename = filenameOf(entity);
    if (filename !== undefined) u.payload.filename = filename;
    return u;
  }
  return { ...u, error: new As2Error('unexpected-processing-error', `more than ${MAX_LAYERS} nested security layers`) };
}

/** One multipart/signed layer (RFC 1847 §2.1): verify the first part against the second, return the first as an entity. */
function verifyLayer(
  entity: MimeEntity,
  partner: PartnerSecurity,
  now: Date | undefined,
  u: Unwrapped,
): MimeEntity | As2Error {
  const v = verifySignedEntity(entity, {
    certificates: partner.partnerCertificates,
    ...(now ? { now } : {}),
    ...(partner.allowExpiredCertificate ? { allowExpired: true } : {}),
  });
  if (!v.ok) return v.error;
  if (!u.signed) {
    u.signed = true;
    u.signedBytes = v.signedBytes;
    u.signature = { digestAlgorithm: v.digestAlgorithm, signer: v.signer, signedAttributes: v.signedAttributes };
    const digest = v.signedAttributes ? signedMessageDigest(v.signature) : undefined;
    const algorithm = normalizeMicAlgorithm(v.digestAlgorithm);
    if (digest && algorithm) u.signedDigest = { algorithm, digest: digest.toString('base64') };
  }
  return v.content;
}

/**
 * The messageDigest signed attribute of a SignedData with exactly one
 * SignerInfo. Once that SignerInfo verified over some bytes, the attribute is
 * their digest (RFC 5652 §5.4, §11.2), so the MIC of a MB-sized message needs
 * no second hash pass. Undefined for anything else.
 */
function signedMessageDigest(der: Buffer): Buffer | undefined {
  try {
    const [, explicit] = children(parseBer(der));
    if (!isContext(explicit, 0)) return undefined;
    const signedData = children(explicit)[0];
    if (!signedData) return undefined;
    const fields = children(signedData);
    const signerInfos = fields[fields.length - 1];
    if (!signerInfos) return undefined;
    const infos = children(signerInfos);
    if (infos.length !== 1) return undefined;
    const attrs = children(infos[0]!)[3];
    if (!isContext(attrs, 0)) return undefined;
    let found: Buffer | undefined;
    for (const attr of children(attrs)) {
      const [type, values] = children(attr);
      if (!type || !values || readOid(type) !== Attribute.messageDigest) continue;
      const all = children(values);
      if (found || all.length !== 1) return undefined;
      found = octets(all[0]!);
    }
    return found;
  } catch {
    return undefined;
  }
}

/** A media type for content that came without MIME headers, from its first bytes. */
function sniffContentType(content: Buffer): string {
  let i = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? 3 : 0;
  while (
    i < content.length &&
    (content[i] === 0x20 || content[i] === 0x09 || content[i] === 0x0d || content[i] === 0x0a)
  )
    i++;
  const head = content.toString('latin1', i, i + 3);
  if (head === 'ISA') return 'application/edi-x12';
  if (head === 'UNA' || head === 'UNB') return 'application/edifact';
  if (head.startsWith('<')) return 'application/xml';
  return 'application/octet-stream';
}

/** The eContent of an attached SignedData (RFC 5652 §5.2), or undefined when detached or unreadable. */
function attachedContent(der: Buffer): Buffer | undefined {
  try {
    const [, explicit] = children(parseBer(der));
    if (!isContext(explicit, 0)) return undefined;
    const signedData = children(explicit)[0];
    if (!signedData) return undefined;
    const encap = children(signedData)[2];
    if (!encap) return undefined;
    const wrapper = children(encap)[1];
    if (!isContext(wrapper, 0)) return undefined;
    const inner = children(wrapper)[0];
    return inner ? octets(inner) : undefined;
  } catch {
    return undefined;
  }
}

/** One opaque signed-data layer: verify the SignedData over its own eContent, return that content as an entity. */
function verifyOpaque(
  der: Buffer,
  partner: PartnerSecurity,
  now: Date | undefined,
  u: Unwrapped,
): MimeEntity | As2Error {
  const content = attachedContent(der);
  if (!content) return new As2Error('authentication-failed', 'signed-data without encapsulated content');
  const verified = verifyDetached(der, content, {
    certificates: partner.partnerCertificates,
    ...(now ? { now } : {}),
    ...(partner.allowExpiredCertificate ? { allowExpired: true } : {}),
  });
  if (!verified.ok) return verified.error;
  if (!u.signed) {
    u.signed = true;
    u.signedBytes = content;
    u.signature = {
      digestAlgorithm: verified.digestAlgorithm,
      signer: verified.signer,
      signedAttributes: verified.signedAttributes,
    };
  }
  return parseEntity(content).value;
}

function filenameOf(entity: MimeEntity): string | undefined {
  const disposition = headerValue(entity.headers, 'content-disposition');
  const params = disposition !== undefined ? parseParameterized(disposition).params : {};
  const extended = params['filename*'] !== undefined ? decodeExtendedValue(params['filename*']) : undefined;
  if (extended) return extended;
  if (params.filename) return params.filename;
  const name = parseContentType(headerValue(entity.headers, 'content-type')).params.name;
  return name || undefined;
}

/** RFC 2231 §4 `charset'language'percent-encoded` (UTF-8 or Latin-1); undefined when malformed. */
function decodeExtendedValue(value: string): string | undefined {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return undefined;
  const bytes: number[] = [];
  const text = m[2]!;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  const charset = m[1]!.toLowerCase();
  return Buffer.from(bytes).toString(charset === 'utf-8' || charset === 'utf8' ? 'utf8' : 'latin1') || undefined;
}

function buildMdnFor(
  r: ReceiveResult,
  opts: {
    micAlgorithm: MicAlgorithm;
    names: MicalgNames;
    messageId?: string | undefined;
    now?: Date | undefined;
    error?: As2Error | undefined;
  },
): Promise<BuiltMdn> {
  const partner = r.partner;
  const key = partner?.ourKeys[0];
  const wantsSigned = r.mdnRequest?.signed === true;
  const signWith = partner?.mdnSigningAlgorithm ? normalizeMicAlgorithm(partner.mdnSigningAlgorithm) : undefined;
  return createMdnAsync({
    originalMessageId: r.messageId,
    as2From: r.as2To,
    as2To: r.as2From,
    disposition: opts.error ? dispositionOf(opts.error) : r.disposition,
    ...(r.mic && !opts.error ? { mic: r.mic } : {}),
    messageId: opts.messageId,
    now: opts.now,
    ...(wantsSigned && key
      ? {
          sign: {
            privateKey: key.privateKey,
            certificate: key.certificate,
            digestAlgorithm: signWith ?? opts.micAlgorithm,
            micalgNames: opts.names,
          },
        }
      : {}),
  });
}
