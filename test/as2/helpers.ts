import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSelfSigned, type KeyAndCertificate } from '@edigate/gateway';

/** Key pairs made once per process (RSA generation is the slow part of a fixture). */
const pairs = new Map<string, KeyAndCertificate>();
export function pairFor(name: string, opts: { days?: number; notBefore?: Date } = {}): KeyAndCertificate {
  const key = `${name}:${opts.days ?? ''}:${opts.notBefore?.toISOString() ?? ''}`;
  let p = pairs.get(key);
  if (!p) {
    p = createSelfSigned({
      commonName: name,
      days: opts.days ?? 30,
      ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
    });
    pairs.set(key, p);
  }
  return p;
}

/** A partner in a test home. */
export interface TestPartner {
  id: string;
  as2Id: string;
  /** Extra YAML lines inside the as2 block (two-space indented by the helper). */
  as2?: Record<string, unknown>;
  pair?: KeyAndCertificate;
  /** More certificates (rollover). */
  extraCertificates?: KeyAndCertificate[];
}

/** A temporary edigate home: our key pair, partner profiles, and a cleanup. */
export interface TestHome {
  dir: string;
  us: KeyAndCertificate;
  usId: string;
  partners: Record<string, KeyAndCertificate>;
  cleanup(): void;
}

export function makeHome(opts: {
  usId?: string;
  us?: KeyAndCertificate;
  partners: TestPartner[];
  http?: Record<string, unknown>;
  archive?: Record<string, unknown>;
}): TestHome {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-as2-'));
  const usId = opts.usId ?? 'EDIGATE';
  const us = opts.us ?? pairFor(usId);
  mkdirSync(path.join(dir, 'keys'));
  mkdirSync(path.join(dir, 'partner-profiles'));
  writeFileSync(path.join(dir, 'keys/us.key.pem'), us.privateKey);
  writeFileSync(path.join(dir, 'keys/us.cert.pem'), us.certificate);
  const lines = [`as2: { id: ${usId}, key: keys/us.key.pem, certificate: keys/us.cert.pem }`, `log: { level: silent }`];
  if (opts.http) lines.push(`http: ${JSON.stringify(opts.http)}`);
  if (opts.archive) lines.push(`archive: ${JSON.stringify(opts.archive)}`);
  writeFileSync(path.join(dir, 'edigate.yaml'), `${lines.join('\n')}\n`);
  const partners: Record<string, KeyAndCertificate> = {};
  for (const p of opts.partners) {
    const pair = p.pair ?? pairFor(p.as2Id);
    partners[p.id] = pair;
    writeFileSync(path.join(dir, `keys/${p.id}.cert.pem`), pair.certificate);
    writeFileSync(path.join(dir, `keys/${p.id}.key.pem`), pair.privateKey);
    const certs = [`../keys/${p.id}.cert.pem`];
    (p.extraCertificates ?? []).forEach((c, i) => {
      writeFileSync(path.join(dir, `keys/${p.id}.extra${i}.cert.pem`), c.certificate);
      certs.push(`../keys/${p.id}.extra${i}.cert.pem`);
    });
    const as2 = { id: p.as2Id, certificates: certs, key: `../keys/${p.id}.key.pem`, ...(p.as2 ?? {}) };
    writeFileSync(
      path.join(dir, `partner-profiles/${p.id}.yaml`),
      `id: ${p.id}\nname: Partner ${p.id}\nas2: ${JSON.stringify(as2)}\nx12: { qualifier: ZZ, id: ${p.as2Id.slice(0, 15)} }\n`,
    );
  }
  return { dir, us, usId, partners, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `check` until it returns true (or `timeoutMs` passes); for work the server does after answering. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}
