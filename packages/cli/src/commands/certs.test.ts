import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';
import { captureIo } from '../testing.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureIo;

describe('edigate certs new', () => {
  it('writes a key and a self-signed certificate that belong together', async () => {
    const o = io();
    expect(await run(['certs', 'new', '--cn', 'ACME AS2', '--days', '10', '--out', dir, '--json'], o.io)).toBe(0);
    const info = JSON.parse(o.out.join('')) as { key: string; certificate: string; notAfter: string };
    const cert = new crypto.X509Certificate(readFileSync(info.certificate));
    expect(cert.subject).toBe('CN=ACME AS2');
    expect(cert.checkPrivateKey(crypto.createPrivateKey(readFileSync(info.key)))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(info.notAfter).getTime() - Date.now()).toBeLessThan(11 * 86_400_000);
  });

  it('refuses to overwrite without --force, and rejects bad --days', async () => {
    const o = io();
    expect(await run(['certs', 'new', '--cn', 'ACME AS2', '--out', dir], o.io)).toBe(2);
    expect(o.err.join('')).toMatch(/exists/);
    expect(await run(['certs', 'new', '--cn', 'x', '--days', 'many', '--out', dir], io().io)).toBe(2);
  });
});
