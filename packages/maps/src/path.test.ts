import { describe, expect, it } from 'vitest';
import type { Segment } from '@edigate/edi';
import { parseElementRef, parsePath, readElement, readPath, selectAll, type Path } from './path.js';
import { arrangeByOutline, setOutline } from './structures.js';

/** `N1*BY*Name` → a segment; `>` separates components. */
function seg(text: string): Segment {
  const [tag, ...els] = text.split('*');
  return {
    tag: tag!,
    elements: els.map((e) => (e.includes('>') ? { components: e.split('>') } : e)),
    offset: 0,
    length: text.length + 1,
  };
}
const ok = (text: string): Path => {
  const p = parsePath(text);
  if ('message' in p) throw new Error(p.message);
  return p;
};

describe('element references', () => {
  it.each([
    ['N104', 'N1', 4, undefined],
    ['PO104', 'PO1', 4, undefined],
    ['BEG03', 'BEG', 3, undefined],
    ['SLN05-01', 'SLN', 5, 1],
    ['NAD02-3', 'NAD', 2, 3],
    ['CTT01', 'CTT', 1, undefined],
  ])('%s → %s %i', (text, tag, element, component) => {
    expect(parseElementRef(text)).toMatchObject({ tag, element, ...(component ? { component } : {}) });
  });
  it('does not read group names or position 00 as elements', () => {
    expect(parseElementRef('SG25')).toBeUndefined();
    expect(parseElementRef('N100')).toBeUndefined();
  });
});

describe('paths', () => {
  it('parses qualifiers, steps and shorthand', () => {
    expect(ok('BEG03')).toMatchObject({ steps: [{ name: 'BEG' }], element: { tag: 'BEG', element: 3 } });
    expect(ok('N1[N101=BY|ST].N104').steps[0]!.qualifiers[0]).toMatchObject({
      kind: 'element',
      op: '=',
      values: ['BY', 'ST'],
    });
    expect(ok('HL[S]/HL[O]').steps.map((s) => s.qualifiers[0])).toEqual([
      { kind: 'level', levels: ['S'] },
      { kind: 'level', levels: ['O'] },
    ]);
    expect(ok('SG2[NAD01=BY].NAD02-1').element).toMatchObject({ tag: 'NAD', element: 2, component: 1 });
    expect(ok('REF[REF02]').steps[0]!.qualifiers[0]).toMatchObject({ op: 'present' });
  });
  it('explains bad paths with an offset and a hint', () => {
    const e = parsePath('N1[N101=BY].N204');
    expect(e).toMatchObject({ message: 'element N204 does not belong to segment N1' });
    expect(parsePath('PO1/N104/PID')).toMatchObject({ message: expect.stringContaining('may only end a path') });
    expect(parsePath('N1[BY]')).not.toHaveProperty('message');
    expect(parsePath('N1[N101==BY]')).toHaveProperty('hint');
  });
  it('reads components and repetitions', () => {
    const s: Segment = {
      tag: 'REF',
      elements: ['ZZ', { repeats: ['A', { components: ['B1', 'B2'] }] }],
      offset: 0,
      length: 0,
    };
    expect(readElement(s, parseElementRef('REF02')!)).toBe('A');
    expect(readElement(s, parseElementRef('REF02-2#2')!)).toBe('B2');
    expect(readElement(s, parseElementRef('REF05')!)).toBe('');
  });
});

describe('walking a set arranged by the outline (no tree from the syntax core)', () => {
  const segments = [
    'ST*856*0001',
    'BSN*00*A1*20261122*0815',
    'HL*1**S',
    'TD5**2*UPSN',
    'N1*ST*DC*92*3',
    'N1*SF*WH*92*1',
    'HL*2*1*O',
    'PRF*PO-1',
    'HL*3*2*P',
    'MAN*GM*1',
    'HL*4*3*I',
    'LIN*1*VN*X',
    'SN1**2*EA',
    'HL*5*2*I',
    'LIN*2*VN*Y',
    'SE*16*0001',
  ].map(seg);
  const tree = arrangeByOutline(segments, setOutline('x12', '856', '004010')!);
  const root = { node: tree.root, tree, position: 1 };
  it('nests HL loops by HL02 and walks levels', () => {
    expect(tree.hierarchyRoots).toHaveLength(1);
    expect(selectAll(root, ok('HL[S]/HL[O]/HL[P]/HL[I]').steps)).toHaveLength(1);
    expect(selectAll(root, ok('HL[S]/HL[O]/HL[I]').steps)).toHaveLength(1);
    expect(readPath(root, ok('HL[S]/N1[N101=SF].N102'))).toMatchObject({ value: 'WH', position: 6 });
    expect(readPath(root, ok('HL[S]/HL[O]/PRF.PRF01'))?.value).toBe('PO-1');
  });
  it('keeps an 850 N1 loop inside PO1 apart from the header N1 loop', () => {
    const t = arrangeByOutline(
      ['ST*850*1', 'BEG*00*SA*P1**20261120', 'N1*BY*B', 'PO1*1*1*EA*1', 'N1*ST*LineShipTo', 'CTT*1', 'SE*7*1'].map(seg),
      setOutline('x12', '850', '004010')!,
    );
    const r = { node: t.root, tree: t, position: 1 };
    expect(selectAll(r, ok('N1').steps)).toHaveLength(1);
    expect(readPath(r, ok('PO1/N1[N101=ST].N102'))?.value).toBe('LineShipTo');
    expect(readPath(r, ok('CTT01'))?.value).toBe('1');
  });
});
