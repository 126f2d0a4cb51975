import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEdi } from '../parse.js';
import { contrlNotes, x12Notes } from './notes.js';
import { validateGuides } from './validate.js';

const fixtures = fileURLToPath(new URL('../../guides/fixtures/', import.meta.url));

function findings(name: string, change: (text: string) => string) {
  const interchange = parseEdi(change(readFileSync(`${fixtures}${name}`, 'latin1'))).interchanges[0]!;
  validateGuides(interchange);
  return interchange.groups[0]!.sets[0]!.issues;
}

describe('acknowledgment notes from guide findings', () => {
  it('997/999: AK3 + AK4 from an element finding (5010 repetition position included)', () => {
    const issues = findings('x12/005010_850.edi', (t) => t.replace('N4*COLUMBUS*OH', 'N4*COLUMBUS*OHIO'));
    expect(x12Notes(issues[0]!)).toEqual({
      segment: { segmentId: 'N4', position: 15, loopId: 'N1', code: '8' },
      element: { element: 2, elementRef: '156', code: '5', badValue: 'OHIO' },
    });
    // The set-level summary is an AK5, not a segment note.
    expect(x12Notes(issues.find((i) => i.code === 'SET_SEGMENTS_IN_ERROR')!)).toBeUndefined();
  });

  it('997: no AK402 for a composite (its id is not a data element number)', () => {
    const issues = findings('x12/005010_850.edi', (t) => t.replace('REF*DP*038', 'REF*DP*038**IA>1>IA>2>IA>3>IA'));
    const note = x12Notes(issues.find((i) => i.code === 'ELEMENT_TOO_MANY_COMPONENTS')!);
    expect(note?.element).toEqual({ element: 4, component: 7, code: '13' });
  });

  it('997: AK3 alone for a segment finding at the root (no loop id)', () => {
    const issues = findings('x12/004010_850.edi', (t) => t.replace('BEG*00*SA*PO-4500012345**20261128~\n', ''));
    expect(x12Notes(issues.find((i) => i.code === 'SEGMENT_MANDATORY_MISSING')!)).toEqual({
      segment: { segmentId: 'BEG', position: 2, code: '3' },
    });
    // Envelope findings (here SE01 no longer matching) are not segment notes.
    expect(x12Notes(issues.find((i) => i.code === 'SET_COUNT_MISMATCH')!)).toBeUndefined();
  });

  it('CONTRL: UCS with 0085 for a segment finding, UCS + UCD for an element finding', () => {
    const missing = findings('edifact/D96A_ORDERS.edi', (t) => t.replace("BGM+220+PO4500012345+9'\n", ''));
    expect(contrlNotes(missing.find((i) => i.code === 'SEGMENT_MANDATORY_MISSING')!)).toEqual({
      segment: { position: 2, code: '13' },
    });
    const bad = findings('edifact/D96A_ORDERS.edi', (t) => t.replace('QTY+21:48', 'QTY+21:4B'));
    expect(contrlNotes(bad[0]!)).toEqual({
      segment: { position: 21 },
      element: { code: '37', element: 1, component: 2 },
    });
    expect(x12Notes(bad[0]!)).toBeUndefined();
  });
});
