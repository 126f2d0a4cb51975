/**
 * Shared by the acknowledgment tests: acknowledge an input with a fixed clock
 * and control numbers, and re-read an acknowledgment with our parser (envelope
 * and guides) and with node-x12.
 */
import { X12Parser } from 'node-x12';
import { allIssues, parseEdi, validateGuides, type EdiIssue } from '@edigate/edi';
import { acknowledge, type AcknowledgeOptions, type Acknowledgment } from '@edigate/acks';

/** The clock and control numbers every golden case uses. */
export const fixed = {
  at: { date: '20261129', time: '0930' },
  controlNumbers: { interchange: 1, group: 1, set: 1 },
} as const;

/** Parses `input` and acknowledges each interchange with the fixed clock and control numbers. */
export function acknowledgeAll(input: Uint8Array | string, policy: Partial<AcknowledgeOptions> = {}): Acknowledgment[] {
  const { interchanges } = parseEdi(input);
  return interchanges.flatMap((ic) => acknowledge(ic, { ...fixed, ...policy }));
}

/** Our parser's findings on an acknowledgment: envelope and guides (997, 999, CONTRL, TA1). */
export function reparseIssues(bytes: Uint8Array): { issues: EdiIssue[]; supported: boolean[] } {
  const result = parseEdi(bytes);
  const issues = [...result.issues];
  const supported: boolean[] = [];
  if (result.interchanges.length !== 1)
    issues.push({
      code: 'NOT_ONE_INTERCHANGE',
      severity: 'error',
      level: 'file',
      message: `${result.interchanges.length} interchanges`,
      codes: {},
    });
  for (const ic of result.interchanges) {
    validateGuides(ic);
    issues.push(...allIssues(ic));
    for (const g of ic.groups) for (const s of g.sets) supported.push(s.supported === true);
  }
  return { issues, supported };
}

/**
 * node-x12's reading of an X12 acknowledgment: strict for 997/999 (it throws
 * on a structural error); a TA1 interchange needs the lenient mode, since
 * node-x12 refuses a TA1 outside a functional group in strict mode.
 */
export function nodeX12Read(text: string, kind: string): { groups: number; sets: number } {
  const parsed = new X12Parser(kind !== 'ta1').parse(text);
  const ic = Array.isArray(parsed) ? parsed[0] : parsed;
  if (ic === undefined) throw new Error('node-x12 read no interchange');
  const groups = ic.functionalGroups;
  return { groups: groups.length, sets: groups.reduce((n, g) => n + g.transactions.length, 0) };
}
