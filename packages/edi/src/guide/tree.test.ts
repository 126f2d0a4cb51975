import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEdi } from '../parse.js';
import type { LoopNode, TransactionSet } from '../types.js';
import { elementText } from '../values.js';
import { childLoops, findLoops, firstSegment, hierarchyLevels, loopsAt, segmentsOf, walkTree } from './tree.js';
import { validateGuides } from './validate.js';

const fixtures = fileURLToPath(new URL('../../guides/fixtures/', import.meta.url));

function firstSet(name: string): TransactionSet {
  const interchange = parseEdi(readFileSync(`${fixtures}${name}`)).interchanges[0]!;
  validateGuides(interchange);
  return interchange.groups[0]!.sets[0]!;
}

const tags = (node: LoopNode): string[] =>
  node.children.map((c) => (c.kind === 'segment' ? c.segment.tag : `[${c.id}]`));

describe('loop tree', () => {
  it('850: header segments at the root, N1 and PO1 loops by name, nested PID and SCH loops', () => {
    const tree = firstSet('x12/004010_850.edi').tree!;
    expect(tree.root.id).toBe('850');
    expect(tags(tree.root)).toEqual([
      'ST',
      'BEG',
      'CUR',
      'REF',
      'REF',
      'PER',
      'FOB',
      'ITD',
      'DTM',
      'TD5',
      '[N9]',
      '[N1]',
      '[N1]',
      '[PO1]',
      '[PO1]',
      '[CTT]',
      'SE',
    ]);
    const [shipTo, billTo] = childLoops(tree.root, 'N1');
    expect(elementText(firstSegment(shipTo!, 'N1')!, 1)).toBe('ST');
    expect(segmentsOf(billTo!, 'N4').map((s) => elementText(s, 1))).toEqual(['CINCINNATI']);
    const lines = findLoops(tree.root, 'PO1');
    expect(lines).toHaveLength(2);
    expect(tags(lines[0]!)).toEqual(['PO1', '[PID]', 'PO4', '[SCH]']);
    expect(loopsAt(tree.root, ['PO1', 'PID']).map((l) => elementText(firstSegment(l, 'PID')!, 5))).toEqual([
      'SMALL WIDGET',
      'LARGE WIDGET',
    ]);
    expect(tree.hierarchyRoots).toEqual([]);
    // Positions count from ST = 1 and every segment appears once, in source order.
    const positions = [...walkTree(tree)].flatMap(({ node }) => (node.kind === 'segment' ? [node.position] : []));
    expect(positions).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  });

  it('856: HL loops sit flat and nest by HL02 (S > O > P > I)', () => {
    const tree = firstSet('x12/004010_856.edi').tree!;
    expect(childLoops(tree.root, 'HL')).toHaveLength(6);
    expect(tree.hierarchyRoots).toHaveLength(1);
    const shipment = tree.hierarchyRoots[0]!;
    expect(shipment.hierarchy).toMatchObject({ id: '1', parentId: '', levelCode: 'S' });
    const order = shipment.hierarchy!.children[0]!;
    expect(order.hierarchy?.levelCode).toBe('O');
    expect(order.hierarchy!.children.map((p) => p.hierarchy!.id)).toEqual(['3', '5']);
    const items = order.hierarchy!.children.flatMap((p) => p.hierarchy!.children);
    expect(items.map((i) => elementText(firstSegment(i, 'LIN')!, 3))).toEqual(['012345678905', '012345678912']);
    expect(hierarchyLevels(tree, 'I')).toHaveLength(2);
    expect(childLoops(shipment, 'N1')).toHaveLength(2);
  });

  it('ORDERS: segment groups by SG number, nested groups inside their parent', () => {
    const tree = firstSet('edifact/D96A_ORDERS.edi').tree!;
    expect(tree.root.id).toBe('ORDERS');
    const parties = childLoops(tree.root, 'SG2');
    expect(parties.map((p) => elementText(firstSegment(p, 'NAD')!, 1))).toEqual(['BY', 'SU', 'DP']);
    expect(childLoops(parties[1]!, 'SG3')).toHaveLength(1);
    expect(findLoops(parties[2]!, 'SG5')).toHaveLength(1);
    const lines = childLoops(tree.root, 'SG25');
    expect(lines).toHaveLength(2);
    expect(tags(lines[1]!)).toEqual(['LIN', 'QTY', '[SG28]', '[SG29]']);
    expect(segmentsOf(tree.root, 'UNS')).toHaveLength(1);
  });

  it('an HL whose HL02 names no earlier HL stays flat and joins no hierarchy', () => {
    const text = readFileSync(`${fixtures}x12/004010_856.edi`, 'latin1').replace('HL*4*3*I', 'HL*4*9*I');
    const interchange = parseEdi(text).interchanges[0]!;
    validateGuides(interchange);
    const tree = interchange.groups[0]!.sets[0]!.tree!;
    expect(childLoops(tree.root, 'HL')).toHaveLength(6);
    const pack = findLoops(tree.root, 'HL').find((l) => l.hierarchy?.id === '3')!;
    expect(pack.hierarchy!.children).toEqual([]);
    expect(tree.hierarchyRoots.map((r) => r.hierarchy!.id)).toEqual(['1']);
  });

  it('set.tree is built on first read, then an ordinary property', () => {
    const interchange = parseEdi(readFileSync(`${fixtures}x12/004010_850.edi`)).interchanges[0]!;
    validateGuides(interchange);
    const set = interchange.groups[0]!.sets[0]!;
    const first = set.tree;
    expect(set.tree).toBe(first);
    expect(JSON.parse(JSON.stringify(set)).tree.root.id).toBe('850');
    set.tree = undefined;
    expect(set.tree).toBeUndefined();
  });

  it('ORDRSP: parties in SG3 and lines in SG26 (one more heading group than ORDERS)', () => {
    const tree = firstSet('edifact/D96A_ORDRSP.edi').tree!;
    expect(childLoops(tree.root, 'SG3')).toHaveLength(2);
    expect(childLoops(tree.root, 'SG26').map((l) => elementText(firstSegment(l, 'LIN')!, 2))).toEqual(['5', '3']);
  });

  it('unexpected segments stay in the tree where they stood', () => {
    const text = readFileSync(`${fixtures}x12/004010_850.edi`, 'latin1').replace(
      'PO4*12*1*EA~\n',
      'PO4*12*1*EA~\nZZZ*1~\n',
    );
    const interchange = parseEdi(text).interchanges[0]!;
    validateGuides(interchange);
    const line = findLoops(interchange.groups[0]!.sets[0]!.tree!.root, 'PO1')[0]!;
    expect(tags(line)).toEqual(['PO1', '[PID]', 'PO4', 'ZZZ', '[SCH]']);
  });
});
