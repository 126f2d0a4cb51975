/**
 * Test support: the `openssl` CLI as the independent CMS peer of our unit
 * tests. Generates throw-away RSA keys and self-signed certificates in a
 * temporary directory. Not exported from the package; only tests import it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when an `openssl` binary with the `cms` command is on the PATH. */
export function hasOpenssl(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0 && /OpenSSL 3\./.test(r.stdout);
}

/** A key pair with its certificate, as files and as PEM text. */
export interface TestIdentity {
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
}

/** A temporary directory with helpers to run openssl in it. */
export class OpensslPeer {
  readonly dir = mkdtempSync(join(tmpdir(), 'edigate-cms-'));
  private n = 0;

  /** A fresh file path in the directory. */
  file(name: string): string {
    return join(this.dir, `${this.n++}-${name}`);
  }

  /** Writes bytes to a fresh file and returns its path. */
  write(name: string, data: Uint8Array | string): string {
    const f = this.file(name);
    writeFileSync(f, data);
    return f;
  }

  /** Runs openssl; returns stdout. Throws with stderr on a non-zero exit. */
  run(args: string[], input?: Uint8Array): Buffer {
    return execFileSync('openssl', args, { input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Runs openssl; returns the exit status and output without throwing. */
  try(args: string[], input?: Uint8Array): { status: number; stdout: Buffer; stderr: string } {
    const r = spawnSync('openssl', args, { input, maxBuffer: 256 * 1024 * 1024 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  }

  /** An RSA key and a self-signed certificate (with a subject key identifier, as `openssl req` adds). */
  identity(cn: string, bits = 2048): TestIdentity {
    const keyFile = this.file(`${cn}.key`);
    const certFile = this.file(`${cn}.crt`);
    this.run(
      ['req', '-x509', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', keyFile, '-out', certFile].concat([
        '-subj',
        `/CN=${cn}/O=edigate test`,
        '-days',
        '30',
      ]),
    );
    return { keyFile, certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  }

  /** Removes the directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
