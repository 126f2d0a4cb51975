import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSigned } from '../certs.js';
import { httpPost } from './httpClient.js';

const serverPair = createSelfSigned({ commonName: 'localhost', days: 2, altNames: ['localhost', '127.0.0.1'] });
const clientPair = createSelfSigned({ commonName: 'EDIGATE-CLIENT', days: 2 });
let server: https.Server;
let url: string;

beforeAll(async () => {
  server = https.createServer(
    {
      key: serverPair.privateKey,
      cert: serverPair.certificate,
      requestCert: true,
      rejectUnauthorized: true,
      ca: clientPair.certificate,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(`${String(peer.subject?.CN ?? '-')} ${Buffer.concat(chunks).length}`));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://localhost:${(server.address() as AddressInfo).port}/as2`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('httpPost over HTTPS', () => {
  it('presents the client certificate and trusts the given CA', async () => {
    const res = await httpPost({
      url,
      headers: {},
      body: Buffer.alloc(1234),
      tls: { key: clientPair.privateKey, certificate: clientPair.certificate, ca: serverPair.certificate },
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('EDIGATE-CLIENT 1234');
  });

  it('fails without the client certificate, and against an untrusted server', async () => {
    await expect(
      httpPost({ url, headers: {}, body: Buffer.alloc(1), tls: { ca: serverPair.certificate } }),
    ).rejects.toThrow();
    await expect(
      httpPost({
        url,
        headers: {},
        body: Buffer.alloc(1),
        tls: { key: clientPair.privateKey, certificate: clientPair.certificate },
      }),
    ).rejects.toThrow(/self.signed|certificate/i);
  });

  it('refuses other URL schemes', async () => {
    await expect(httpPost({ url: 'ftp://x/as2', headers: {}, body: Buffer.alloc(1) })).rejects.toThrow(/scheme/);
  });
});
