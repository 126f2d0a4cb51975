import http from 'node:http';
import https from 'node:https';

/** What {@link httpPost} answers. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Options of {@link httpPost}. */
export interface HttpPostOptions {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Whole-exchange timeout in ms (default 120 s). */
  timeoutMs?: number;
  /** TLS client certificate and trust (PEM). */
  tls?: { key?: string; certificate?: string; ca?: string; rejectUnauthorized?: boolean };
  /** Keep-alive agent to reuse (http or https, matching the URL). */
  agent?: http.Agent;
  /** Largest response body accepted (default 10 MB; MDNs are small). */
  maxResponseBytes?: number;
}

/**
 * POSTs bytes with node:http(s): a client certificate per request is simple
 * there, and the body stays a Buffer end to end (no string round trips).
 */
export function httpPost(opts: HttpPostOptions): Promise<HttpResponse> {
  const url = new URL(opts.url);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  const limit = opts.maxResponseBytes ?? 10 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-length': String(opts.body.length) },
        ...(opts.agent ? { agent: opts.agent } : {}),
        ...(isHttps && opts.tls
          ? {
              ...(opts.tls.key ? { key: opts.tls.key } : {}),
              ...(opts.tls.certificate ? { cert: opts.tls.certificate } : {}),
              ...(opts.tls.ca ? { ca: opts.tls.ca } : {}),
              rejectUnauthorized: opts.tls.rejectUnauthorized ?? true,
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) {
            req.destroy(new Error(`response larger than ${limit} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 120_000, () => req.destroy(new Error('request timed out')));
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle + delayed ACK can add 40 ms.
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.end(opts.body);
  });
}
