/**
 * Message Disposition Notifications for AS2 (RFC 4130 §7.4, RFC 3798):
 * build (multipart/report, optionally inside multipart/signed) and parse +
 * verify the MDNs partners send back for our outbound messages.
 */
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { signDetached, signDetachedAsync } from './cms/index.js';
import type { SignOptions } from './cms/types.js';
import { As2Error } from './errors.js';
import { verifySignedEntity } from './signedEntity.js';
import {
  buildEntity,
  buildMultipartBody,
  decodeBody,
  entityFromHeaders,
  formatParameterized,
  headersFromRecord,
  headerValue,
  parseEntity,
  parseEntityStrict,
  parseHeaderBlock,
  splitMultipart,
  type HeaderField,
  type MimeEntity,
} from './mime.js';
import {
  formatReceivedContentMic,
  micAlgorithmName,
  micEquals,
  parseReceivedContentMic,
  type MicAlgorithm,
  type MicalgNames,
} from './mic.js';

/** The disposition an MDN reports (RFC 3798 §3.2.6 as used by RFC 4130 §7.4.3). */
export interface MdnDisposition {
  type: 'processed' | 'failed';
  /** `error` / `warning` after `processed/`, `failure` after `failed/`. */
  modifier?: 'error' | 'warning' | 'failure';
  /** The modifier text: `decryption-failed`, `duplicate-document`, `unsupported MIC-algorithms`, … */
  description?: string;
}

/** The `Disposition:` field value for a disposition (automatic action, sent automatically). */
export function formatDisposition(d: MdnDisposition): string {
  let out = `automatic-action/MDN-sent-automatically; ${d.type}`;
  if (d.modifier) {
    // RFC 4130 §7.4.3 writes `processed/error: …`, `processed/warning: …` and `failed/Failure: …`.
    const word = d.modifier === 'failure' ? 'Failure' : d.modifier;
    out += `/${word}`;
    if (d.description) out += `: ${d.description}`;
  }
  return out;
}

/** Reads a `Disposition:` field value. Lenient about case and spaces. Undefined when there is no disposition type. */
export function parseDisposition(value: string | undefined): MdnDisposition | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  const rest = (semi === -1 ? value : value.slice(semi + 1)).trim();
  const m = /^(processed|failed|displayed|deleted|dispatched|denied)\s*(?:\/\s*([A-Za-z-]+)\s*(?::\s*(.*))?)?$/i.exec(
    rest,
  );
  if (!m) return undefined;
  const type = m[1]!.toLowerCase();
  const d: MdnDisposition = { type: type === 'processed' ? 'processed' : 'failed' };
  const modifier = m[2]?.toLowerCase();
  if (modifier === 'error' || modifier === 'warning' || modifier === 'failure') d.modifier = modifier;
  else if (modifier) d.modifier = 'error';
  const description = m[3]?.trim();
  if (description) d.description = description;
  if (type !== 'processed' && type !== 'failed' && !d.description) d.description = type;
  return d;
}

/** Options of {@link createMdn}. */
export interface CreateMdnOptions {
  /** The original message's Message-ID, echoed exactly as received (angle brackets and all). */
  originalMessageId: string;
  /** Our AS2 name: the original message's AS2-To. */
  as2From: string;
  /** The partner's AS2 name: the original message's AS2-From. */
  as2To: string;
  disposition: MdnDisposition;
  /** Received-Content-MIC; `algorithm` is written as given (already in the partner's spelling). */
  mic?: { digest: string; algorithm: string };
  /** Original-Recipient / Final-Recipient address; default `as2From`. */
  recipient?: string;
  /** Reporting-UA; default `edigate`. */
  reportingUa?: string;
  /** Message-ID of the MDN; default a new one. */
  messageId?: string;
  /** Clock for the Date header and the text; default now. */
  now?: Date;
  /** Sign the MDN (multipart/signed, RFC 4130 §7.4.2) with this key. */
  sign?: {
    privateKey: KeyObject | string;
    certificate: string;
    /** Default sha-256. */
    digestAlgorithm?: MicAlgorithm;
    /** Spelling of the micalg parameter; default RFC 5751 (`sha-256`). */
    micalgNames?: MicalgNames;
  };
}

