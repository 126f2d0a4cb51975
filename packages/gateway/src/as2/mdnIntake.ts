import { parseMdn } from '@edigate/as2';
import { HttpError } from '../httpError.js';
import type { InboundDeps, HttpReply, RequestHeaders } from './inbound.js';
import { unquoteAs2Name } from './partners.js';

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * True when a POST to /as2 carries an MDN rather than a message: a
 * multipart/report, or a multipart/signed whose signed part is one
 * (RFC 4130 §7.4.2; async MDNs arrive on the same endpoint).
 */
export function looksLikeMdn(headers: RequestHeaders, body: Buffer): boolean {
  const ct = first(headers['content-type']) ?? '';
  if (/^\s*multipart\/report/i.test(ct)) return true;
  if (!/^\s*multipart\/signed/i.test(ct)) return false;
  // The signed part's own Content-Type sits in its header block, near the start.
  return /content-type:\s*multipart\/report/i.test(body.subarray(0, 4096).toString('latin1'));
}

/**
 * An async MDN from a partner for one of our outbound messages: verified with
 * the partner's certificates, its Received-Content-MIC compared with the MIC
 * we recorded when sending, and the outbound ledger row updated.
 */
export async function handleIncomingMdn(
  deps: InboundDeps,
  req: { headers: RequestHeaders; body: Buffer; archiveId: number },
): Promise<HttpReply> {
  const as2From = unquoteAs2Name(req.headers['as2-from']);
  const as2To = unquoteAs2Name(req.headers['as2-to']);
  if (!as2From || !as2To)
    throw new HttpError('MISSING_AS2_HEADERS', 'AS2-From and AS2-To headers are required (RFC 4130 §6.2)');
  if (!deps.partners.isUs(as2To))
    throw new HttpError('UNKNOWN_RECIPIENT', `AS2-To ${JSON.stringify(as2To)} is not this gateway`);
  const partner = deps.partners.byAs2Name(as2From);
  if (!partner?.as2)
    throw new HttpError('UNKNOWN_PARTNER', `AS2-From ${JSON.stringify(as2From)} is not a known partner`);
  const probe = parseMdn(
    { headers: req.headers, body: req.body },
    { partnerCertificates: partner.as2.certificates, allowExpiredCertificate: partner.as2.allowExpiredCertificate },
  );
  const original = probe.originalMessageId
    ? await deps.recorder.findAs2Message({
        direction: 'outbound',
        partnerId: partner.id,
        messageId: probe.originalMessageId,
      })
    : undefined;
  const log = deps.log.child({ partnerId: partner.id, originalMessageId: probe.originalMessageId });
  if (!original) {
    log.warn({ archiveId: req.archiveId }, 'async MDN for a message we do not know; archived, not applied');
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from('MDN received; original message unknown\n'),
    };
  }
  const mdn = parseMdn(
    { headers: req.headers, body: req.body },
    {
      partnerCertificates: partner.as2.certificates,
      // What we asked for when sending decides whether an unsigned MDN is acceptable.
      requireSigned: original.mdnSigned,
      allowExpiredCertificate: partner.as2.allowExpiredCertificate,
      ...(original.mic && original.micAlgorithm
        ? { expectedMic: { digest: original.mic, algorithm: original.micAlgorithm } }
        : {}),
    },
  );
  const good =
    !mdn.error &&
    mdn.disposition?.type === 'processed' &&
    (mdn.disposition.modifier === undefined || mdn.disposition.modifier === 'warning') &&
    mdn.micMatches !== false;
  await deps.recorder.updateAs2Message(original.id, {
    status: good ? 'delivered' : 'rejected',
    mdnReceivedAt: new Date(),
    mdnArchiveId: req.archiveId,
    ...(mdn.dispositionText ? { mdnDisposition: mdn.dispositionText } : {}),
    ...(mdn.micMatches !== undefined ? { mdnMicMatched: mdn.micMatches } : {}),
    ...(good
      ? {}
      : { error: mdn.error ? `${mdn.error.code}: ${mdn.error.message}` : (mdn.dispositionText ?? 'no usable MDN') }),
  });
  log.info(
    { status: good ? 'delivered' : 'rejected', disposition: mdn.dispositionText, micMatches: mdn.micMatches },
    'async MDN received',
  );
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('MDN received\n') };
}
