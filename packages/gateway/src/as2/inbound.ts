import type { PrivateDecryptFunction } from '@edigate/as2';
import type { Archive, ArchivedEntry } from '../archive.js';
import { HttpError } from '../httpError.js';
import type { Logger } from '../logger.js';
import type { ArchiveRecordInput, As2MessageCompletion, JobQueue, RecordedMessage, Recorder } from '../recorder.js';
import type { PartnerProfile } from '../config/load.js';
import { unquoteAs2Name, type PartnerDirectory, type PartnerSecuritySettings } from './partners.js';

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The part of @edigate/as2's `ReceiveResult` the gateway reads. */
export interface ReceiveOutcome {
  messageId: string;
  payload?: { content: Buffer; contentType: string; filename?: string };
  signed: boolean;
  encrypted: boolean;
  compressed: boolean;
  mic?: { digest: string; algorithm: string };
  disposition: { type: 'processed' | 'failed'; modifier?: 'error' | 'warning' | 'failure'; description?: string };
  error?: Error & { code: string };
  mdnRequest?: { signed: boolean; micAlgorithms: string[]; async?: { url: string } };
  buildMdn(): Promise<{ headers: Record<string, string>; body: Buffer }>;
}

/** @edigate/as2's `receiveMessage`, as the gateway calls it. */
export type ReceiveFunction = (
  input: { headers: RequestHeaders; body: Uint8Array },
  ctx: {
    findPartner(as2From: string, as2To: string): PartnerSecuritySettings | undefined;
    isDuplicate?(messageId: string, partnerId: string): Promise<boolean> | boolean;
    now?: Date;
    privateDecrypt?: PrivateDecryptFunction;
  },
) => Promise<ReceiveOutcome>;

/** A payload handed to the rest of the pipeline (EDI parse, ledger, maps, acks). */
export interface InboundPayload {
  partner: PartnerProfile;
  messageId: string;
  as2MessageRowId: number;
  content: Buffer;
  contentType: string;
  filename?: string;
  archiveId: number;
}

/** What the inbound handler needs. */
export interface InboundDeps {
  partners: PartnerDirectory;
  archive: Archive;
  recorder: Recorder;
  jobs: JobQueue;
  log: Logger;
  receive: ReceiveFunction;
  /** Called after the MDN is decided, for each new (not duplicate) payload. */
  onPayload?: (p: InboundPayload) => Promise<void>;
  /** Async MDN delivery retries (default 5). */
  asyncMdnRetries?: number;
  /** The answer also waits for the payload's own archive file (default: for the raw request only, which holds it). */
  syncPayloadBeforeMdn?: boolean;
  /** Runs decryption's RSA private-key operations off the event loop (see `RsaPool`); default: on it. */
  privateDecrypt?: PrivateDecryptFunction;
}

/** An HTTP answer, framework-free. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Work to run once the answer is sent (ledger bookkeeping, handing the payload on). */
  after?: () => Promise<void>;
}

/** The async MDN job queue name. */
export const ASYNC_MDN_QUEUE = 'as2.mdn';

/** Data of an async MDN job. */
export interface AsyncMdnJob {
  as2MessageRowId: number;
  url: string;
  /** Archive location of the MDN body. */
  mdnLocation: string;
  headers: Record<string, string>;
  partnerId: string;
}

