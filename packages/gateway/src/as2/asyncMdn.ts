import type { Archive } from '../archive.js';
import type { Logger } from '../logger.js';
import type { JobQueue, Recorder } from '../recorder.js';
import { httpPost } from './httpClient.js';
import { ASYNC_MDN_QUEUE, errorSummary, type AsyncMdnJob } from './inbound.js';

/**
 * Registers the worker that delivers async MDNs (RFC 4130 §7.3: POSTed to the
 * Receipt-Delivery-Option URL). A failed POST throws, so the job queue retries
 * it with backoff; each attempt is logged and the ledger row updated.
 */
export async function startAsyncMdnWorker(deps: {
  jobs: JobQueue;
  archive: Archive;
  recorder: Recorder;
  log: Logger;
  timeoutMs?: number;
}): Promise<void> {
  await deps.jobs.work(ASYNC_MDN_QUEUE, async (data) => {
    const job = data as AsyncMdnJob;
    const log = deps.log.child({ partnerId: job.partnerId, as2MessageRowId: job.as2MessageRowId });
    const stored = await deps.archive.read(job.mdnLocation);
    // The archive keeps the MDN with its header block; the body starts after the first blank line.
    const at = stored.indexOf('\r\n\r\n');
    const body = at >= 0 ? stored.subarray(at + 4) : stored;
    try {
      const res = await httpPost({ url: job.url, headers: job.headers, body, timeoutMs: deps.timeoutMs ?? 60_000 });
      if (res.status < 200 || res.status >= 300) throw new Error(`async MDN POST answered HTTP ${res.status}`);
      await deps.recorder.updateAs2Message(job.as2MessageRowId, { mdnSentAt: new Date() });
      log.info({ status: res.status }, 'async MDN delivered');
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'async MDN delivery failed; will retry');
      throw err;
    }
  });
}
