import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSelfSigned } from '@edigate/gateway';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';
import { captureIo } from '../testing.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'edigate-serve-'));
// Both homes use their embedded PGlite ledger, not a PostgreSQL the environment may name (CI sets DATABASE_URL).
const databaseUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;
afterAll(() => {
  if (databaseUrl !== undefined) process.env.DATABASE_URL = databaseUrl;
  rmSync(root, { recursive: true, force: true });
});

const io = captureIo;

/** Two homes that know each other: "us" serves, "them" sends with `edigate send`. */
function homes() {
  const us = createSelfSigned({ commonName: 'CLI-US', days: 5 });
  const them = createSelfSigned({ commonName: 'CLI-THEM', days: 5 });
  const make = (name: string, me: typeof us, other: typeof us, otherId: string, otherAs2: string, url: string) => {
    const dir = path.join(root, name);
    mkdirSync(path.join(dir, 'partner-profiles'), { recursive: true });
    writeFileSync(path.join(dir, 'me.key.pem'), me.privateKey);
    writeFileSync(path.join(dir, 'me.cert.pem'), me.certificate);
    writeFileSync(path.join(dir, 'other.cert.pem'), other.certificate);
    // Demo-partner style: the partner's key sits beside its profile, so `send --as` can play it.
    writeFileSync(path.join(dir, 'other.key.pem'), other.privateKey);
    writeFileSync(
      path.join(dir, 'edigate.yaml'),
      `as2: { id: ${name === 'us' ? 'CLI-US' : 'CLI-THEM'}, key: me.key.pem, certificate: me.cert.pem }\nlog: { level: silent }\n`,
    );
    writeFileSync(
      path.join(dir, `partner-profiles/${otherId}.yaml`),
      `id: ${otherId}\nname: Other\nas2: { id: ${otherAs2}, url: "${url}", certificate: ../other.cert.pem, key: ../other.key.pem }\nx12: { qualifier: ZZ, id: ${otherAs2} }\n`,
    );
    return dir;
  };
  return { make, us, them };
}

describe('edigate serve + edigate send', () => {
  it('serves a home; send delivers a file and checks the signed MDN; SIGTERM stops the server', async () => {
    const h = homes();
    const usDir = h.make('us', h.us, h.them, 'them', 'CLI-THEM', 'http://127.0.0.1:1/unused');
    const served = io();
    const serving = run(['serve', '--home', usDir, '--port', '0'], served.io);
    let port = 0;
    for (let i = 0; i < 400 && !port; i++) {
      await new Promise((r) => setTimeout(r, 50));
      port = Number(/on port (\d+)/.exec(served.err.join(''))?.[1] ?? 0);
    }
    expect(port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const themDir = h.make('them', h.them, h.us, 'us', 'CLI-US', `http://127.0.0.1:${port}/as2`);
    writeFileSync(path.join(themDir, 'po.edi'), 'ISA*00*~IEA*0*1~');
    const sent = io();
    const code = await run(
      ['send', path.join(themDir, 'po.edi'), '--partner', 'us', '--home', themDir, '--json'],
      sent.io,
    );
    const result = JSON.parse(sent.out.join('')) as {
      status: string;
      mdn: { micMatches: boolean; signatureValid: boolean };
    };
    expect(result.status).toBe('delivered');
    expect(result.mdn.micMatches).toBe(true);
    expect(result.mdn.signatureValid).toBe(true);
    expect(code).toBe(0);

    // Playing the partner from our own home, while serve runs on it (the sender records nothing here).
    const played = io();
    expect(
      await run(
        [
          'send',
          path.join(themDir, 'po.edi'),
          '--as',
          'them',
          '--home',
          usDir,
          '--url',
          `http://127.0.0.1:${port}/as2`,
        ],
        played.io,
      ),
    ).toBe(0);
    expect(played.out.join('')).toMatch(/^delivered .* to CLI-US .*\n {2}MDN: .*processed \(MIC matches\)/);

    expect(await run(['send', path.join(themDir, 'po.edi'), '--partner', 'nobody', '--home', themDir], io().io)).toBe(
      2,
    );

    process.emit('SIGTERM');
    expect(await serving).toBe(0);
    // Two on-disk PGlite ledgers are created here (serve and send), the slow part.
  }, 120_000);

  it('an invalid home is exit 2 with the file and field', async () => {
    const bad = path.join(root, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'edigate.yaml'), 'as2: { id: X, key: nope.pem, certificate: nope.pem }\n');
    const o = io();
    expect(await run(['serve', '--home', bad, '--port', '0'], o.io)).toBe(2);
    expect(o.err.join('')).toMatch(/edigate\.yaml:1:\d+: as2\.key: cannot read/);
  });
});