const header = (h: RequestHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Checks who is talking to us before any cryptography: AS2-From must be a
 * known partner and AS2-To must be us. No MDN can be signed for a stranger,
 * so these are plain HTTP refusals.
 */
export function identify(
  partners: PartnerDirectory,
  headers: RequestHeaders,
): { partner: PartnerProfile; as2From: string; as2To: string } {
  const as2From = unquoteAs2Name(headers['as2-from']);
  const as2To = unquoteAs2Name(headers['as2-to']);
  if (!as2From || !as2To)
    throw new HttpError('MISSING_AS2_HEADERS', 'AS2-From and AS2-To headers are required (RFC 4130 §6.2)');
  if (!partners.isUs(as2To))
    throw new HttpError('UNKNOWN_RECIPIENT', `AS2-To ${JSON.stringify(as2To)} is not this gateway`);
  const partner = partners.byAs2Name(as2From);
  if (!partner?.as2)
    throw new HttpError('UNKNOWN_PARTNER', `AS2-From ${JSON.stringify(as2From)} is not a known partner`);
  return { partner, as2From, as2To };
}

/**
 * The AS2 receive path after the raw request is archived: identify, unwrap
 * (decrypt, verify, decompress, MIC) through @edigate/as2, dedupe by
 * Message-ID, record, archive the payload, answer with the MDN (sync) or
 * queue it (async). Never throws for bad input: failures become MDNs or
 * {@link HttpError}s.
 */
export async function handleInbound(
  deps: InboundDeps,
  req: {
    headers: RequestHeaders;
    body: Buffer;
    /**
     * The raw request's archive entry (hash, location, size, kind, media
     * type), recorded here with the message row; the unwrap does not wait for it.
     */
    rawEntry: Promise<ArchiveRecordInput>;
    /** The archive row of the raw request, once recorded (for the caller's logs). */
    onArchiveId?: (id: number) => void;
  },
): Promise<HttpReply> {
  const { rawEntry } = req;
  let partner: PartnerProfile, as2From: string, as2To: string;
  try {
    ({ partner, as2From, as2To } = identify(deps.partners, req.headers));
    const limit = partner.as2!.maxBodySize;
    if (limit !== undefined && req.body.length > limit)
      throw new HttpError('PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes allowed for this partner`);
  } catch (err) {
    // Refused before any message row: the raw request is still indexed.
    req.onArchiveId?.((await deps.recorder.recordArchive(await rawEntry)).id);
    throw err;
  }
  const security = deps.partners.security(partner)!;
  const headerMessageId = header(req.headers, 'message-id')?.trim();
  const subject = header(req.headers, 'subject');
  // Recorded before unwrapping: the row exists whatever happens next, and the
  // ledger's unique index decides duplicates even across replicas. A repeat of
  // a message that failed, or that never got past `received` (a crash while
  // processing), is the partner retrying, not a duplicate; a payload processed
  // twice that way is still caught by the interchange control-number dedupe.
  // The insert runs while the message is unwrapped; the unwrap asks for its
  // outcome (isDuplicate) only once the signature is checked.
  // One statement records the raw request's archive entry and the message row.
  const recording = rawEntry.then((entry) =>
    deps.recorder.recordAs2Request(entry, {
      direction: 'inbound',
      partnerId: partner.id,
      messageId: headerMessageId || `(no-message-id)-${entry.sha256}`,
      as2From,
      as2To,
      ...(subject ? { subject } : {}),
      status: 'received',
      ...mdnRequestOf(req.headers),
    }),
  );
  recording.then((r) => req.onArchiveId?.(r.archiveId)).catch(() => undefined); // awaited below
  const isRepeat = (r: RecordedMessage) =>
    r.duplicate && r.original.status !== 'failed' && r.original.status !== 'received';
  let unwrapped: ReceiveOutcome;
  try {
    unwrapped = await deps.receive(
      { headers: req.headers, body: req.body },
      {
        findPartner: (from, to) =>
          deps.partners.byAs2Name(from) === partner && deps.partners.isUs(to) ? security : undefined,
        isDuplicate: async () => isRepeat(await recording),
        ...(deps.privateDecrypt ? { privateDecrypt: deps.privateDecrypt } : {}),
      },
    );
  } catch (err) {
    const recorded = await recording;
    await deps.recorder
      .updateAs2Message(recorded.id, { status: 'failed', error: errorSummary(err).message })
      .catch(() => undefined);
    throw err;
  }
  const recorded = await recording;
  const duplicate = isRepeat(recorded);
  try {
    const result = unwrapped;
    const messageId = result.messageId || headerMessageId || '';
    const failed =
      result.disposition.type === 'failed' ||
      result.disposition.modifier === 'error' ||
      result.disposition.modifier === 'failure';
    const dispositionText = `${result.disposition.type}${result.disposition.modifier ? `/${result.disposition.modifier}: ${result.disposition.description ?? ''}` : ''}`;
    const mdnMode = result.mdnRequest ? (result.mdnRequest.async ? 'async' : 'sync') : 'none';
    const log = deps.log.child({ partnerId: partner.id, messageId, as2MessageRowId: recorded.id });
    const update: As2MessageCompletion = {
      status: failed ? 'failed' : duplicate ? 'duplicate' : 'processed',
      ...(failed ? { error: result.error?.message ?? result.disposition.description ?? 'failed' } : {}),
      ...(result.mic ? { mic: result.mic.digest, micAlgorithm: result.mic.algorithm } : {}),
    };

    // The answer waits for the raw request to be durable (server.ts): it holds
    // the payload, and every step can be re-run from it (ARCHITECTURE.md,
    // replay), so "processed" never names bytes we could lose. The payload's
    // own file is written once the answer is out and is durable before the
    // payload is handed on; with `archive.syncPayloadBeforeMdn` the answer
    // waits for it too (docs/as2.md, "The receive path and the archive").
    const payloadContent = result.payload && !failed && !duplicate ? result.payload.content : undefined;
    const payloadWrite =
      payloadContent && deps.syncPayloadBeforeMdn ? deps.archive.put('payload', payloadContent) : undefined;
    payloadWrite?.catch(() => undefined); // awaited below; an early failure must not count as unhandled
    log.info(
      {
        disposition: dispositionText,
        signed: result.signed,
        encrypted: result.encrypted,
        compressed: result.compressed,
        bytes: req.body.length,
        mdn: mdnMode,
        duplicate,
      },
      'as2 message received',
    );

    let reply: HttpReply;
    let mdnEntry: ArchivedEntry | undefined;
    const builtMdn = result.mdnRequest ? result.buildMdn() : undefined;
    builtMdn?.catch(() => undefined); // awaited below
    const payloadSynced = await payloadWrite;
    if (!result.mdnRequest) {
      reply = {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: Buffer.from(`${dispositionText}\n`),
      };
    } else {
      const mdn = (await builtMdn)!;
      update.mdnDisposition = dispositionText;
      if (result.mdnRequest.async) {
        // The job points at the archived MDN, so the MDN is on disk before the job exists.
        mdnEntry = await deps.archive.put('mdn', Buffer.from(headerBlock(mdn.headers), 'latin1'), mdn.body);
        const job: AsyncMdnJob = {
          as2MessageRowId: recorded.id,
          url: result.mdnRequest.async.url,
          mdnLocation: mdnEntry.location,
          headers: mdn.headers,
          partnerId: partner.id,
        };
        await deps.jobs.send(ASYNC_MDN_QUEUE, job, {
          retryLimit: deps.asyncMdnRetries ?? 5,
          retryDelaySeconds: 5,
          retryBackoff: true,
        });
        reply = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.alloc(0) };
      } else {
        update.mdnSentAt = new Date();
        reply = { status: 200, headers: mdn.headers, body: mdn.body };
        const sent = mdn;
        reply.after = async () => {
          mdnEntry = await deps.archive.put('mdn', Buffer.from(headerBlock(sent.headers), 'latin1'), sent.body);
        };
      }
    }

    // Bookkeeping that does not decide the answer runs after it is sent: the
    // raw request is already on disk, so a crash here loses no data, only
    // files and index rows that a replay of the archive restores.
    const before = reply.after;
    reply.after = async () => {
      const laterWrite = payloadSynced || !payloadContent ? undefined : deps.archive.put('payload', payloadContent);
      laterWrite?.catch(() => undefined); // awaited below
      if (before) await before();
      let payloadEntry = payloadSynced;
      if (laterWrite) {
        try {
          payloadEntry = await laterWrite;
        } catch (err) {
          // The MDN is out and the raw request is on disk: the payload is not lost, but it goes no further until replayed.
          log.error({ err: errorSummary(err) }, 'the payload could not be archived; replay the raw request');
          update.error = `payload not archived: ${errorSummary(err).message}`;
        }
      }
      // One statement: the final state, and the payload's and MDN's archive entries.
      const { payloadArchiveId } = await deps.recorder.completeAs2Message(recorded.id, update, {
        ...(payloadEntry && result.payload
          ? { payload: { ...payloadEntry, kind: 'payload', mediaType: result.payload.contentType } }
          : {}),
        ...(mdnEntry ? { mdn: { ...mdnEntry, kind: 'mdn' } } : {}),
      });
      if (payloadArchiveId !== undefined && result.payload && deps.onPayload) {
        const payload: InboundPayload = {
          partner,
          messageId,
          as2MessageRowId: recorded.id,
          content: result.payload.content,
          contentType: result.payload.contentType,
          ...(result.payload.filename ? { filename: result.payload.filename } : {}),
          archiveId: payloadArchiveId,
        };
        deps
          .onPayload(payload)
          .catch((err: unknown) => log.error({ err: errorSummary(err) }, 'payload processing failed'));
      }
    };
    return reply;
  } catch (err) {
    // A row left at `received` would make the partner's retry look like a duplicate.
    await deps.recorder
      .updateAs2Message(recorded.id, { status: 'failed', error: errorSummary(err).message })
      .catch(() => undefined);
    throw err;
  }
}

/** The MDN the headers ask for (RFC 4130 §7.3), as the ledger records it. */
function mdnRequestOf(h: RequestHeaders): { mdnMode: 'none' | 'sync' | 'async'; mdnSigned: boolean; mdnUrl?: string } {
  if (!header(h, 'disposition-notification-to')) return { mdnMode: 'none', mdnSigned: false };
  const url = header(h, 'receipt-delivery-option')?.trim();
  const signed = /signed-receipt-protocol/i.test(header(h, 'disposition-notification-options') ?? '');
  return url ? { mdnMode: 'async', mdnSigned: signed, mdnUrl: url } : { mdnMode: 'sync', mdnSigned: signed };
}

/** MDN headers as a block for the archive (CRLF, blank line at the end). */
export function headerBlock(headers: Record<string, string>): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** A loggable summary of an error: never its payload. */
export function errorSummary(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error)
    return {
      name: err.name,
      message: err.message,
      ...('code' in err && typeof err.code === 'string' ? { code: err.code } : {}),
    };
  return { name: 'unknown', message: String(err) };
}
