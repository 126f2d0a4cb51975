import type http from 'node:http';
import { buildMessage, parseMdn } from '@edigate/as2';
import type { Archive } from '../archive.js';
import type { HomeConfig, PartnerProfile } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { Recorder } from '../recorder.js';
import { httpPost, type HttpResponse } from './httpClient.js';
import { errorSummary, headerBlock } from './inbound.js';

/** The retry policy of an outbound transfer (playbook: `file.transfer 5 / 600000 / full`). */
export interface RetryPolicy {
  maxAttempts: number;
  /** Cap of the exponential backoff, ms. */
  backoffCap: number;
  /** First wait, ms; doubles each attempt. */
  backoffBase: number;
}

/** Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform draw in [0, min(cap, base·2^attempt)]. */
export function fullJitterDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.backoffCap, policy.backoffBase * 2 ** attempt));
}

/** Options of {@link sendMessage}. */
export interface SendMessageOptions {
  config: Pick<HomeConfig, 'as2'>;
  partner: PartnerProfile;
  payload: Uint8Array;
  /** Default `application/edi-x12` when the partner has x12 ids, else `application/edifact`, else `application/octet-stream`. */
  contentType?: string;
  filename?: string;
  subject?: string;
  /** Override the partner's URL (tests, one-off sends). */
  url?: string;
  recorder: Recorder;
  archive?: Archive;
  log?: Logger;
  /** Override the partner's retry policy. */
  retry?: Partial<RetryPolicy>;
  /** Keep-alive agent. */
  agent?: http.Agent;
  /** Waits between attempts (tests hand in a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

/** How a send ended. */
export interface SendResult {
  messageId: string;
  as2MessageRowId: number;
  /** `delivered`: a good MDN with a matching MIC (or no MDN asked). `awaiting-mdn`: async MDN requested. `rejected`: negative or untrustworthy MDN. `failed`: no HTTP success after every attempt. */
  status: 'delivered' | 'awaiting-mdn' | 'rejected' | 'failed';
  attempts: number;
  httpStatus?: number;
  mic: { digest: string; algorithm: string };
  mdn?: { disposition?: string; signed: boolean; signatureValid?: boolean; micMatches?: boolean; error?: string };
  error?: string;
}

function defaultContentType(p: PartnerProfile): string {
  if (p.x12) return 'application/edi-x12';
  if (p.edifact) return 'application/edifact';
  return 'application/octet-stream';
}

const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * Sends one payload to a partner over AS2: builds the message per the
 * profile (sign, encrypt, compress) with @edigate/as2 `buildMessage`, records
 * and archives it, POSTs it with retries (exponential backoff, full jitter; a
 * 4xx other than 408/429 is final), and checks the sync MDN: signature,
 * disposition, and Received-Content-MIC against ours. The ledger row says
 * how it ended. Never throws for network or partner trouble.
 */
export async function sendMessage(opts: SendMessageOptions): Promise<SendResult> {
  const { partner, config } = opts;
  const as2 = partner.as2;
  if (!as2) throw new Error(`partner ${partner.id} has no as2 block`);
  const url = opts.url ?? as2.url;
  if (!url) throw new Error(`partner ${partner.id} has no as2.url`);
  const ourKey = config.as2.keys[0];
  if (!ourKey && as2.sign) throw new Error('no key of ours to sign with');
  const policy: RetryPolicy = { ...as2.retry, ...opts.retry };
  const built = buildMessage(opts.payload, {
    as2From: config.as2.id,
    as2To: as2.id,
    contentType: opts.contentType ?? defaultContentType(partner),
    ...(opts.filename ? { filename: opts.filename } : {}),
    ...(opts.subject ? { subject: opts.subject } : {}),
    ...(as2.sign && ourKey
      ? {
          sign: {
            privateKey: ourKey.privateKey,
            certificate: ourKey.certificate,
            digestAlgorithm: as2.signingAlgorithm,
          },
        }
      : {}),
    // During the partner's rollover the first listed certificate is the current one.
    ...(as2.encrypt
      ? {
          encrypt: {
            certificates: as2.certificates.slice(0, 1),
            algorithm: as2.encryptionAlgorithm,
            keyTransport: as2.keyTransport,
          },
        }
      : {}),
    ...(as2.compress ? { compress: as2.compress } : {}),
    mdn: {
      signed: as2.mdn.signed,
      micAlgorithm: as2.signingAlgorithm,
      ...(as2.mdn.async ? { asyncUrl: as2.mdn.async } : {}),
    },
    ...(as2.micalgNames ? { micalgNames: as2.micalgNames } : {}),
  });
  let archiveId: number | undefined;
  if (opts.archive) {
    const entry = await opts.archive.put('as2-outbound', Buffer.from(headerBlock(built.headers), 'latin1'), built.body);
    archiveId = (await opts.recorder.recordArchive({ ...entry, kind: 'as2-outbound' })).id;
  }
  const recorded = await opts.recorder.recordAs2Message({
    direction: 'outbound',
    partnerId: partner.id,
    messageId: built.messageId,
    as2From: config.as2.id,
    as2To: as2.id,
    ...(opts.subject ? { subject: opts.subject } : {}),
    status: 'sending',
    mic: built.mic.digest,
    micAlgorithm: built.mic.algorithm,
    mdnMode: as2.mdn.async ? 'async' : 'sync',
    mdnSigned: as2.mdn.signed,
    ...(as2.mdn.async ? { mdnUrl: as2.mdn.async } : {}),
    ...(archiveId !== undefined ? { archiveId } : {}),
  });
  const log = opts.log?.child({ partnerId: partner.id, messageId: built.messageId, as2MessageRowId: recorded.id });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = { messageId: built.messageId, as2MessageRowId: recorded.id, mic: built.mic };

  let response: HttpResponse | undefined;
  let lastError = '';
  let attempts = 0;
  while (attempts < policy.maxAttempts) {
    if (attempts > 0) await sleep(fullJitterDelay(policy, attempts - 1));
    attempts++;
    try {
      const res = await httpPost({
        url,
        headers: built.headers,
        body: built.body,
        timeoutMs: as2.timeout,
        ...(as2.tls ? { tls: as2.tls } : {}),
        ...(opts.agent ? { agent: opts.agent } : {}),
      });
      if (res.status >= 200 && res.status < 300) {
        response = res;
        break;
      }
      lastError = `HTTP ${res.status}`;
      log?.warn({ attempt: attempts, status: res.status }, 'as2 send answered with an error status');
      if (!retryable(res.status)) break;
    } catch (err) {
      lastError = errorSummary(err).message;
      log?.warn({ attempt: attempts, err: errorSummary(err) }, 'as2 send failed');
    }
  }
  if (!response) {
    await opts.recorder.updateAs2Message(recorded.id, {
      status: 'failed',
      error: `${lastError} after ${attempts} attempt(s)`,
    });
    return { ...base, status: 'failed', attempts, error: lastError };
  }
  if (as2.mdn.async) {
    await opts.recorder.updateAs2Message(recorded.id, { status: 'awaiting-mdn' });
    return { ...base, status: 'awaiting-mdn', attempts, httpStatus: response.status };
  }
  const mdn = parseMdn(
    { headers: response.headers, body: response.body },
    {
      partnerCertificates: as2.certificates,
      expectedMic: built.mic,
      requireSigned: as2.mdn.signed,
      allowExpiredCertificate: as2.allowExpiredCertificate,
    },
  );
  if (opts.archive && response.body.length > 0) {
    const flat = Object.fromEntries(
      Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const entry = await opts.archive.put('mdn-received', Buffer.from(headerBlock(flat), 'latin1'), response.body);
    await opts.recorder.recordArchive({ ...entry, kind: 'mdn-received' });
  }
  const good =
    !mdn.error &&
    mdn.disposition?.type === 'processed' &&
    (mdn.disposition.modifier === undefined || mdn.disposition.modifier === 'warning') &&
    mdn.micMatches !== false;
  const summary = {
    ...(mdn.dispositionText ? { disposition: mdn.dispositionText } : {}),
    signed: mdn.signed,
    ...(mdn.signatureValid !== undefined ? { signatureValid: mdn.signatureValid } : {}),
    ...(mdn.micMatches !== undefined ? { micMatches: mdn.micMatches } : {}),
    ...(mdn.error ? { error: `${mdn.error.code}: ${mdn.error.message}` } : {}),
  };
  await opts.recorder.updateAs2Message(recorded.id, {
    status: good ? 'delivered' : 'rejected',
    mdnReceivedAt: new Date(),
    ...(mdn.dispositionText ? { mdnDisposition: mdn.dispositionText } : {}),
    ...(mdn.micMatches !== undefined ? { mdnMicMatched: mdn.micMatches } : {}),
    ...(good ? {} : { error: summary.error ?? mdn.dispositionText ?? 'no usable MDN' }),
  });
  log?.info(
    { status: good ? 'delivered' : 'rejected', disposition: mdn.dispositionText, micMatches: mdn.micMatches },
    'as2 message sent',
  );
  return { ...base, status: good ? 'delivered' : 'rejected', attempts, httpStatus: response.status, mdn: summary };
}
