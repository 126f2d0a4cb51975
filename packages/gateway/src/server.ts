import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Archive, type ArchiveWriter } from './archive.js';
import { HttpError } from './httpError.js';
import type { Logger } from './logger.js';
import type { ArchiveRecordInput, Recorder } from './recorder.js';
import { errorSummary, handleInbound, type HttpReply, type InboundDeps } from './as2/inbound.js';
import { handleIncomingMdn, looksLikeMdn } from './as2/mdnIntake.js';

/** What the express adapter needs. */
export interface AppDeps extends InboundDeps {
  archive: Archive;
  recorder: Recorder;
  log: Logger;
  /** Largest request body accepted (bytes). */
  maxBodySize: number;
  /** True once the database is migrated and keys are loaded. */
  isReady: () => boolean;
  /** Told about work still running after an answer, so shutdown can wait for it. */
  track?: (work: Promise<void>) => void;
}

/**
 * The express app: a thin adapter that turns HTTP into calls of the AS2
 * receive path and its answers back into HTTP.
 *
 * - `GET /healthz`: 200 when ready, else 503.
 * - `POST /as2`: the raw request (request line, headers as sent, body) is
 *   streamed to the archive and fsynced before any processing; then
 *   {@link handleInbound}. A body over the limit is answered 413.
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    const ready = deps.isReady();
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ok\n' : 'starting\n');
  });
  app.post('/as2', (req, res, next) => {
    receiveAs2(deps, req, res).catch(next);
  });
  app.all('/as2', (_req, _res, next) => next(new HttpError('METHOD_NOT_ALLOWED', 'POST an AS2 message to /as2')));
  app.use((_req, _res, next) => next(new HttpError('NOT_FOUND', 'not found')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => answerError(deps, err, req, res));
  return app;
}

/**
 * The server's request listener: `POST /as2` goes straight to the receive
 * path (no router, no body middleware: the body is streamed to the archive
 * as it arrives); everything else through {@link createApp}.
 */
export function createRequestListener(deps: AppDeps): http.RequestListener {
  const app = createApp(deps);
  return (req, res) => {
    if (req.method === 'POST' && (req.url === '/as2' || req.url?.startsWith('/as2?'))) {
      receiveAs2(deps, req, res).catch((err: unknown) => answerError(deps, err, req, res));
      return;
    }
    app(req, res);
  };
}

/** Logs a failed request and answers it in plain text (or drops the connection when the answer has started). */
function answerError(deps: AppDeps, err: unknown, req: IncomingMessage, res: ServerResponse): void {
  const e = HttpError.from(err);
  const at = (req.url ?? '/').split('?')[0];
  if (e.code === 'INTERNAL') deps.log.error({ err: errorSummary(e.cause), path: at }, 'request failed');
  else
    deps.log.warn({ code: e.code, reason: e.message, path: at, remote: req.socket.remoteAddress }, 'request refused');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(`${e.message}\n`);
  res.statusCode = e.status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', String(body.length));
  res.end(body);
}

