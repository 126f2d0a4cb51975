/**
 * The least a receiver over HTTP can do on this machine, in its own process:
 * for each request it reads the body, has a worker thread write it to a file
 * and fdatasync it (the archive, without naming or renaming), and meanwhile
 * runs the floor's cryptography on it (bench/as2.ts floorOnce: RSA key
 * unwrap, AES-256-CBC decrypt of the body, SHA-256 twice, RSA verify, RSA
 * sign), then answers 3 kB once the file is durable. No MIME, no CMS
 * parsing, no ledger. argv: <dir for the files>. Replies with `{ port }`
 * over IPC once listening; exits on `stop`. `nofsync` as a second argument:
 * no fdatasync (for `pnpm bench as2 --no-fsync`).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';

const dir = process.argv[2]!;
const fsync = process.argv[3] !== 'nofsync';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const cek = crypto.randomBytes(32);
const iv = crypto.randomBytes(16);
const encryptedKey = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, cek);
const signedAttrs = crypto.randomBytes(120);
const signature = crypto.sign('sha256', signedAttrs, privateKey);
const answer = Buffer.alloc(3_000, 0x41);

// The writer's code is this constant text; the directory and the fsync switch come as workerData.
const writer = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const fs = require('node:fs');
   const path = require('node:path');
   let n = 0;
   parentPort.on('message', ({ id, body }) => {
     const file = path.join(workerData.dir, String(n++ % 64));
     fs.open(file, 'w', (e, fd) => {
       if (e) return parentPort.postMessage({ id, error: e.message });
       const sync = workerData.fsync ? (cb) => fs.fdatasync(fd, cb) : (cb) => cb(null);
       fs.write(fd, body, (e2) => sync((e3) => fs.close(fd, () => parentPort.postMessage({ id, error: (e2 || e3)?.message }))));
     });
   });`,
  { eval: true, workerData: { dir, fsync } },
);
const waiting = new Map<number, () => void>();
writer.on('message', (m: { id: number }) => {
  waiting.get(m.id)?.();
  waiting.delete(m.id);
});
let nextId = 0;

const server = http.createServer({ noDelay: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const id = nextId++;
    const durable = new Promise<void>((resolve) => waiting.set(id, resolve));
    writer.postMessage({ id, body });
    crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_NO_PADDING }, encryptedKey);
    const d = crypto.createDecipheriv('aes-256-cbc', cek, iv).setAutoPadding(false);
    const plain = d.update(body.subarray(0, body.length - (body.length % 16)));
    d.final();
    crypto.createHash('sha256').update(plain).digest();
    crypto.createHash('sha256').update(plain).digest();
    crypto.verify('sha256', signedAttrs, publicKey, signature);
    crypto.sign('sha256', answer.subarray(0, 600), privateKey);
    void durable.then(() => {
      res.setHeader('content-length', String(answer.length));
      res.end(answer);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: unknown) => {
  if (m === 'stop') server.close(() => void writer.terminate().then(() => process.exit(0)));
});
