/**
 * Transaction-set guides, the guide validator and the loop tree.
 * See docs/guides.md for the guide format and the readings of the standards.
 */

export {
  validateGuides,
  validateSet,
  type SetContext,
  type SetValidation,
  type ValidateGuidesOptions,
} from './validate.js';
export { findGuide, findDictionary, guideOutline, guideVersion, listGuides } from './registry.js';
export { childLoops, findLoops, firstSegment, hierarchyLevels, loopsAt, segmentsOf, walkTree } from './tree.js';
export { elementProblems, segmentProblems, setProblems, type ElementProblem, type SegmentProblem } from './problems.js';
export type { CompiledGuide, CompiledLoop, CompiledEntry, CompiledSegment, CompiledElement } from './compile.js';
export type * from './format.js';
export { contrlNotes, x12Notes, type ContrlNotes, type X12ElementNote, type X12SegmentNote } from './notes.js';
