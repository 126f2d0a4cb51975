/**
 * The outbound side of AS2 (RFC 4130): wraps a payload (compress, sign,
 * encrypt in the requested order, RFC 5402) into the HTTP headers and body
 * of a POST, with the MIC we expect back in the MDN.
 */
import type { KeyObject } from 'node:crypto';
import { compress, encryptEnvelope, signDetached } from './cms/index.js';
import type { ContentEncryptionAlgorithm, KeyTransport } from './cms/index.js';
import { buildSignedBody, formatAs2Name, newBoundary, newMessageId } from './mdn.js';
import { buildEntity, formatParameterized, headerValue, parseEntity } from './mime.js';
import { computeMic, micAlgorithmName, normalizeMicAlgorithm, type MicAlgorithm, type MicalgNames } from './mic.js';

/** Options of {@link buildMessage}. */
export interface BuildMessageOptions {
  /** Our AS2 name. */
  as2From: string;
  /** The partner's AS2 name. */
  as2To: string;
  /** Default: a new `<uuid@edigate>`. */
  messageId?: string;
  /** The payload's media type, e.g. `application/edi-x12`, `application/edifact`. */
  contentType: string;
  /** Sent as Content-Disposition filename. */
  filename?: string;
  /** Sign with our key (multipart/signed, RFC 1847). */
  sign?: { privateKey: KeyObject | string; certificate: string; digestAlgorithm?: MicAlgorithm; pss?: boolean };
  /** Encrypt for the partner's certificate(s). */
  encrypt?: { certificates: string[]; algorithm?: ContentEncryptionAlgorithm; keyTransport?: KeyTransport };
  /** RFC 5402: compress the payload before signing, or the signed entity after signing. */
  compress?: 'before-sign' | 'after-sign';
  /** Ask for an MDN: signed or not, with this MIC algorithm, sync or async to `asyncUrl`. */
  mdn?: { signed: boolean; micAlgorithm?: string; asyncUrl?: string };
  subject?: string;
  /** Spelling of micalg names towards this partner; default RFC 5751 (`sha-256`). */
  micalgNames?: MicalgNames;
  /** Clock for the Date header; default now. */
  now?: Date;
}

/** A message ready to POST, and the MIC to expect in the MDN. */
export interface BuiltMessage {
  headers: Record<string, string>;
  body: Buffer;
  messageId: string;
  /** The MIC the partner should return (RFC 4130 §7.3.1), algorithm in the spelling we asked for. */
  mic: { digest: string; algorithm: string };
}

const BINARY: [string, string] = ['Content-Transfer-Encoding', 'binary'];

function compressedEntity(inner: Buffer): Buffer {
  return buildEntity(
    [
      ['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z'],
      BINARY,
      ['Content-Disposition', 'attachment; filename="smime.p7z"'],
    ],
    compress(inner),
  );
}

/** `attachment; filename=…`; a non-ASCII name also as RFC 2231 `filename*` (UTF-8) with an ASCII fallback. Control characters become spaces. */
function contentDisposition(name: string): string {
  const filename = name.replace(/[^\x20-\x7e\x80-\uffff]/g, ' ');
  if (/^[\x20-\x7e]*$/.test(filename)) return formatParameterized('attachment', { filename });
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_');
  const extended =
    "UTF-8''" +
    encodeURIComponent(filename).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `${formatParameterized('attachment', { filename: fallback })}; filename*=${extended}`;
}

