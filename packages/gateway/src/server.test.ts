import net from 'node:net';
import { Writable } from 'node:stream';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSigned } from './certs.js';
import { startGateway, type Gateway } from './gateway.js';
import { createLogger } from './logger.js';
import { MemoryJobQueue, MemoryRecorder } from './recorder.js';

// The server's survival under hostile clients. Not about persistence: an in-memory recorder.
const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-server-'));
const recorder = new MemoryRecorder();
let gw: Gateway;

beforeAll(async () => {
  const us = createSelfSigned({ commonName: 'SRV', days: 2 });
  const them = createSelfSigned({ commonName: 'THEM', days: 2 });
  mkdirSync(path.join(dir, 'partner-profiles'));
  writeFileSync(path.join(dir, 'k.pem'), us.privateKey);
  writeFileSync(path.join(dir, 'c.pem'), us.certificate);
  writeFileSync(path.join(dir, 't.pem'), them.certificate);
  writeFileSync(
    path.join(dir, 'edigate.yaml'),
    'as2: { id: SRV, key: k.pem, certificate: c.pem }\nhttp: { maxBodySize: 64kb, headersTimeout: 1s, requestTimeout: 3s }\nlog: { level: silent }\n',
  );
  writeFileSync(
    path.join(dir, 'partner-profiles/them.yaml'),
    'id: them\nname: Them\nas2: { id: THEM, certificate: ../t.pem }\n',
  );
  gw = await startGateway({ home: dir, port: 0, recorder, jobs: new MemoryJobQueue() });
});

afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a raw socket, writes, and resolves with what came back once the server closes it (or after `waitMs`). */
function raw(
  write: (s: net.Socket) => void,
  waitMs = 6_000,
): Promise<{ data: string; closedByServer: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = net.connect(gw.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ data, closedByServer: false, ms: Date.now() - started });
    }, waitMs);
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ data, closedByServer: true, ms: Date.now() - started });
    });
    s.on('connect', () => write(s));
  });
}

const head = (extra = '') =>
  `POST /as2 HTTP/1.1\r\nHost: x\r\nAS2-From: THEM\r\nAS2-To: SRV\r\nMessage-ID: <m@x>\r\nContent-Type: application/pkcs7-mime\r\n${extra}`;

describe('the server survives hostile clients', () => {
  it('garbage instead of HTTP → 400 and close', async () => {
    const r = await raw((s) => s.write('\x00\x01\x02 not http at all\r\n\r\n'));
    expect(r.closedByServer).toBe(true);
    expect(r.data).toMatch(/^HTTP\/1\.1 400/);
  });

  it('headers that never finish (slow loris) are cut off by headersTimeout', async () => {
    const r = await raw((s) => s.write('POST /as2 HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n'));
    expect(r.closedByServer).toBe(true);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a body that stops half way is archived as aborted, nothing processed', async () => {
    const before = recorder.archives.size;
    const r = await raw((s) => {
      s.write(`${head()}Content-Length: 1000\r\n\r\n`);
      s.write(Buffer.alloc(300, 0x41));
      setTimeout(() => s.destroy(), 100);
    }, 1_000);
    expect(r.data).toBe('');
    await new Promise((res) => setTimeout(res, 200));
    const added = [...recorder.archives.values()].slice(before);
    expect(added.map((a) => a.kind)).toEqual(['as2-request-aborted']);
    expect(added[0]!.size).toBeGreaterThan(300);
    expect(recorder.messages.size).toBe(0);
  });

  it('a chunked body over the limit → 413 (or the connection is cut), the received bytes archived', async () => {
    const before = recorder.archives.size;
    const r = await raw((s) => {
      s.write(`${head()}Transfer-Encoding: chunked\r\n\r\n`);
      const chunk = Buffer.alloc(16 * 1024, 0x42);
      for (let i = 0; i < 6; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`);
    });
    expect(r.data === '' || /^HTTP\/1\.1 413/.test(r.data)).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    const added = [...recorder.archives.values()].slice(before);
    expect(added.map((a) => a.kind)).toEqual(['as2-request-too-large']);
  });

  it('a declared Content-Length over the limit → 413 without reading the body', async () => {
    const r = await raw((s) => s.write(`${head()}Content-Length: ${10 * 1024 * 1024}\r\n\r\n`));
    expect(r.data).toMatch(/^HTTP\/1\.1 413/);
    expect(r.data).toMatch(/larger than 65536 bytes/);
  });

  it('is still healthy afterwards', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

describe('logging', () => {
  it('redacts payloads, keys and contacts', () => {
    const lines: string[] = [];
    const log = createLogger({
      destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }),
    });
    log.info(
      {
        body: 'ISA*00*secret',
        privateKey: '-----BEGIN PRIVATE KEY-----',
        partner: { contact: 'edi@initech.example' },
        messageId: '<a@b>',
      },
      'x',
    );
    const text = lines.join('');
    expect(text).not.toMatch(/ISA\*00|BEGIN PRIVATE|initech/);
    expect(text).toContain('<a@b>');
  });
});
