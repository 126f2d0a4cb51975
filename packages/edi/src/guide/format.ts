/**
 * The guide data format: what the JSON files under `packages/edi/guides/`
 * contain. Guides are data, not code; docs/guides.md describes the format
 * and the readings of the standards it encodes. The zod schema in
 * `format.test.ts` checks every guide file against these shapes.
 */

import type { Standard } from '../types.js';

/** Requirement designator: M mandatory, O optional (EDIFACT C), X conditional (relational). */
export type Requirement = 'M' | 'O' | 'X';

/**
 * Element data types. X12: AN, ID, N0..N9 (implied decimals), R, DT, TM, B.
 * EDIFACT: a (alphabetic), an (alphanumeric), n (numeric).
 */
export type ElementType =
  | 'AN'
  | 'ID'
  | 'R'
  | 'DT'
  | 'TM'
  | 'B'
  | 'N0'
  | 'N1'
  | 'N2'
  | 'N3'
  | 'N4'
  | 'N5'
  | 'N6'
  | 'N7'
  | 'N8'
  | 'N9'
  | 'a'
  | 'an'
  | 'n';

/** A simple data element in a version's dictionary (X12 data element number, EDIFACT tag). */
export interface ElementDefinition {
  name: string;
  type: ElementType;
  min: number;
  max: number;
  /** Code values for ID (X12) or coded (EDIFACT) elements. */
  codes?: string[];
  /** True when `codes` is the standard's whole list, so a value outside it is an error. */
  codesComplete?: boolean;
}

/** A use of an element (or composite) in a segment or composite, by reference. */
export interface ElementUse {
  /** Data element number (`98`, `3035`) or composite id (`C001`, `C082`, `S009`). */
  ref: string;
  req: Requirement;
  /** Maximum repetitions (X12 005010 repeating elements, EDIFACT repeats). Default 1. */
  repeat?: number;
  /** Codes valid in this position only (a subset fixed by the standard for this segment). */
  codes?: string[];
  codesComplete?: boolean;
  /**
   * EDIFACT: 1-based component position, within the same composite, of the
   * date/time format qualifier (2379) that says how this value is written.
   */
  dateFormatFrom?: number;
}

/**
 * An X12 syntax note (relational condition) over element positions (1-based):
 * P paired, R required (at least one), C conditional (if first then all others),
 * E exclusion (at most one), L list conditional (if first then at least one other).
 */
export interface SyntaxNote {
  rule: 'P' | 'R' | 'C' | 'E' | 'L';
  elements: number[];
}

/** A composite (X12 C0xx; EDIFACT C/S composites). */
export interface CompositeDefinition {
  name: string;
  components: ElementUse[];
  syntax?: SyntaxNote[];
}

/** A segment: its elements in order, and its syntax notes. */
export interface SegmentDefinition {
  name: string;
  elements: ElementUse[];
  syntax?: SyntaxNote[];
}

/**
 * One version's dictionary (`guides/<standard>/<version>/segments.json`).
 * With `base`, entries of the base version's dictionary apply unless this
 * file replaces them (whole entries, by key).
 */
export interface SegmentDictionary {
  standard: Standard;
  version: string;
  base?: string;
  elements: Record<string, ElementDefinition>;
  composites: Record<string, CompositeDefinition>;
  segments: Record<string, SegmentDefinition>;
}

/** A segment's place in a set or loop. */
export interface SegmentEntry {
  segment: string;
  req: 'M' | 'O';
  max: number;
}

/**
 * A loop (X12) or segment group (EDIFACT). Its first entry is its trigger
 * segment. X12 loop ids follow the standard's naming: the first segment's tag.
 */
export interface LoopEntry {
  loop: string;
  req: 'M' | 'O';
  max: number;
  structure: StructureEntry[];
}

export type StructureEntry = SegmentEntry | LoopEntry;

/** How much of the standard's set a guide covers. */
export type Coverage = 'full' | 'common';

/**
 * One transaction set / message (`guides/<standard>/<version>/<id>.json`).
 * `structureFrom` names another version whose structure this one shares.
 */
export interface SetGuideFile {
  standard: Standard;
  version: string;
  id: string;
  name: string;
  coverage: Coverage;
  /** X12 functional identifier (GS01) the set travels under. */
  functionalId?: string;
  structure?: StructureEntry[];
  structureFrom?: string;
  notes?: string[];
}
