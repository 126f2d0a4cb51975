import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideOutline, listGuides, parseEdi, validateGuides, type TreeNode } from '@edigate/edi';
import { arrangeByOutline, setOutline, type LoopOutline } from './structures.js';

/** Loop ids with their heads, and every segment tag, of a one-line guide outline (`ST BEG PO1(PO1 …) SE`). */
function readGuideOutline(text: string): { loops: string[]; tags: string[] } {
  const loops: string[] = [];
  const tags = new Set<string>();
  let pending: string | undefined;
  for (const t of text.match(/[A-Z0-9]+\(|\)|[A-Z0-9]+/g) ?? []) {
    if (t.endsWith('(')) pending = t.slice(0, -1);
    else if (t !== ')') {
      if (pending !== undefined) loops.push(`${pending}:${t}`);
      pending = undefined;
      tags.add(t);
    }
  }
  return { loops: loops.sort(), tags: [...tags].sort() };
}

function loopsOf(l: LoopOutline): string[] {
  return l.loops.flatMap((c) => [`${c.id}:${c.head}`, ...loopsOf(c)]);
}

describe('set outlines are read from the guides', () => {
  it('agree with guideOutline for every guide edigate ships', () => {
    for (const g of listGuides()) {
      const o = setOutline(g.standard, g.id, g.version)!;
      const want = readGuideOutline(guideOutline(g.standard, g.version, g.id)!);
      expect(loopsOf(o.root).sort(), `${g.version} ${g.id}`).toEqual(want.loops);
      expect([...o.segmentTags].sort(), `${g.version} ${g.id}`).toEqual(want.tags);
      expect(o.guideVersion).toBe(g.version);
    }
  });
  it('follow the current guides: PO1 holds CTP, QTY and PKG loops; 810 N1 has no FOB; 004010 MEA has 10 elements; ORDRSP lines are SG26', () => {
    const po = setOutline('x12', '850', '004010')!.root.loops.find((l) => l.id === 'PO1')!;
    expect(po.loops.map((l) => l.id)).toEqual(expect.arrayContaining(['CTP', 'QTY', 'PKG']));
    const n1 = setOutline('x12', '810', '004010')!.root.loops.find((l) => l.id === 'N1')!;
    expect(n1.segments.has('FOB')).toBe(false);
    expect(setOutline('x12', '850', '004010')!.elementCount('MEA')).toBe(10);
    expect(setOutline('edifact', 'ORDRSP', 'D96A')!.loopIds.get('SG26')).toBe('LIN');
  });
  it('a version without a guide of its own uses the nearest guide of the set, and says which', () => {
    expect(setOutline('x12', '850', '004030')!.guideVersion).toBe('004010');
    expect(setOutline('x12', '850', '004010VICS')!.guideVersion).toBe('004010');
    expect(setOutline('x12', '850', '006020')!.guideVersion).toBe('005010');
    expect(setOutline('x12', '850', '003040')!.guideVersion).toBe('004010');
    expect(setOutline('edifact', 'ORDERS', 'D01B')!.guideVersion).toBe('D96A');
    expect(setOutline('x12', '940', '004010')).toBeUndefined();
  });
});

/** A tree as text: loops as `id(…)`, segments by position. */
function shape(node: TreeNode): string {
  return node.kind === 'loop' ? `${node.id}(${node.children.map(shape).join(' ')})` : String(node.position);
}

const mapsRoot = path.resolve(import.meta.dirname, '../../../maps');

describe('arranging by the outline gives the tree the syntax core builds', () => {
  const cases = readdirSync(mapsRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.edi'));
  it.each(cases)('%s', (file) => {
    const parsed = parseEdi(readFileSync(path.join(mapsRoot, file)));
    let sets = 0;
    for (const interchange of parsed.interchanges) {
      validateGuides(interchange);
      for (const set of interchange.groups.flatMap((g) => g.sets)) {
        if (!set.tree) continue;
        const outline = setOutline(interchange.standard, set.id, set.version)!;
        const mine = arrangeByOutline(set.segments, outline);
        expect(shape(mine.root)).toBe(shape(set.tree.root));
        expect(mine.hierarchyRoots.length).toBe(set.tree.hierarchyRoots.length);
        sets++;
      }
    }
    expect(sets).toBeGreaterThan(0);
  });
});
