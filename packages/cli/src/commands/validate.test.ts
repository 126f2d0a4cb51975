import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';
import { captureIo } from '../testing.js';
import type { FileReport } from './validate.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = (p: string) => path.join(root, 'test/edi/fixtures', p);
const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureIo;

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const valid = fixture('x12/valid-850-4010.edi');
const broken = file('broken.edi', readFileSync(valid, 'latin1').replace('SE*8*0001', 'SE*9*0001'));

describe('edigate validate', () => {
  it('exit 0 and a readable report for a valid file', async () => {
    const t = io();
    expect(await run(['validate', valid, fixture('edifact/valid-ung-one-line.edi')], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toContain('interchange 1: X12 00401, control 000000101, ZZ:SENDERID -> ZZ:RECEIVERID');
    expect(text).toContain('set 1: 850 control 0001');
    expect(text).toContain('valid-850-4010.edi: VALID (1 interchange(s), 1 group(s), 1 set(s), 0 error(s)');
    expect(text).toContain('valid-ung-one-line.edi: VALID');
  });

  it('exit 1 with the issue, its position and standard code for an invalid file', async () => {
    const t = io();
    expect(await run(['validate', broken], t.io)).toBe(1);
    const text = t.out.join('');
    expect(text).toMatch(
      /error SET_COUNT_MISMATCH: SE declares 9 segments; the set has 8 \(segment 8, SE, element 1, value "9", byte \d+, AK502=4\)/,
    );
    expect(text).toContain('broken.edi: INVALID');
  });

  it('--json gives the report as JSON', async () => {
    const t = io();
    expect(await run(['validate', '--json', broken, valid], t.io)).toBe(1);
    const report = JSON.parse(t.out.join('')) as { valid: boolean; files: FileReport[] };
    expect(report.valid).toBe(false);
    const [bad, good] = report.files;
    expect(good).toMatchObject({ valid: true, counts: { interchanges: 1, groups: 1, sets: 1, errors: 0 } });
    expect(bad!.interchanges[0]!.groups[0]!.sets[0]!.issues[0]).toMatchObject({
      code: 'SET_COUNT_MISMATCH',
      codes: { ak502: '4' },
      segmentPosition: 8,
    });
  });

  it('exit 2 for a missing file; 1 for a file with no interchange; malformed input never crashes', async () => {
    const missing = io();
    expect(await run(['validate', path.join(dir, 'nope.edi')], missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('cannot read');
    const empty = io();
    expect(await run(['validate', file('empty.edi', '')], empty.io)).toBe(1);
    expect(empty.out.join('')).toContain('NO_INTERCHANGE');
    const junk = io();
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
    expect(await run(['validate', file('junk.edi', Buffer.concat([Buffer.from('ISA*'), bytes]))], junk.io)).toBe(1);
    const dirArg = io();
    expect(await run(['validate', dir], dirArg.io)).toBe(2);
  });

  it('reads standard input for -', async () => {
    const data = readFileSync(valid);
    const t = io([data.subarray(0, 50), data.subarray(50)]);
    expect(await run(['validate', '-', '--home', dir], t.io)).toBe(0);
    expect(t.out.join('')).toContain('-: VALID');
  });

  it('--ignore-line-breaks accepts a file wrapped at 80 columns', async () => {
    const wrapped = file(
      'wrapped.edi',
      readFileSync(fixture('x12/valid-850-4010-one-line.edi'), 'latin1').replace(/(.{80})/g, '$1\n'),
    );
    expect(await run(['validate', wrapped], io().io)).toBe(1);
    expect(await run(['validate', '--ignore-line-breaks', wrapped], io().io)).toBe(0);
  });

  it('runs as `pnpm edigate validate` in a child process', async () => {
    const exec = promisify(execFile);
    const failed = await exec('pnpm', ['-s', 'edigate', 'validate', '--json', valid, broken], { cwd: root }).catch(
      (err: { code: number; stdout: string }) => err,
    );
    expect((failed as { code: number }).code).toBe(1);
    const report = JSON.parse((failed as { stdout: string }).stdout) as { files: FileReport[] };
    expect(report.files.map((f) => f.valid)).toEqual([true, false]);
  });
});
