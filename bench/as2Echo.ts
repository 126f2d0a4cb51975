/**
 * The HTTP floor of the AS2 benchmark, in its own process: reads each
 * request's body and answers 3 kB (about a signed MDN), nothing else.
 * Replies with `{ port }` over IPC once listening; exits on `stop`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const answer = Buffer.alloc(3_000, 0x41);
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.setHeader('content-length', String(answer.length));
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: unknown) => {
  if (m === 'stop') server.close(() => process.exit(0));
});
