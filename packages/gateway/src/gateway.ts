import type { Server } from 'node:http';
import * as as2 from '@edigate/as2';
import { Archive } from './archive.js';
import { loadHomeStrict, type HomeConfig, type LoadHomeOptions } from './config/load.js';
import { createLogger, type Logger } from './logger.js';
import { MemoryJobQueue, MemoryRecorder, type JobQueue, type Recorder } from './recorder.js';
import { createRequestListener, listen } from './server.js';
import { PartnerDirectory } from './as2/partners.js';
import { startAsyncMdnWorker } from './as2/asyncMdn.js';
import { enqueueSend, startOutboundWorker } from './as2/send.js';
import type { InboundPayload, ReceiveFunction } from './as2/inbound.js';
import { openLedgerBackend } from './ledgerRecorder.js';
import { RsaPool } from './crypto/rsaPool.js';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /** The home folder (edigate.yaml, partner-profiles/). */
  home: string;
  /** Overrides edigate.yaml and PORT; 0 picks a free port. */
  port?: number;
  host?: string;
  /** Environment for PORT / DATABASE_URL (default process.env). */
  env?: LoadHomeOptions['env'];
  /** A logger (default: pino on stdout at the configured level). */
  logger?: Logger;
  /** Use these instead of the ledger (tools; tests of code that is not about persistence). */
  recorder?: Recorder;
  jobs?: JobQueue;
  /** Use an in-memory ledger instead of the configured database (PGlite in memory). */
  inMemoryLedger?: boolean;
  /** The AS2 unwrap (default: @edigate/as2 `receiveMessage`). */
  receive?: ReceiveFunction;
  /** Called for each new payload after its MDN is decided. */
  onPayload?: (p: InboundPayload) => Promise<void>;
}

/** A running gateway. */
export interface Gateway {
  config: HomeConfig;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  server: Server;
  archive: Archive;
  recorder: Recorder;
  jobs: JobQueue;
  partners: PartnerDirectory;
  log: Logger;
  /**
   * Queues a payload for a partner over AS2 (durable job; retries per the
   * ledger's `as2.send` policy). Resolves once it is recorded and queued.
   */
  send(o: {
    partnerId: string;
    payload: Uint8Array;
    contentType?: string;
    filename?: string;
    subject?: string;
  }): Promise<{
    messageId: string;
    as2MessageRowId: number;
  }>;
  close(): Promise<void>;
}

/** The AS2 unwrap of @edigate/as2, when that package provides it. */
export function defaultReceive(): ReceiveFunction | undefined {
  const fn = (as2 as unknown as { receiveMessage?: ReceiveFunction }).receiveMessage;
  return typeof fn === 'function' ? fn : undefined;
}

/**
 * Loads the home, opens the ledger (migrations applied), loads keys, starts
 * the async MDN worker and the HTTP server. `/healthz` says ready once all of
 * that is done.
 */
export async function startGateway(opts: StartGatewayOptions): Promise<Gateway> {
  const config = loadHomeStrict(opts.home, opts.env ? { env: opts.env } : {});
  const log = opts.logger ?? createLogger({ level: config.log.level });
  for (const n of config.notices) log.warn(n);
  const receive = opts.receive ?? defaultReceive();
  if (!receive) throw new Error('@edigate/as2 does not provide receiveMessage yet');
  let ready = false;
  const archive = new Archive({ dir: config.archive.dir, fsync: config.archive.fsync });
  const partners = new PartnerDirectory(config);
  let backend: { recorder: Recorder; jobs: JobQueue };
  if (opts.recorder && opts.jobs) backend = { recorder: opts.recorder, jobs: opts.jobs };
  else if (opts.recorder || opts.jobs)
    backend = { recorder: opts.recorder ?? new MemoryRecorder(), jobs: opts.jobs ?? new MemoryJobQueue() };
  else backend = await openLedgerBackend({ config, log, inMemory: opts.inMemoryLedger ?? false });
  const { recorder, jobs } = backend;
  await startAsyncMdnWorker({ jobs, archive, recorder, log });
  await startOutboundWorker({ jobs, archive, recorder, log, partnerById: (id) => partners.byPartnerId(id) });
  const inflight = new Set<Promise<void>>();
  const rsa = config.crypto.workers > 0 ? new RsaPool(config.crypto.workers) : undefined;
  const app = createRequestListener({
    partners,
    archive,
    recorder,
    jobs,
    log,
    receive,
    ...(rsa ? { privateDecrypt: rsa.privateDecrypt } : {}),
    syncPayloadBeforeMdn: config.archive.syncPayloadBeforeMdn,
    ...(opts.onPayload ? { onPayload: opts.onPayload } : {}),
    maxBodySize: config.http.maxBodySize,
    isReady: () => ready,
    track: (work) => {
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    },
  });
  const { server, port } = await listen(app, {
    port: opts.port ?? config.http.port,
    ...((opts.host ?? config.http.host) ? { host: opts.host ?? config.http.host } : {}),
    headersTimeoutMs: config.http.headersTimeout,
    requestTimeoutMs: config.http.requestTimeout,
  });
  ready = true;
  log.info(
    { port, as2Id: config.as2.id, partners: config.partners.filter((p) => p.as2).map((p) => p.id) },
    'edigate serving',
  );
  let closed = false;
  return {
    config,
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    archive,
    recorder,
    jobs,
    partners,
    log,
    send(o) {
      const partner = partners.byPartnerId(o.partnerId);
      if (!partner?.as2) return Promise.reject(new Error(`no AS2 partner ${o.partnerId}`));
      return enqueueSend({
        config,
        partner,
        payload: o.payload,
        recorder,
        archive,
        jobs,
        log,
        ...(o.contentType ? { contentType: o.contentType } : {}),
        ...(o.filename ? { filename: o.filename } : {}),
        ...(o.subject ? { subject: o.subject } : {}),
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Bookkeeping still running after answers already sent must reach the ledger before it closes.
      await Promise.allSettled([...inflight]);
      await jobs.stop();
      await recorder.close();
      await rsa?.close();
      await archive.close();
    },
  };
}
