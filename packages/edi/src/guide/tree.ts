/**
 * Small readers over a set's loop tree (`set.tree`), for maps and other
 * consumers: find loops by id, take a loop's segments by tag.
 */

import type { LoopNode, Segment, SetTree, TreeNode } from '../types.js';

/** Direct child loops of `node` with the given id (`N1`, `PO1`, `SG25`), in source order. */
export function childLoops(node: LoopNode, id: string): LoopNode[] {
  const out: LoopNode[] = [];
  for (const child of node.children) if (child.kind === 'loop' && child.id === id) out.push(child);
  return out;
}

/**
 * Every loop with the given id below `node`, at any depth, in source order
 * (depth first). Loops inside a match are searched too.
 */
export function findLoops(node: LoopNode, id: string): LoopNode[] {
  const out: LoopNode[] = [];
  const visit = (n: LoopNode): void => {
    for (const child of n.children) {
      if (child.kind !== 'loop') continue;
      if (child.id === id) out.push(child);
      visit(child);
    }
  };
  visit(node);
  return out;
}

/** The segments with the given tag directly in `node` (not in its child loops), in source order. */
export function segmentsOf(node: LoopNode, tag: string): Segment[] {
  const out: Segment[] = [];
  for (const child of node.children) if (child.kind === 'segment' && child.segment.tag === tag) out.push(child.segment);
  return out;
}

/** The first segment with the given tag directly in `node`, or undefined. */
export function firstSegment(node: LoopNode, tag: string): Segment | undefined {
  for (const child of node.children) if (child.kind === 'segment' && child.segment.tag === tag) return child.segment;
  return undefined;
}

/** Follow a path of loop ids from a node (`['PO1', 'SCH']`): every loop reached, in source order. */
export function loopsAt(node: LoopNode, path: readonly string[]): LoopNode[] {
  let current: LoopNode[] = [node];
  for (const id of path) current = current.flatMap((n) => childLoops(n, id));
  return current;
}

/** Every node of a tree in source order (depth first), with its depth (root children = 1). */
export function* walkTree(tree: SetTree): Generator<{ node: TreeNode; depth: number }> {
  function* visit(n: LoopNode, depth: number): Generator<{ node: TreeNode; depth: number }> {
    for (const child of n.children) {
      yield { node: child, depth };
      if (child.kind === 'loop') yield* visit(child, depth + 1);
    }
  }
  yield* visit(tree.root, 1);
}

/** HL loops of a tree with the given level code (HL03: `S`, `O`, `P`, `I`, …), in source order. */
export function hierarchyLevels(tree: SetTree, levelCode: string): LoopNode[] {
  return findLoops(tree.root, 'HL').filter((n) => n.hierarchy?.levelCode === levelCode);
}