/** Header text as HTTP can carry it: plain when printable ASCII, else an RFC 2047 encoded word (UTF-8, base64). */
function encodeHeaderText(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

/**
 * Builds an AS2 message. Layers from the inside out: payload entity,
 * compression (before-sign), signature, compression (after-sign),
 * encryption. The outermost entity's headers become HTTP headers.
 * Throws only on programming errors (bad keys or certificates), never
 * because of payload bytes.
 */
export function buildMessage(payload: Uint8Array, opts: BuildMessageOptions): BuiltMessage {
  const messageId = opts.messageId ?? newMessageId();
  const names = opts.micalgNames ?? 'rfc5751';
  const payloadHeaders: [string, string][] = [['Content-Type', opts.contentType], BINARY];
  if (opts.filename !== undefined) payloadHeaders.push(['Content-Disposition', contentDisposition(opts.filename)]);
  let entity = buildEntity(payloadHeaders, payload);

  const micAlgorithm: MicAlgorithm =
    (opts.mdn?.micAlgorithm ? normalizeMicAlgorithm(opts.mdn.micAlgorithm) : undefined) ??
    opts.sign?.digestAlgorithm ??
    'sha-256';
  let micBytes: Uint8Array | undefined;

  if (opts.compress === 'before-sign') entity = compressedEntity(entity);
  if (opts.sign) {
    const digestAlgorithm = opts.sign.digestAlgorithm ?? 'sha-256';
    // RFC 4130 §7.3.1: the MIC of a signed message covers the signed entity, headers included.
    micBytes = entity;
    const signature = signDetached(entity, {
      privateKey: opts.sign.privateKey,
      certificate: opts.sign.certificate,
      digestAlgorithm,
      ...(opts.sign.pss ? { pss: true } : {}),
    });
    const boundary = newBoundary('Signed');
    const contentType = formatParameterized('multipart/signed', {
      protocol: 'application/pkcs7-signature',
      micalg: micAlgorithmName(digestAlgorithm, names),
      boundary,
    });
    entity = buildEntity([['Content-Type', contentType]], buildSignedBody(boundary, entity, signature));
  }
  if (opts.compress === 'after-sign') entity = compressedEntity(entity);
  if (opts.encrypt) {
    // Encrypted, unsigned: the MIC covers the entity before encryption.
    micBytes ??= entity;
    const der = encryptEnvelope(entity, {
      certificates: opts.encrypt.certificates,
      ...(opts.encrypt.algorithm ? { algorithm: opts.encrypt.algorithm } : {}),
      ...(opts.encrypt.keyTransport ? { keyTransport: opts.encrypt.keyTransport } : {}),
    });
    const smimeType = opts.encrypt.algorithm?.endsWith('-gcm') ? 'authEnveloped-data' : 'enveloped-data';
    entity = buildEntity(
      [
        ['Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m`],
        BINARY,
        ['Content-Disposition', 'attachment; filename="smime.p7m"'],
      ],
      der,
    );
  }
  // Neither signed nor encrypted: the MIC covers the content without headers.
  micBytes ??= payload;

  const outer = parseEntity(entity).value;
  const now = opts.now ?? new Date();
  const headers: Record<string, string> = {
    'AS2-Version': '1.2',
    'AS2-From': formatAs2Name(opts.as2From),
    'AS2-To': formatAs2Name(opts.as2To),
    'Message-ID': messageId,
    Date: now.toUTCString(),
    'MIME-Version': '1.0',
    Subject: encodeHeaderText(opts.subject ?? 'AS2 message'),
  };
  for (const h of outer.headers) headers[h.name] = h.value;
  if (opts.mdn) {
    headers['Disposition-Notification-To'] = opts.mdn.asyncUrl ?? formatAs2Name(opts.as2From);
    if (opts.mdn.signed) {
      headers['Disposition-Notification-Options'] =
        `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micAlgorithmName(micAlgorithm, names)}`;
    }
    if (opts.mdn.asyncUrl) headers['Receipt-Delivery-Option'] = opts.mdn.asyncUrl;
  }
  if (headerValue(outer.headers, 'content-type') === undefined) headers['Content-Type'] = opts.contentType;
  return {
    headers,
    body: outer.body,
    messageId,
    mic: { digest: computeMic(micBytes, micAlgorithm), algorithm: micAlgorithmName(micAlgorithm, names) },
  };
}
