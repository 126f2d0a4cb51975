import crypto from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHome, formatConfigIssue } from './load.js';
import { parseDuration, parseSize } from './schema.js';
import { createSelfSigned } from '../certs.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const pair = createSelfSigned({ commonName: 'TEST', days: 30 });

describe('loadHome', () => {
  it('loads the repository demo home and generates demo keys when absent', () => {
    const dir = home({});
    // Copy of the shipped demo files into a temp home, so the real .edigate stays untouched.
    const repo = path.resolve(import.meta.dirname, '../../../..');
    for (const f of [
      'edigate.yaml',
      'partner-profiles/p_001.yaml',
      'partner-profiles/p_002.yaml',
      'partner-profiles/p_003.yaml',
      'partner-profiles/p_004.yaml',
    ]) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), readText(path.join(repo, f)));
    }
    const { config, issues } = loadHome(dir, { env: {} });
    expect(issues).toEqual([]);
    expect(config!.as2.id).toBe('EDIGATE-DEMO');
    expect(config!.as2.keys).toHaveLength(1);
    expect(config!.partners.map((p) => [p.id, p.mode])).toEqual([
      ['p_001', 'api'],
      ['p_002', 'sftp'],
      ['p_003', 'as2'],
      ['p_004', 'as2'],
    ]);
    const initech = config!.partners[2]!;
    expect(initech.as2!.certificates[0]).toContain('BEGIN CERTIFICATE');
    expect(initech.sla!.ack).toBe(15 * 60_000);
    expect(config!.notices.join('\n')).toMatch(/generated demo key/);
    expect(existsSync(path.join(dir, '.edigate/demo-keys/edigate.key.pem'))).toBe(true);
    expect(config!.archive.dir).toBe(path.join(dir, '.edigate/archive'));
    expect(config!.http.maxBodySize).toBe(100 * 1024 ** 2);
    // second load: nothing generated
    expect(loadHome(dir, { env: {} }).config!.notices).toEqual([]);
  });

  it('PORT and DATABASE_URL override the file', () => {
    const dir = home({
      'k.pem': pair.privateKey,
      'c.pem': pair.certificate,
      'edigate.yaml':
        'as2: { id: US, key: k.pem, certificate: c.pem }\nhttp: { port: 1234 }\ndatabase: { url: "postgres://a/b" }\n',
    });
    const { config } = loadHome(dir, { env: { PORT: '9999', DATABASE_URL: 'postgres://x/y' } });
    expect(config!.http.port).toBe(9999);
    expect(config!.database.url).toBe('postgres://x/y');
    expect(loadHome(dir, { env: {} }).config!.http.port).toBe(1234);
  });

  it('names file, line and field of a bad value', () => {
    const dir = home({
      'k.pem': pair.privateKey,
      'c.pem': pair.certificate,
      'edigate.yaml': 'as2: { id: US, key: k.pem, certificate: c.pem }\n',
      'partner-profiles/p_9.yaml':
        'id: p_9\nname: Nine\nas2:\n  id: NINE\n  certificate: ../c.pem\n  requireSinged: true\n  signingAlgorithm: md5\n',
    });
    const { config, issues } = loadHome(dir, { env: {} });
    expect(config).toBeUndefined();
    const text = issues.map(formatConfigIssue).join('\n');
    expect(text).toContain('p_9.yaml:7:3: as2.signingAlgorithm:');
    expect(text).toMatch(/p_9\.yaml:3:1: as2: .*requireSinged/);
  });

  it('never silently replaces a configured production key', () => {
    const dir = home({ 'edigate.yaml': 'as2: { id: US, key: keys/k.pem, certificate: keys/c.pem }\n' });
    const { config, issues } = loadHome(dir, { env: {} });
    expect(config).toBeUndefined();
    expect(issues.map(formatConfigIssue).join('\n')).toMatch(/edigate\.yaml:1:\d+: as2\.key: cannot read .*ENOENT/);
    expect(existsSync(path.join(dir, 'keys/k.pem'))).toBe(false);
  });

  it('opens an encrypted key with as2.keyPassphrase or EDIGATE_KEY_PASSPHRASE, and says what to fix otherwise', () => {
    const encrypted = crypto
      .createPrivateKey(pair.privateKey)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }) as string;
    const files = (yaml: string) => home({ 'edigate.yaml': yaml, 'k.pem': encrypted, 'c.pem': pair.certificate });
    const base = 'as2: { id: US, key: k.pem, certificate: c.pem';

    const missing = loadHome(files(`${base} }\n`), { env: {} });
    expect(missing.config).toBeUndefined();
    expect(missing.issues.map((i) => `${i.field}: ${i.message}`).join('\n')).toMatch(
      /as2\.key: .*k\.pem is encrypted: set as2\.keyPassphrase \(or the environment variable EDIGATE_KEY_PASSPHRASE\)/,
    );

    const wrong = loadHome(files(`${base}, keyPassphrase: nope }\n`), { env: {} });
    expect(wrong.issues.map((i) => i.message).join('\n')).toMatch(/could not be opened with the passphrase given/);

    for (const [yaml, env] of [
      [`${base}, keyPassphrase: open sesame }\n`, {}],
      [`${base}, keyPassphrase: nope }\n`, { EDIGATE_KEY_PASSPHRASE: 'open sesame' }],
    ] as const) {
      const { config, issues } = loadHome(files(yaml), { env });
      expect(issues).toEqual([]);
      const key = config!.as2.keys[0]!.privateKey;
      // Opened in memory: the same key, now usable without a passphrase.
      expect(key).not.toContain('ENCRYPTED');
      expect(crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' })).toBe(
        crypto.createPublicKey(pair.privateKey).export({ type: 'spki', format: 'pem' }),
      );
    }
  });

  it('reports a key file that is not a usable key', () => {
    const broken = pair.privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    const { issues } = loadHome(
      home({
        'edigate.yaml': 'as2: { id: US, key: k.pem, certificate: c.pem }\n',
        'k.pem': broken,
        'c.pem': pair.certificate,
      }),
      { env: {} },
    );
    expect(issues.map((i) => `${i.field}: ${i.message}`).join('\n')).toMatch(
      /as2\.key: .*k\.pem is not a usable private key/,
    );
  });

  it('reports YAML syntax errors with a line', () => {
    const dir = home({ 'edigate.yaml': 'as2:\n  id: [unclosed\n' });
    const { issues } = loadHome(dir, { env: {} });
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it('accepts two certificates during a rollover and rejects both spellings at once', () => {
    const other = createSelfSigned({ commonName: 'TEST2', days: 30 });
    const dir = home({
      'k.pem': pair.privateKey,
      'c.pem': pair.certificate,
      'c2.pem': other.certificate,
      'edigate.yaml':
        'as2: { id: US, key: k.pem, certificate: c.pem, previousKeys: [{ key: k.pem, certificate: c.pem }] }\n',
      'partner-profiles/a.yaml': 'id: a\nname: A\nas2: { id: A, certificates: [../c.pem, ../c2.pem] }\n',
    });
    const { config, issues } = loadHome(dir, { env: {} });
    expect(issues).toEqual([]);
    expect(config!.partners[0]!.as2!.certificates).toHaveLength(2);
    expect(config!.as2.keys).toHaveLength(2);
    writeFileSync(
      path.join(dir, 'partner-profiles/a.yaml'),
      'id: a\nname: A\nas2: { id: A, certificate: ../c.pem, certificates: [../c2.pem] }\n',
    );
    expect(loadHome(dir, { env: {} }).issues[0]!.field).toBe('as2.certificates');
  });
});

describe('units', () => {
  it('parses durations and sizes', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseSize('100mb')).toBe(104_857_600);
    expect(parseSize(512)).toBe(512);
    expect(parseSize('-1')).toBeUndefined();
  });
});

function readText(f: string): string {
  return readFileSync(f, 'utf8');
}
