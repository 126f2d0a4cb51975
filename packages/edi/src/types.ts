/**
 * The shared vocabulary of @edigate/edi: what the tokenizer, the envelope
 * checker, the guide validator, the serializer and every consumer (maps,
 * acks, ledger, gateway) agree on. Pure data; no behaviour lives here.
 */

/** Which syntax an interchange is written in. */
export type Standard = 'x12' | 'edifact';

/** The delimiters of one interchange, as found in ISA / UNA (or the EDIFACT defaults). */
export interface Delimiters {
  /** X12: ISA byte 4. EDIFACT: UNA4, default `+`. */
  element: string;
  /** X12: ISA16. EDIFACT: UNA3, default `:`. */
  component: string;
  /** X12: ISA11 from 00402 on when not alphanumeric; EDIFACT: UNA5 (syntax 4), default `*`. Absent when none. */
  repetition?: string;
  /** X12: the byte(s) right after ISA16. EDIFACT: UNA9, default `'`. */
  segment: string;
  /** EDIFACT release character (UNA6, default `?`). Never set for X12. */
  release?: string;
  /** EDIFACT decimal mark (UNA5 in syntax 1–3 / UNA4 position), `.` or `,`. */
  decimal?: string;
  /**
   * What follows every segment terminator in the source, kept for
   * byte-exact serialization: '', '\n', '\r\n' or '\r'.
   */
  lineSuffix?: string;
}

/** A composite element: components in order (component 1 first). */
export interface Composite {
  readonly components: readonly string[];
}

/** A repeated element (X12 repetition separator / EDIFACT repetition). */
export interface Repeated {
  readonly repeats: readonly (string | Composite)[];
}

/**
 * One element value. A plain string when the element has no component or
 * repetition separator in it (the common case, kept cheap); otherwise a
 * Composite or a Repeated. EDIFACT release sequences are already resolved.
 */
export type ElementValue = string | Composite | Repeated;

/** One segment as read. */
export interface Segment {
  /** Segment identifier: `ISA`, `N1`, `UNH`, … */
  readonly tag: string;
  /** Elements 1..n; `elements[0]` is element 01 (N101). Empty trailing elements are kept as ''. */
  readonly elements: readonly ElementValue[];
  /** Byte offset of the segment's first byte in the source. */
  readonly offset: number;
  /** Byte length, terminator included (not the line suffix). */
  readonly length: number;
}

/** Standard codes an issue maps to, so acknowledgments are built straight from issues. */
export interface StandardCodes {
  /** TA1 TA105 interchange note code (000–031). */
  ta105?: string;
  /** 997 AK304 / 999 IK304 segment syntax error code. */
  ak304?: string;
  /** 997 AK403 / 999 IK403 element syntax error code — version-correct (4010 vs 5010 tables differ). */
  ak403?: string;
  /** 997 AK502 / 999 IK502 transaction set syntax error code. */
  ak502?: string;
  /** 997 AK905 / 999 AK905 functional group syntax error code. */
  ak905?: string;
  /** EDIFACT CONTRL syntax error code (data element 0085). */
  contrl?: string;
}

/** Where an issue sits. Indices are 0-based except `segmentPosition` and element positions, which follow the standards. */
export interface IssueLocation {
  interchangeIndex?: number;
  groupIndex?: number;
  setIndex?: number;
  /** Segment position within the transaction set counted from ST/UNH = 1 (AK301 / IK302). */
  segmentPosition?: number;
  segmentTag?: string;
  /** Element position within the segment, 1-based (AK401 / IK401). */
  element?: number;
  /** Component position, 1-based (AK401-2 / C030-02). */
  component?: number;
  /** Repetition position, 1-based (C030-03, 5010). */
  repetition?: number;
  /** Byte offset in the source. */
  offset?: number;
  /** Loop identifier the segment belongs to (AK303 / IK303), when known. */
  loopId?: string;
  /** Data element reference number of the element at fault (AK402 / IK402; EDIFACT data element tag), when known. */
  elementRef?: string;
}

/** One finding about the input: stable code, standard codes, position, the bad value. */
export interface EdiIssue extends IssueLocation {
  /** edigate's stable code, SCREAMING_SNAKE (e.g. `SE_COUNT_MISMATCH`). */
  code: string;
  severity: 'error' | 'warning';
  /** The level the issue belongs to, which decides the acknowledgment that reports it. */
  level: 'file' | 'interchange' | 'group' | 'set' | 'segment' | 'element';
  message: string;
  /** The offending value, when there is one (never a whole payload). */
  value?: string;
  codes: StandardCodes;
}

/** A party in an envelope: X12 ISA05/06 (ISA07/08); EDIFACT UNB S002/S003 0004 + 0007. */
export interface PartyId {
  qualifier: string;
  id: string;
}

