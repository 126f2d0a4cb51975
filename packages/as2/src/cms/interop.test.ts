/**
 * A second independent peer: pyca/cryptography (Python), whose PKCS#7
 * envelope encoder and decoder are its own Rust code, not OpenSSL's CMS.
 * Skipped where python3 with cryptography ≥ 43 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptEnvelope, encryptEnvelope, verifyDetached } from './index.js';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './opensslPeer.js';

// One python3 process runs every job (its start-up with cryptography costs far more than the jobs).
const SCRIPT = `
import base64, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key, pkcs7
req = json.load(sys.stdin)
cert = x509.load_pem_x509_certificate(req['cert'].encode())
key = load_pem_private_key(req['key'].encode(), None)
results = []
for op, arg, b64 in req['jobs']:
    data = base64.b64decode(b64)
    if op == 'encrypt':
        b = pkcs7.PKCS7EnvelopeBuilder().set_data(data).add_recipient(cert)
        b = b.set_content_encryption_algorithm(algorithms.AES256 if arg == 'aes-256-cbc' else algorithms.AES128)
        out = b.encrypt(Encoding.DER, [pkcs7.PKCS7Options.Binary])
    elif op == 'decrypt':
        out = pkcs7.pkcs7_decrypt_der(data, cert, key, [])
    else:
        md, options, pss = arg.split(':')
        opts = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
        opts += [getattr(pkcs7.PKCS7Options, o) for o in options.split(',') if o]
        h = getattr(hashes, md)()
        pad = padding.PSS(mgf=padding.MGF1(h), salt_length=padding.PSS.DIGEST_LENGTH) if pss == 'pss' else None
        out = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, h, rsa_padding=pad).sign(Encoding.DER, opts)
    results.append(base64.b64encode(out).decode())
json.dump(results, sys.stdout)
`;

function hasPythonCryptography(): boolean {
  const probe =
    'from cryptography.hazmat.primitives.serialization import pkcs7; pkcs7.pkcs7_decrypt_der; pkcs7.PKCS7EnvelopeBuilder.set_content_encryption_algorithm';
  return spawnSync('python3', ['-c', probe]).status === 0;
}

const available = hasOpenssl() && hasPythonCryptography();

describe.skipIf(!available)('pyca/cryptography as a second peer', () => {
  let peer: OpensslPeer;
  let id: TestIdentity;
  const content = Buffer.from(
    "Content-Type: application/edifact\r\n\r\nUNB+UNOC:3+SENDER+RECEIVER+261128:2055+1'UNZ+0+1'",
  );

  const ALGORITHMS = ['aes-128-cbc', 'aes-256-cbc'] as const;
  const SIGNATURES = [
    ['SHA256::', 'sha-256', true],
    ['SHA512:NoCapabilities:', 'sha-512', true],
    ['SHA256:NoAttributes:', 'sha-256', false],
    ['SHA384::pss', 'sha-384', true],
  ] as const;
  const results = new Map<string, Buffer>();

  beforeAll(() => {
    peer = new OpensslPeer();
    id = peer.identity('python peer');
    const jobs: [string, string, Buffer][] = [
      ...ALGORITHMS.map((a): [string, string, Buffer] => ['encrypt', a, content]),
      ...ALGORITHMS.map((a): [string, string, Buffer] => [
        'decrypt',
        a,
        encryptEnvelope(content, { certificates: [id.cert], algorithm: a }),
      ]),
      ...SIGNATURES.map(([arg]): [string, string, Buffer] => ['sign', arg, content]),
    ];
    const request = JSON.stringify({
      cert: id.cert,
      key: id.key,
      jobs: jobs.map(([op, arg, data]) => [op, arg, data.toString('base64')]),
    });
    const r = spawnSync('python3', ['-c', SCRIPT], { input: request });
    if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
    (JSON.parse(r.stdout.toString()) as string[]).forEach((out, i) =>
      results.set(`${jobs[i]![0]} ${jobs[i]![1]}`, Buffer.from(out, 'base64')),
    );
  });
  afterAll(() => peer?.dispose());

  it.each(ALGORITHMS)('it encrypts %s, we decrypt; we encrypt, it decrypts', (algorithm) => {
    const theirs = decryptEnvelope(results.get(`encrypt ${algorithm}`)!, [
      { privateKey: id.key, certificate: id.cert },
    ]);
    expect(theirs).toMatchObject({ ok: true, contentAlgorithm: algorithm, keyTransport: 'rsa-pkcs1v15' });
    expect(theirs.ok && theirs.content.equals(content)).toBe(true);
    expect(results.get(`decrypt ${algorithm}`)!.equals(content)).toBe(true);
  });

  it.each(SIGNATURES)('it signs (%s), we verify', (arg, digestAlgorithm, signedAttributes) => {
    const signature = results.get(`sign ${arg}`)!;
    expect(verifyDetached(signature, content, { certificates: [id.cert] })).toMatchObject({
      ok: true,
      digestAlgorithm,
      signedAttributes,
    });
    const tampered = Buffer.from(content);
    tampered[tampered.length - 2]! ^= 1;
    const r = verifyDetached(signature, tampered, { certificates: [id.cert] });
    expect(r.ok ? 'ok' : r.error.code).toBe('integrity-check-failed');
  });
});