/** An MDN ready to send: HTTP headers (Content-Type included) and the body. */
export interface BuiltMdn {
  headers: Record<string, string>;
  body: Buffer;
  messageId: string;
}

/** A new RFC 5322 Message-ID for a message or MDN we send. */
export function newMessageId(domain = 'edigate'): string {
  return `<${randomUUID()}@${domain}>`;
}

/** A boundary that cannot occur in base64 or in our header text. */
export function newBoundary(prefix: string): string {
  return `----=_${prefix}_${randomBytes(12).toString('hex')}`;
}

/**
 * `AS2-From` / `AS2-To` values (RFC 4130 §6.2): quoted when they contain
 * white space, `"` or `\`. Other specials (`@`, `.`) stay unquoted: products
 * in the field compare these names literally and send them that way. Line
 * breaks become spaces (no header injection).
 */
export function formatAs2Name(name: string): string {
  const oneLine = name.replace(/[\r\n]+/g, ' ');
  return /[\s"\\]/.test(oneLine) ? '"' + oneLine.replace(/[\\"]/g, (c) => '\\' + c) + '"' : oneLine;
}

/** Reads an `AS2-From` / `AS2-To` value: quotes and escapes removed. */
export function parseAs2Name(value: string | undefined): string {
  if (value === undefined) return '';
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

/**
 * Builds an MDN (RFC 4130 §7.4): multipart/report with a human-readable
 * part and a message/disposition-notification part; signed (multipart/signed)
 * when `sign` is given. Header values never contain payload bytes.
 */
export function createMdn(opts: CreateMdnOptions): BuiltMdn {
  const p = prepareMdn(opts);
  return 'built' in p ? p.built : p.finish(signDetached(p.entity, p.sign));
}

/**
 * {@link createMdn} with the signature's private-key operation in libuv's
 * thread pool (`crypto.sign` with a callback), so a server keeps its event
 * loop free for other requests while an MDN is signed. Same result.
 */
export async function createMdnAsync(opts: CreateMdnOptions): Promise<BuiltMdn> {
  const p = prepareMdn(opts);
  return 'built' in p ? p.built : p.finish(await signDetachedAsync(p.entity, p.sign));
}

/** An MDN without its signature: either complete (unsigned), or the entity to sign and how to finish. */
function prepareMdn(
  opts: CreateMdnOptions,
): { built: BuiltMdn } | { entity: Buffer; sign: SignOptions; finish(signature: Buffer): BuiltMdn } {
  const now = opts.now ?? new Date();
  const messageId = opts.messageId ?? newMessageId();
  const recipient = opts.recipient ?? opts.as2From;
  const disposition = formatDisposition(opts.disposition);
  const reportBoundary = newBoundary('Report');

  const outcome =
    opts.disposition.type === 'processed' && !opts.disposition.modifier
      ? 'has been received and processed successfully. This is no guarantee that the content was processed by the application.'
      : `was received, but processing reported: ${opts.disposition.type}${opts.disposition.description ? ` (${opts.disposition.description})` : ''}.`;
  const text =
    `The AS2 message ${oneLine(opts.originalMessageId)} sent to ${oneLine(recipient)} ` +
    `on ${now.toUTCString()} ${outcome}\r\n`;
  const humanPart = buildEntity(
    [
      ['Content-Type', 'text/plain; charset=us-ascii'],
      ['Content-Transfer-Encoding', '7bit'],
    ],
    Buffer.from(text, 'latin1'),
  );
  const fields: [string, string][] = [
    ['Reporting-UA', opts.reportingUa ?? 'edigate'],
    ['Original-Recipient', `rfc822; ${oneLine(recipient)}`],
    ['Final-Recipient', `rfc822; ${oneLine(recipient)}`],
    ['Original-Message-ID', oneLine(opts.originalMessageId)],
  ];
  if (opts.mic) fields.push(['Received-Content-MIC', formatReceivedContentMic(opts.mic)]);
  fields.push(['Disposition', disposition]);
  const notification = fields.map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const machinePart = buildEntity(
    [
      ['Content-Type', 'message/disposition-notification'],
      ['Content-Transfer-Encoding', '7bit'],
    ],
    Buffer.from(notification, 'latin1'),
  );
  const reportType = formatParameterized('multipart/report', {
    'report-type': 'disposition-notification',
    boundary: reportBoundary,
  });
  const reportBody = buildMultipartBody(reportBoundary, [humanPart, machinePart]);

  const headers: Record<string, string> = {
    'AS2-Version': '1.2',
    'AS2-From': formatAs2Name(opts.as2From),
    'AS2-To': formatAs2Name(opts.as2To),
    'Message-ID': messageId,
    Date: now.toUTCString(),
    'MIME-Version': '1.0',
    Subject: 'Message Disposition Notification',
  };
  if (!opts.sign) {
    headers['Content-Type'] = reportType;
    return { built: { headers, body: reportBody, messageId } };
  }
  const digestAlgorithm = opts.sign.digestAlgorithm ?? 'sha-256';
  const reportEntity = buildEntity([['Content-Type', reportType]], reportBody);
  const micalg = micAlgorithmName(digestAlgorithm, opts.sign.micalgNames);
  return {
    entity: reportEntity,
    sign: { privateKey: opts.sign.privateKey, certificate: opts.sign.certificate, digestAlgorithm },
    finish(signature) {
      const signedBoundary = newBoundary('Signed');
      headers['Content-Type'] = formatParameterized('multipart/signed', {
        protocol: 'application/pkcs7-signature',
        micalg,
        boundary: signedBoundary,
      });
      return { headers, body: buildSignedBody(signedBoundary, reportEntity, signature), messageId };
    },
  };
}

/** The body of a multipart/signed (RFC 1847 §2.1): the signed entity, then the base64 signature part. */
export function buildSignedBody(boundary: string, signedEntity: Buffer, signature: Buffer): Buffer {
  const sigPart = buildEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name=smime.p7s; smime-type=signed-data'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    Buffer.from(signature.toString('base64').replace(/(.{76})/g, '$1\r\n'), 'latin1'),
  );
  return buildMultipartBody(boundary, [signedEntity, sigPart]);
}

/** No line breaks in a header value we write (values come from the partner). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** Options of {@link parseMdn}. */
export interface ParseMdnOptions {
  /** The partner's certificates, PEM; a signed MDN must verify against one of them. */
  partnerCertificates: string[];
  /** The MIC we computed when sending; compared with Received-Content-MIC. */
  expectedMic?: { digest: string; algorithm: string };
  /** Treat an unsigned MDN as an error (`insufficient-message-security`). */
  requireSigned?: boolean;
  /** Clock for certificate validity; default now. */
  now?: Date;
  /** Accept the partner's expired certificate. */
  allowExpiredCertificate?: boolean;
}

/** What an MDN said, and whether it can be trusted. */
export interface ParsedMdn {
  /** Original-Message-ID as written in the MDN. */
  originalMessageId?: string;
  /** The disposition; undefined when the MDN had none we could read. */
  disposition?: MdnDisposition;
  /** The `Disposition:` field value as written. */
  dispositionText?: string;
  receivedMic?: { digest: string; algorithm: string };
  /** The MDN was a multipart/signed. */
  signed: boolean;
  /** Only when signed: the signature verified against the partner's certificate. */
  signatureValid?: boolean;
  /** Only when `expectedMic` was given and the MDN carries a MIC. */
  micMatches?: boolean;
  /** The MDN's own Message-ID, AS2-From and AS2-To (from the HTTP headers). */
  messageId?: string;
  as2From?: string;
  as2To?: string;
  /** The human-readable part, when present. */
  text?: string;
  /**
   * Why the MDN cannot be taken as a good receipt: unreadable
   * (`unexpected-processing-error`), bad signature (`authentication-failed`),
   * unsigned though required (`insufficient-message-security`), MIC mismatch
   * (`integrity-check-failed`). A negative disposition is not an error here:
   * read `disposition`.
   */
  error?: As2Error;
}

/**
 * Reads an MDN a partner sent for one of our messages (sync HTTP response or
 * async POST), verifies its signature and compares its MIC. Never throws.
 */
export function parseMdn(
  input: { headers: Readonly<Record<string, string | string[] | undefined>>; body: Uint8Array },
  opts: ParseMdnOptions,
): ParsedMdn {
  try {
    return parseMdnUnsafe(input, opts);
  } catch (cause) {
    return {
      signed: false,
      error: new As2Error('unexpected-processing-error', 'the MDN could not be read', { cause }),
    };
  }
}

function parseMdnUnsafe(
  input: { headers: Readonly<Record<string, string | string[] | undefined>>; body: Uint8Array },
  opts: ParseMdnOptions,
): ParsedMdn {
  const httpHeaders = headersFromRecord(input.headers);
  let entity: MimeEntity =
    headerValue(httpHeaders, 'content-type') !== undefined
      ? entityFromHeaders(httpHeaders, input.body)
      : (parseEntityStrict(input.body) ?? entityFromHeaders(httpHeaders, input.body));
  const out: ParsedMdn = { signed: false };
  const messageId = headerValue(httpHeaders, 'message-id');
  if (messageId !== undefined) out.messageId = messageId;
  const as2From = headerValue(httpHeaders, 'as2-from');
  if (as2From !== undefined) out.as2From = parseAs2Name(as2From);
  const as2To = headerValue(httpHeaders, 'as2-to');
  if (as2To !== undefined) out.as2To = parseAs2Name(as2To);

  if (entity.contentType.type === 'multipart/signed') {
    out.signed = true;
    const v = verifySignedEntity(entity, {
      certificates: opts.partnerCertificates,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.allowExpiredCertificate ? { allowExpired: true } : {}),
    });
    out.signatureValid = v.ok;
    if (!v.content) {
      out.error = new As2Error('unexpected-processing-error', 'signed MDN without both parts', {
        cause: v.ok ? undefined : v.error,
      });
      return out;
    }
    if (!v.ok) out.error = v.error;
    entity = v.content;
  } else if (opts.requireSigned) {
    out.error = new As2Error('insufficient-message-security', 'the MDN is not signed');
  }

  if (entity.contentType.type !== 'multipart/report') {
    out.error ??= new As2Error(
      'unexpected-processing-error',
      `an MDN must be multipart/report, not ${entity.contentType.type}`,
    );
    return out;
  }
  const report = splitMultipart(entity.body, entity.contentType.params.boundary ?? '');
  let notificationFields: HeaderField[] | undefined;
  for (const part of report.value.parts) {
    const p = parseEntity(part).value;
    const body = decodeBody(p.body, p.transferEncoding).value;
    if (p.contentType.type === 'message/disposition-notification') {
      notificationFields = parseHeaderBlock(Buffer.concat([body, Buffer.from('\r\n\r\n')])).value.headers;
    } else if (p.contentType.type === 'text/plain' && out.text === undefined) {
      out.text = body.toString('latin1');
    }
  }
  if (!notificationFields) {
    out.error ??= new As2Error('unexpected-processing-error', 'the MDN has no message/disposition-notification part');
    return out;
  }
  const original = headerValue(notificationFields, 'original-message-id');
  if (original !== undefined) out.originalMessageId = original;
  const dispositionText = headerValue(notificationFields, 'disposition');
  if (dispositionText !== undefined) out.dispositionText = dispositionText;
  const disposition = parseDisposition(dispositionText);
  if (disposition) out.disposition = disposition;
  else out.error ??= new As2Error('unexpected-processing-error', 'the MDN has no readable Disposition');
  const mic = parseReceivedContentMic(headerValue(notificationFields, 'received-content-mic'));
  if (mic) out.receivedMic = mic;
  if (opts.expectedMic && mic) {
    out.micMatches = micEquals(mic, opts.expectedMic);
    if (!out.micMatches && disposition?.type === 'processed' && !disposition.modifier) {
      out.error ??= new As2Error('integrity-check-failed', 'the MDN reports a different MIC than we sent');
    }
  }
  return out;
}