/** A transaction set (X12 ST…SE) or message (EDIFACT UNH…UNT). */
export interface TransactionSet {
  /** X12 ST01 (`850`); EDIFACT UNH S009 0065 (`ORDERS`). */
  id: string;
  /** X12 ST02; EDIFACT UNH 0062. */
  controlNumber: string;
  /**
   * X12: ST03 when present, else the group's GS08 (e.g. `004010`).
   * EDIFACT: S009 0052+0054 (e.g. `D96A`), with 0051/0057 in `agency` / `association`.
   */
  version: string;
  agency?: string;
  association?: string;
  /** Every segment from ST/UNH to SE/UNT inclusive, in order. segments[0] is the header. */
  segments: Segment[];
  /** Whether the trailer (SE/UNT) was found. */
  complete: boolean;
  /** Issues found at envelope level (and, after guide validation, at segment/element level). */
  issues: EdiIssue[];
  offset: number;
  /** Set by guide validation: whether a guide for this set id and version exists (997 AK502=1 when not). */
  supported?: boolean;
  /** Set by guide validation: the set arranged in loops (absent when unsupported). */
  tree?: SetTree;
}

/** A functional group (X12 GS…GE; EDIFACT UNG…UNE). EDIFACT messages outside UNG sit in an implicit group. */
export interface FunctionalGroup {
  /** True for the group edigate makes around EDIFACT messages sent without UNG. */
  implicit: boolean;
  header?: Segment;
  trailer?: Segment;
  /** X12 GS01 (`PO`); EDIFACT UNG 0038; '' for an implicit group. */
  functionalId: string;
  /** X12 GS06; EDIFACT UNG 0048; '' for an implicit group. */
  controlNumber: string;
  /** X12 GS08 (e.g. `004010`, `005010X231A1`); EDIFACT UNG S008 joined with ':'; '' for an implicit group. */
  version: string;
  sender?: PartyId;
  receiver?: PartyId;
  sets: TransactionSet[];
  issues: EdiIssue[];
  offset: number;
}

/** One interchange (X12 ISA…IEA; EDIFACT [UNA] UNB…UNZ). */
export interface Interchange {
  standard: Standard;
  delimiters: Delimiters;
  /** The raw UNA service string advice when present (9 bytes, `UNA:+.? '`). */
  una?: string;
  /** ISA / UNB. */
  header: Segment;
  /** IEA / UNZ, when found. */
  trailer?: Segment;
  /** Segments between the header and the first group that are not groups: X12 ISB/ISE, TA1s. */
  serviceSegments: Segment[];
  sender: PartyId;
  receiver: PartyId;
  /** ISA13 / UNB 0020. */
  controlNumber: string;
  /** ISA09 YYMMDD / UNB S004 0017. */
  date: string;
  /** ISA10 HHMM / UNB S004 0019. */
  time: string;
  /** X12 ISA12 (`00401`); EDIFACT syntax identifier and version (`UNOC:3`). */
  version: string;
  /** X12 ISA15 `T`/`P`; EDIFACT UNB 0035 `1` = test. */
  test: boolean;
  /** X12 ISA14 / EDIFACT UNB 0031: acknowledgment requested. */
  ackRequested: boolean;
  groups: FunctionalGroup[];
  issues: EdiIssue[];
  /** Byte offset of the interchange's first byte (ISA / UNA / UNB) and its length up to and including the trailer. */
  offset: number;
  length: number;
  /**
   * The character encoding values were decoded with and the serializer writes:
   * `latin1`, `utf8`, or an `iso-8859-n` (EDIFACT UNOD…UNOL). Absent means latin1
   * (which is also exact for 7-bit input).
   */
  encoding?: string;
  /**
   * What followed the trailer's terminator in the source ('' at end of input
   * without a line break); absent means `delimiters.lineSuffix`. Kept for
   * byte-exact serialization.
   */
  trailerSuffix?: string;
}

/** What parsing a buffer or a stream yields: interchanges plus issues that sit outside any interchange. */
export interface ParseResult {
  interchanges: Interchange[];
  /** Issues outside any interchange: unrecognised bytes, no ISA/UNB at all, premature end of file. */
  issues: EdiIssue[];
}

/** A segment in the loop tree, with its position in the set counted from ST/UNH = 1. */
export interface SegmentNode {
  readonly kind: 'segment';
  readonly segment: Segment;
  readonly position: number;
}

/** X12 HL hierarchy links of an HL loop (HL01 id, HL02 parent, HL03 level code). */
export interface HierarchyInfo {
  id: string;
  parentId: string;
  /** HL03: S shipment, O order, P pack, T tare, I item, … */
  levelCode: string;
  /** HL loops whose HL02 names this loop's HL01, in source order. */
  children: LoopNode[];
}

/**
 * A loop instance (X12 loop such as N1, PO1, HL; EDIFACT segment group SG2…).
 * The root node of a set has `id` equal to the set id (`850`, `ORDERS`).
 * HL loops sit flat in their parent's `children` (as in the source) and are
 * also nested through `hierarchy.children` by HL02.
 */
export interface LoopNode {
  readonly kind: 'loop';
  readonly id: string;
  readonly children: TreeNode[];
  hierarchy?: HierarchyInfo;
}

export type TreeNode = SegmentNode | LoopNode;

/** A transaction set arranged by its guide: loops by name, HL hierarchy nested. */
export interface SetTree {
  root: LoopNode;
  /** HL loops with no parent (HL02 empty), each nesting its children. Empty for sets without HL. */
  hierarchyRoots: LoopNode[];
}
