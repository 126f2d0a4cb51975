import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSelfSigned } from '@edigate/gateway';
import { run } from '../program.js';
import { captureIo } from '../testing.js';
import type { AckJson } from './ack.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (p: string) => path.join(root, 'test/acks/golden', p);
const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-ack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const emptyHome = path.join(dir, 'empty');
mkdirSync(emptyHome);
const at = '2026-11-29T09:30:00Z';

const io = captureIo;

describe('edigate ack', () => {
  it('prints the golden 997 for a rejected set, exit 1', async () => {
    const t = io();
    expect(await run(['ack', golden('x12-4010-850-bad-code.edi'), '--home', emptyHome, '--at', at], t.io)).toBe(1);
    expect(t.out.join('')).toBe(readFileSync(golden('x12-4010-850-bad-code.ack.edi'), 'latin1'));
  });

  it('reads standard input and writes --out; exit 0 when everything is accepted', async () => {
    const t = io([readFileSync(golden('edifact-orders-valid.edi'))]);
    const out = path.join(dir, 'contrl.edi');
    expect(await run(['ack', '-', '--home', emptyHome, '--at', at, '--out', out], t.io)).toBe(0);
    expect(t.out.join('')).toBe('');
    expect(readFileSync(out, 'latin1')).toBe(readFileSync(golden('edifact-orders-valid.ack.edi'), 'latin1'));
  });

  it('--type 999 --json: a summary beside the text', async () => {
    const t = io();
    expect(
      await run(
        ['ack', golden('x12-5010-850-partial.edi'), '--type', '999', '--json', '--home', emptyHome, '--at', at],
        t.io,
      ),
    ).toBe(1);
    const report = JSON.parse(t.out.join('')) as { acknowledgments: AckJson[] };
    expect(report.acknowledgments).toHaveLength(1);
    const [ack] = report.acknowledgments;
    expect(ack).toMatchObject({
      kind: '999',
      controlNumber: '000000001',
      summary: { groups: [{ acknowledgment: 'P', sets: ['A', 'R'] }] },
    });
    expect(ack!.text).toBe(readFileSync(golden('x12-5010-850-partial.ack.edi'), 'latin1'));
  });

  it('--type ta1 and --control-number; a kind that does not apply is exit 1 with a message', async () => {
    const t = io();
    expect(
      await run(
        [
          'ack',
          golden('x12-4010-850-valid.edi'),
          '--type',
          'ta1',
          '--control-number',
          '42',
          '--home',
          emptyHome,
          '--at',
          at,
        ],
        t.io,
      ),
    ).toBe(0);
    expect(t.out.join('')).toContain('*000000042*0*T*>~\nTA1*000000101*261128*1200*A*000~\nIEA*0*000000042~');
    const u = io();
    expect(await run(['ack', golden('x12-4010-850-valid.edi'), '--type', 'contrl', '--home', emptyHome], u.io)).toBe(1);
    expect(u.err.join('')).toContain('no acknowledgment of type contrl applies');
  });

  it('our ids from edigate.yaml; the partner’s acks policy from its profile', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, 'partner-profiles'), { recursive: true });
    const pair = createSelfSigned({ commonName: 'EDIGATE-TEST', modulusLength: 1024 });
    writeFileSync(path.join(home, 'key.pem'), pair.privateKey);
    writeFileSync(path.join(home, 'cert.pem'), pair.certificate);
    writeFileSync(
      path.join(home, 'edigate.yaml'),
      'as2:\n  id: EDIGATE-TEST\n  key: key.pem\n  certificate: cert.pem\nx12:\n  qualifier: "01"\n  id: "123456789"\n',
    );
    writeFileSync(
      path.join(home, 'partner-profiles', 'acme.yaml'),
      'id: acme\nname: Acme\nmode: api\nx12:\n  qualifier: ZZ\n  id: ACMEBUYER\nacks:\n  x12Ack: "999"\n  ta1: always\n',
    );
    const t = io();
    expect(await run(['ack', golden('x12-4010-850-valid.edi'), '--home', home, '--at', at, '--json'], t.io)).toBe(0);
    expect(t.err.join('')).toBe('');
    const report = JSON.parse(t.out.join('')) as { acknowledgments: AckJson[] };
    expect(report.acknowledgments.map((a) => a.kind)).toEqual(['ta1', '999']);
    expect(report.acknowledgments[1]!.sender).toEqual({ qualifier: '01', id: '123456789' });
    expect(report.acknowledgments[1]!.text).toContain(
      'ISA*00*          *00*          *01*123456789      *ZZ*ACMEBUYER      *',
    );
  });

  it('exit 2 for an unreadable file; exit 1 when no interchange is found', async () => {
    expect(await run(['ack', path.join(dir, 'missing.edi'), '--home', emptyHome], io().io)).toBe(2);
    const t = io([Buffer.from('not edi at all\n')]);
    expect(await run(['ack', '-', '--home', emptyHome], t.io)).toBe(1);
    expect(t.err.join('')).toContain('no X12 or EDIFACT interchange found');
  });
});
