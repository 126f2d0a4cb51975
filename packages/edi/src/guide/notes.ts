/**
 * The element values an acknowledgment reports for a guide finding, read
 * straight from the issue: 997 AK3/AK4, 999 IK3/IK4 (same positions), and
 * EDIFACT CONTRL UCS/UCD. Findings at set level (AK5/IK5 AK502, UCM) and
 * interchange level are not segment notes and give undefined.
 */

import type { EdiIssue } from '../types.js';

/** 997 AK3 / 999 IK3: the segment in error. */
export interface X12SegmentNote {
  /** AK301 / IK301: segment ID. */
  segmentId: string;
  /** AK302 / IK302: position in the set, ST = 1. */
  position: number;
  /** AK303 / IK303: loop identifier, when the segment is in a loop. */
  loopId?: string;
  /** AK304 / IK304: data element 720 (620 in a 999). */
  code: string;
}

/** 997 AK4 / 999 IK4: the element in error. */
export interface X12ElementNote {
  /** AK401 / IK401 (C030): element position, component position, repetition position (5010). */
  element: number;
  component?: number;
  repetition?: number;
  /** AK402 / IK402: data element reference number. */
  elementRef?: string;
  /** AK403 / IK403: data element 723 (621 in a 999). */
  code: string;
  /** AK404 / IK404: copy of the bad data element. */
  badValue?: string;
}

/**
 * The AK3 (and, for element findings, AK4) an X12 guide finding produces;
 * undefined for findings that are not about a segment of a set.
 */
export function x12Notes(issue: EdiIssue): { segment: X12SegmentNote; element?: X12ElementNote } | undefined {
  const ak304 = issue.codes.ak304;
  if (ak304 === undefined || issue.segmentTag === undefined || issue.segmentPosition === undefined) return undefined;
  const segment: X12SegmentNote = { segmentId: issue.segmentTag, position: issue.segmentPosition, code: ak304 };
  if (issue.loopId !== undefined) segment.loopId = issue.loopId;
  const ak403 = issue.codes.ak403;
  if (ak403 === undefined || issue.element === undefined) return { segment };
  const element: X12ElementNote = { element: issue.element, code: ak403 };
  if (issue.component !== undefined) element.component = issue.component;
  if (issue.repetition !== undefined) element.repetition = issue.repetition;
  // AK402 is numeric (N0 1/4): a composite's id (C040) is not a data element reference number.
  if (issue.elementRef !== undefined && /^\d{1,4}$/.test(issue.elementRef)) element.elementRef = issue.elementRef;
  if (issue.value !== undefined) element.badValue = issue.value;
  return { segment, element };
}

/** CONTRL UCS (segment error) and UCD (data element error) for an EDIFACT guide finding. */
export interface ContrlNotes {
  /** UCS 0096: segment position in the message, UNH = 1; UCS 0085 when the segment itself is in error. */
  segment: { position: number; code?: string };
  /** UCD 0085 and S011: 0098 element position, 0104 component position. */
  element?: { code: string; element: number; component?: number };
}

/** The UCS (and UCD) an EDIFACT guide finding produces; undefined for findings not about a segment. */
export function contrlNotes(issue: EdiIssue): ContrlNotes | undefined {
  const code = issue.codes.contrl;
  if (code === undefined || issue.segmentPosition === undefined || issue.level === 'set') return undefined;
  if (issue.level !== 'element' || issue.element === undefined)
    return { segment: { position: issue.segmentPosition, code } };
  const element: NonNullable<ContrlNotes['element']> = { code, element: issue.element };
  if (issue.component !== undefined) element.component = issue.component;
  return { segment: { position: issue.segmentPosition }, element };
}
