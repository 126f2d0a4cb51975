/**
 * The third-party corpus (/work/shared/corpus, see its README) through
 * `acknowledge` under every policy: it never throws, and every acknowledgment
 * it writes re-reads with no finding from our parser and guides (and, for X12,
 * node-x12 reads it). An interchange that is itself an acknowledgment (staedi's
 * TA1-only file) gets none. Skipped when the corpus is absent; read in place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AcknowledgeOptions } from '@edigate/acks';
import { acknowledgeAll, nodeX12Read, reparseIssues } from './helpers.js';

const corpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const present = existsSync(`${corpus}README.md`);
const files = present
  ? ['x12', 'edifact'].flatMap((dir) => readdirSync(`${corpus}${dir}`).map((f) => `${dir}/${f}`))
  : [];

const policies: Partial<AcknowledgeOptions>[] = [
  { x12Ack: '997', ta1: 'always', contrl: 'always' },
  { x12Ack: '999', ta1: 'always', contrl: 'always', delimiters: 'mirror' },
  { x12Ack: '997', ta1: 'always', contrl: 'always', contrlReceiptOnly: true, delimiters: 'mirror' },
];

describe.skipIf(!present)('acknowledge over the third-party corpus', () => {
  it.each(files)('%s', (file) => {
    const input = readFileSync(`${corpus}${file}`);
    for (const policy of policies) {
      const acks = acknowledgeAll(input, policy);
      for (const ack of acks) {
        const { issues } = reparseIssues(ack.bytes);
        expect(issues, `${ack.kind} ${JSON.stringify(policy)}`).toEqual([]);
        // node-x12 reads single-byte delimiters only (staedi ts214 ends segments with U+2026, mirrored here).
        const ascii = Object.values(ack.interchange.delimiters).every(
          (c) => typeof c !== 'string' || [...c].every((ch) => ch.charCodeAt(0) < 0x80),
        );
        if (ack.interchange.standard === 'x12' && ascii)
          expect(() => nodeX12Read(Buffer.from(ack.bytes).toString('latin1'), ack.kind)).not.toThrow();
      }
    }
  });
});
