import type http from 'node:http';
import { buildMessage, parseMdn } from '@edigate/as2';
import type { Archive, ArchivedEntry } from '../archive.js';
import type { HomeConfig, PartnerProfile } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { JobQueue, Recorder } from '../recorder.js';
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
  const prepared = await prepareOutbound({ ...opts, url, status: 'sending' });
  const { built, recorded } = prepared;
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
  return settleResponse({ ...opts, built, rowId: recorded.id, response, attempts, ...(log ? { log } : {}) });
}

/** A built, archived and recorded outbound message. */
interface Prepared {
  built: ReturnType<typeof buildMessage>;
  recorded: { id: number };
  /** Archive entry of the built message (header block + body), when archived. */
  entry?: { location: string };
}

/** Builds the message per profile, archives it (when an archive is given) and records it. */
async function prepareOutbound(opts: SendMessageOptions & { url: string; status: string }): Promise<Prepared> {
  const { partner, config } = opts;
  const as2 = partner.as2!;
  const ourKey = config.as2.keys[0];
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
  let entry: { location: string } | undefined;
  if (opts.archive) {
    entry = await opts.archive.put('as2-outbound', Buffer.from(headerBlock(built.headers), 'latin1'), built.body);
    archiveId = (await opts.recorder.recordArchive({ ...(entry as ArchivedEntry), kind: 'as2-outbound' })).id;
  }
  const recorded = await opts.recorder.recordAs2Message({
    direction: 'outbound',
    partnerId: partner.id,
    messageId: built.messageId,
    as2From: config.as2.id,
    as2To: as2.id,
    ...(opts.subject ? { subject: opts.subject } : {}),
    status: opts.status,
    mic: built.mic.digest,
    micAlgorithm: built.mic.algorithm,
    mdnMode: as2.mdn.async ? 'async' : 'sync',
    mdnSigned: as2.mdn.signed,
    ...(as2.mdn.async ? { mdnUrl: as2.mdn.async } : {}),
    ...(archiveId !== undefined ? { archiveId } : {}),
  });
  return { built, recorded, ...(entry ? { entry } : {}) };
}

/** Reads what the partner answered: async (wait for the MDN), or the sync MDN checked against our MIC. */
async function settleResponse(
  opts: Pick<SendMessageOptions, 'partner' | 'recorder' | 'archive'> & {
    built: { messageId: string; mic: { digest: string; algorithm: string } };
    rowId: number;
    response: HttpResponse;
    attempts: number;
    log?: Logger;
  },
): Promise<SendResult> {
  const { built, response, attempts, log } = opts;
  const as2 = opts.partner.as2!;
  const recorded = { id: opts.rowId };
  const base = { messageId: built.messageId, as2MessageRowId: opts.rowId, mic: built.mic };
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

/** The outbound send job queue (the ledger's retry policy for `as2.send` applies). */
export const OUTBOUND_QUEUE = 'as2.send';

/** Data of an outbound send job: everything needed to POST the same bytes again. */
export interface OutboundJob {
  as2MessageRowId: number;
  partnerId: string;
  messageId: string;
  url: string;
  /** Archive location of the built message (header block + body). */
  location: string;
  mic: { digest: string; algorithm: string };
}

/**
 * Queues one payload for a partner: the message is built, archived and
 * recorded (`queued`) now, so every attempt posts the same bytes with the
 * same Message-ID; a durable job delivers it ({@link startOutboundWorker}).
 */
export async function enqueueSend(
  opts: Omit<SendMessageOptions, 'retry' | 'sleep' | 'agent' | 'archive'> & { archive: Archive; jobs: JobQueue },
): Promise<{ messageId: string; as2MessageRowId: number }> {
  const as2 = opts.partner.as2;
  if (!as2) throw new Error(`partner ${opts.partner.id} has no as2 block`);
  const url = opts.url ?? as2.url;
  if (!url) throw new Error(`partner ${opts.partner.id} has no as2.url`);
  const { built, recorded, entry } = await prepareOutbound({ ...opts, url, status: 'queued' });
  const job: OutboundJob = {
    as2MessageRowId: recorded.id,
    partnerId: opts.partner.id,
    messageId: built.messageId,
    url,
    location: entry!.location,
    mic: built.mic,
  };
  await opts.jobs.send(OUTBOUND_QUEUE, job, { retryLimit: as2.retry.maxAttempts - 1, retryBackoff: true });
  return { messageId: built.messageId, as2MessageRowId: recorded.id };
}

/** Splits an archived `header block + body` back into headers and body. */
function splitArchived(stored: Buffer): { headers: Record<string, string>; body: Buffer } {
  const at = stored.indexOf('\r\n\r\n');
  const head = stored.subarray(0, at).toString('latin1');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return { headers, body: stored.subarray(at + 4) };
}

/**
 * Delivers queued sends: one POST per job attempt. A network error, 408, 429
 * or 5xx throws, so the job queue retries it with backoff; any other status
 * is final. The ledger row is updated either way.
 */
export async function startOutboundWorker(deps: {
  jobs: JobQueue;
  archive: Archive;
  recorder: Recorder;
  partnerById: (id: string) => PartnerProfile | undefined;
  log: Logger;
}): Promise<void> {
  await deps.jobs.work(OUTBOUND_QUEUE, async (data) => {
    const job = data as OutboundJob;
    const partner = deps.partnerById(job.partnerId);
    const log = deps.log.child({
      partnerId: job.partnerId,
      messageId: job.messageId,
      as2MessageRowId: job.as2MessageRowId,
    });
    if (!partner?.as2) {
      await deps.recorder.updateAs2Message(job.as2MessageRowId, {
        status: 'failed',
        error: 'partner no longer configured',
      });
      return;
    }
    const { headers, body } = splitArchived(await deps.archive.read(job.location));
    let response: HttpResponse;
    try {
      response = await httpPost({
        url: job.url,
        headers,
        body,
        timeoutMs: partner.as2.timeout,
        ...(partner.as2.tls ? { tls: partner.as2.tls } : {}),
      });
    } catch (err) {
      await deps.recorder.updateAs2Message(job.as2MessageRowId, {
        status: 'retrying',
        error: errorSummary(err).message,
      });
      log.warn({ err: errorSummary(err) }, 'as2 send failed; will retry');
      throw err;
    }
    if (response.status < 200 || response.status >= 300) {
      const error = `HTTP ${response.status}`;
      if (retryable(response.status)) {
        await deps.recorder.updateAs2Message(job.as2MessageRowId, { status: 'retrying', error });
        throw new Error(error);
      }
      await deps.recorder.updateAs2Message(job.as2MessageRowId, { status: 'failed', error });
      log.warn({ status: response.status }, 'as2 send refused');
      return;
    }
    await settleResponse({
      partner,
      recorder: deps.recorder,
      archive: deps.archive,
      built: { messageId: job.messageId, mic: job.mic },
      rowId: job.as2MessageRowId,
      response,
      attempts: 1,
      log,
    });
  });
}