/** The request line and headers exactly as sent (rawHeaders keeps case and order). */
function requestHead(req: IncomingMessage): Buffer {
  let head = `${req.method ?? 'POST'} ${req.url ?? '/'} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return Buffer.from(`${head}\r\n`, 'latin1');
}

/** Reads the body into memory and into the archive at once; settles on end, abort or overflow. */
function readBody(
  req: IncomingMessage,
  writer: ArchiveWriter,
  limit: number,
): Promise<{ kind: 'complete'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (v: { kind: 'complete'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep what fits: the archive still shows what was sent.
        writer.write(chunk.subarray(0, chunk.length - (size - limit)));
        req.pause();
        settle({ kind: 'too-large' });
        return;
      }
      writer.write(chunk);
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ kind: 'complete', body: Buffer.concat(chunks, size) }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () => settle({ kind: 'aborted' }));
  });
}

async function receiveAs2(deps: AppDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const writer = deps.archive.begin('as2-request');
  writer.write(requestHead(req));
  const declared = Number(req.headers['content-length'] ?? NaN);
  const outcome =
    Number.isFinite(declared) && declared > deps.maxBodySize
      ? ({ kind: 'too-large' } as const)
      : await readBody(req, writer, deps.maxBodySize);
  // Nothing is answered before the raw request is durable (ARCHITECTURE.md:
  // nothing received is lost). Its name (hash) comes from the I/O thread;
  // the unwrap starts at once, the message row is written once the name is
  // known, and the fsync runs meanwhile.
  const sealed = writer.seal();
  const durable = sealed.durable;
  durable.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  let reply: HttpReply;
  let archiveId: number | undefined;
  // The raw request's archive row: written here, or by handleInbound together with the message row.
  const rawEntry: Promise<ArchiveRecordInput> = sealed.entry.then(
    (archived) => ({
      ...archived,
      kind: outcome.kind === 'complete' ? 'as2-request' : `as2-request-${outcome.kind}`,
      ...(typeof req.headers['content-type'] === 'string' ? { mediaType: req.headers['content-type'] } : {}),
    }),
    (err: unknown) => {
      throw new HttpError('INTERNAL', 'the request could not be archived', { cause: err });
    },
  );
  rawEntry.catch(() => undefined); // awaited where it is used
  const recordRaw = async () => {
    ({ id: archiveId } = await deps.recorder.recordArchive(await rawEntry));
    return archiveId;
  };
  try {
    if (outcome.kind !== 'complete') await recordRaw();
    if (outcome.kind === 'aborted') {
      await durable;
      deps.log.warn(
        { archiveId, bytes: (await rawEntry).size, remote: req.socket.remoteAddress },
        'request aborted by the client; partial bytes archived',
      );
      return;
    }
    if (outcome.kind === 'too-large') {
      res.setHeader('connection', 'close');
      throw new HttpError('PAYLOAD_TOO_LARGE', `the body is larger than ${deps.maxBodySize} bytes`);
    }
    reply = looksLikeMdn(req.headers, outcome.body)
      ? await handleIncomingMdn(deps, { headers: req.headers, body: outcome.body, archiveId: await recordRaw() })
      : await handleInbound(deps, {
          headers: req.headers,
          body: outcome.body,
          rawEntry,
          onArchiveId: (id) => (archiveId = id),
        });
  } finally {
    await durable;
  }
  send(res, reply);
  if (reply.after) {
    const work = reply
      .after()
      .catch((err: unknown) =>
        deps.log.error({ err: errorSummary(err), archiveId }, 'bookkeeping after the answer failed'),
      );
    deps.track?.(work);
    await work;
  }
}

function send(res: ServerResponse, reply: HttpReply): void {
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  res.setHeader('content-length', String(reply.body.length));
  res.end(reply.body);
}

/** Listens and applies the slow-client guards. */
export function listen(
  app: http.RequestListener,
  opts: { port: number; host?: string; headersTimeoutMs: number; requestTimeoutMs: number },
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    // Slow-loris guards: headers must come within headersTimeout, the whole
    // request within requestTimeout; Node checks both every second here
    // (its default check interval is 30 s).
    const server = http.createServer(
      {
        headersTimeout: opts.headersTimeoutMs,
        requestTimeout: opts.requestTimeoutMs,
        connectionsCheckingInterval: Math.min(1_000, opts.headersTimeoutMs),
        // Longer than the usual client idle timeouts, so a client rarely reuses a socket we are closing.
        keepAliveTimeout: 65_000,
        maxHeaderSize: 64 * 1024,
        noDelay: true,
      },
      app,
    );
    server.maxHeadersCount = 200;
    server.once('error', reject);
    server.once('listening', () => resolve({ server, port: (server.address() as AddressInfo).port }));
    server.listen(opts.port, opts.host ?? '0.0.0.0');
  });
}
