/**
 * Helpers that build AS2 messages and check MDNs with the `openssl cms` CLI:
 * an implementation independent of ours. MIME is assembled here by plain
 * string concatenation (not with @edigate/as2) for the same reason.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const work = hasOpenssl ? mkdtempSync(path.join(os.tmpdir(), 'edigate-openssl-')) : '';
let n = 0;
export const tmpFile = (name: string): string => path.join(work, `${++n}-${name}`);
export const cleanupOpenssl = (): void => {
  if (work) rmSync(work, { recursive: true, force: true });
};

/** Runs openssl; throws with its stderr when it fails. */
export function openssl(args: string[], input?: Buffer): Buffer {
  const r = spawnSync('openssl', args, { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Writes a PEM (or bytes) to a temp file once per content. */
const pemFiles = new Map<string, string>();
export function fileOf(content: string | Buffer, name = 'f.pem'): string {
  const key = typeof content === 'string' ? content : content.toString('base64');
  let f = pemFiles.get(key);
  if (!f) {
    f = tmpFile(name);
    writeFileSync(f, content);
    pemFiles.set(key, f);
  }
  return f;
}

export type Md = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type Cipher = 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-256-gcm';

const CIPHER_FLAG: Record<Cipher, string> = {
  'des-ede3-cbc': '-des3',
  'aes-128-cbc': '-aes128',
  'aes-192-cbc': '-aes192',
  'aes-256-cbc': '-aes256',
  'aes-128-gcm': '-aes-128-gcm',
  'aes-256-gcm': '-aes-256-gcm',
};

/** A MIME entity: headers (CRLF) + blank line + content. */
export function entity(headers: [string, string][], content: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n', 'latin1'),
    Buffer.from(content),
  ]);
}

/** A detached CMS signature by `openssl cms -sign -binary`. */
export function opensslSign(
  content: Buffer,
  o: { cert: string; key: string; md: Md; noattr?: boolean; pss?: boolean },
): Buffer {
  const inFile = tmpFile('sign-in');
  writeFileSync(inFile, content);
  const args = [
    'cms',
    '-sign',
    '-binary',
    '-in',
    inFile,
    '-signer',
    fileOf(o.cert),
    '-inkey',
    fileOf(o.key),
    '-md',
    o.md,
    '-outform',
    'DER',
  ];
  if (o.noattr) args.push('-noattr');
  if (o.pss) args.push('-keyopt', 'rsa_padding_mode:pss');
  return openssl(args);
}

/** multipart/signed around `signedEntity` (RFC 1847), signature by openssl. */
export function multipartSigned(
  signedEntity: Buffer,
  o: {
    cert: string;
    key: string;
    md: Md;
    noattr?: boolean;
    pss?: boolean;
    micalg?: string;
    signatureEncoding?: 'base64' | 'binary-no-cte';
    xPkcs7?: boolean;
  },
): { contentType: string; body: Buffer } {
  const sig = opensslSign(signedEntity, o);
  const boundary = `----=_edigate_test_${crypto.randomBytes(8).toString('hex')}`;
  const sigType = o.xPkcs7 ? 'application/x-pkcs7-signature' : 'application/pkcs7-signature';
  const sigPart =
    o.signatureEncoding === 'binary-no-cte'
      ? Buffer.concat([Buffer.from(`Content-Type: ${sigType}; name=smime.p7s\r\n\r\n`), sig])
      : Buffer.from(
          `Content-Type: ${sigType}; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${sig.toString('base64').replace(/.{76}/g, '$&\r\n')}`,
        );
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\n`),
    signedEntity,
    Buffer.from(`\r\n--${boundary}\r\n`),
    sigPart,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const micalg =
    o.micalg ?? { sha1: 'sha-1', sha224: 'sha-224', sha256: 'sha-256', sha384: 'sha-384', sha512: 'sha-512' }[o.md];
  return { contentType: `multipart/signed; protocol="${sigType}"; micalg=${micalg}; boundary="${boundary}"`, body };
}

/** EnvelopedData (or AuthEnvelopedData for GCM) by `openssl cms -encrypt -binary`, DER. */
export function opensslEncrypt(content: Buffer, o: { cert: string; cipher: Cipher; oaep?: 'sha1' | 'sha256' }): Buffer {
  const inFile = tmpFile('enc-in');
  writeFileSync(inFile, content);
  const args = [
    'cms',
    '-encrypt',
    '-binary',
    '-in',
    inFile,
    '-outform',
    'DER',
    CIPHER_FLAG[o.cipher],
    '-recip',
    fileOf(o.cert),
  ];
  if (o.oaep) args.push('-keyopt', 'rsa_padding_mode:oaep', '-keyopt', `rsa_oaep_md:${o.oaep}`);
  return openssl(args);
}

/** base64 of `openssl dgst -<md> -binary` over the bytes: the MIC, computed independently. */
export function opensslMic(bytes: Buffer, md: Md): string {
  const f = tmpFile('mic-in');
  writeFileSync(f, bytes);
  return openssl(['dgst', `-${md}`, '-binary', f]).toString('base64');
}

/**
 * Verifies a signed MDN with `openssl cms -verify` (our certificate as the
 * trust anchor) and returns the verified content (the multipart/report), or
 * throws when openssl refuses it.
 */
export function opensslVerifyMdn(contentType: string, body: Buffer, ourCert: string): string {
  const f = tmpFile('mdn.eml');
  writeFileSync(f, Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`), body]));
  const out = tmpFile('mdn.out');
  openssl(['cms', '-verify', '-in', f, '-CAfile', fileOf(ourCert), '-purpose', 'any', '-out', out]);
  return readFileSync(out, 'latin1');
}

/** Reads Disposition and Received-Content-MIC from an MDN report text. */
export function readReport(text: string): {
  disposition?: string;
  mic?: string;
  micAlgorithm?: string;
  originalMessageId?: string;
} {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(unfolded)?.[1]?.trim();
  const mic = field('Received-Content-MIC');
  const [digest, alg] = mic ? mic.split(',').map((s) => s.trim()) : [];
  return {
    disposition: field('Disposition'),
    mic: digest,
    micAlgorithm: alg,
    originalMessageId: field('Original-Message-ID'),
  };
}

/**
 * RFC 3274 CompressedData built with `openssl asn1parse -genconf` around
 * node:zlib output: this openssl has no zlib for `cms -compress`, and the
 * structure stays independent of our CMS code.
 */
export function opensslCompressedData(content: Buffer): Buffer {
  const conf = tmpFile('compress.cnf');
  writeFileSync(
    conf,
    [
      'asn1=SEQUENCE:ci',
      '[ci]',
      'type=OID:1.2.840.113549.1.9.16.1.9',
      'content=EXPLICIT:0,SEQUENCE:cd',
      '[cd]',
      'version=INTEGER:0',
      'alg=SEQUENCE:zlib',
      'encap=SEQUENCE:encap',
      '[zlib]',
      'oid=OID:1.2.840.113549.1.9.16.3.8',
      '[encap]',
      'type=OID:1.2.840.113549.1.7.1',
      `content=EXPLICIT:0,FORMAT:HEX,OCTETSTRING:${deflateSync(content).toString('hex')}`,
      '',
    ].join('\n'),
  );
  const out = tmpFile('compressed.der');
  openssl(['asn1parse', '-genconf', conf, '-out', out, '-noout']);
  return readFileSync(out);
}
