import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';
import { captureIo } from '../testing.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'edigate-maps-'));
cpSync(path.join(repoRoot, 'maps'), path.join(home, 'maps'), { recursive: true });
mkdirSync(path.join(home, 'partner-profiles'));
for (const p of ['p_003', 'p_004'])
  cpSync(path.join(repoRoot, 'partner-profiles', `${p}.yaml`), path.join(home, 'partner-profiles', `${p}.yaml`));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function io() {
  const captured = captureIo();
  return { ...captured, text: () => captured.out.join('') };
}

describe('edigate maps check / maps test / translate', () => {
  it('maps check: every shipped map loads', async () => {
    const o = io();
    expect(await run(['maps', 'check', '--home', home], o.io)).toBe(0);
    expect(o.text()).toMatch(/17 maps, 0 errors/);
  });
  it('maps check: a typo says file:line:column and how to fix it', async () => {
    const file = path.join(home, 'maps', 'p_003', '850.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}  declaredLineCount: { path: CTT09, type: integer }\n`);
    const o = io();
    expect(await run(['maps', 'check', '--home', home], o.io)).toBe(1);
    expect(o.text()).toMatch(/FAIL maps\/p_003\/850\.yaml/);
    expect(o.text()).toMatch(
      /ELEMENT_PAST_END p_003\/850\.yaml:\d+:\d+ fields\.declaredLineCount: CTT09: CTT has 7 elements/,
    );
    writeFileSync(file, good);
  });
  it('maps test: passes, then shows a readable diff when an expectation drifts', async () => {
    const o = io();
    expect(await run(['maps', 'test', 'p_004', '--home', home], o.io)).toBe(0);
    expect(o.text()).toMatch(/PASS p_004\/tests\/orders/);
    const expected = path.join(home, 'maps', 'p_004', 'tests', 'orders.expected.json');
    const original = readFileSync(expected, 'utf8');
    writeFileSync(expected, original.replace('"value": 120', '"value": 12'));
    const f = io();
    expect(await run(['maps', 'test', 'p_004', '--home', home], f.io)).toBe(1);
    expect(f.text()).toMatch(/FAIL p_004\/tests\/orders/);
    expect(f.text()).toContain('-             "value": 12,');
    expect(f.text()).toContain('+             "value": 120,');
    const u = io();
    expect(await run(['maps', 'test', 'p_004', '--update', '--home', home], u.io)).toBe(0);
    expect(readFileSync(expected, 'utf8')).toBe(original);
  });
  it('translate: finds the partner from the sender, prints documents, exit 1 on a failed set', async () => {
    const o = io();
    expect(
      await run(['translate', path.join(home, 'maps/p_003/tests/po-basic.edi'), '--home', home, '--json'], o.io),
    ).toBe(0);
    const [r] = JSON.parse(o.text()) as {
      map: string;
      document: { externalId: string; source: { partner: string } };
    }[];
    expect(r).toMatchObject({
      map: 'p_003/850.yaml',
      document: { externalId: 'PO-45001', source: { partner: 'p_003' } },
    });
    const f = io();
    expect(
      await run(['translate', path.join(home, 'maps/p_003/tests/po-unknown-unit.edi'), '--home', home], f.io),
    ).toBe(1);
    expect(f.text()).toMatch(/UNKNOWN_CODE .*unknown code 'XX' in table x12Unit \(input segment 4 PO1\)/);
  });
  it('translate: a sender with no partner gets the standard maps; --partner overrides', async () => {
    const file = path.join(home, 'stranger.edi');
    writeFileSync(
      file,
      readFileSync(path.join(home, 'maps/p_003/tests/po-basic.edi'), 'latin1')
        .replace('INITECH        ', 'STRANGER       ')
        .replace('*INITECH*', '*STRANGER*'),
      'latin1',
    );
    const o = io();
    await run(['translate', file, '--home', home, '--json'], o.io);
    expect(JSON.parse(o.text())[0]).toMatchObject({
      map: 'standard/x12/004010/850.yaml',
      document: { source: { partner: null } },
    });
    const p = io();
    await run(['translate', file, '--partner', 'p_003', '--home', home, '--json'], p.io);
    expect(JSON.parse(p.text())[0]).toMatchObject({ map: 'p_003/850.yaml' });
    const bad = io();
    expect(await run(['translate', path.join(home, 'nope.edi'), '--home', home], bad.io)).toBe(2);
  });
});
