/**
 * What the guide validator can find, and the standard code each finding
 * carries in a 997/999 (X12 720/723/717) and in a CONTRL (EDIFACT 0085).
 * One table, so acknowledgments are built from the same data for every
 * standard.
 */

import { Ak502, Contrl } from '../codes.js';

/** A segment-level finding: edigate code → X12 720 (AK304/IK304) and EDIFACT 0085. */
export const segmentProblems = {
  SEGMENT_UNRECOGNIZED: { ak304: '1', contrl: Contrl.notSupportedInPosition, text: 'Unrecognized segment ID' },
  SEGMENT_UNEXPECTED: { ak304: '2', contrl: Contrl.notSupportedInPosition, text: 'Unexpected segment' },
  SEGMENT_MANDATORY_MISSING: { ak304: '3', contrl: Contrl.missing, text: 'Mandatory segment missing' },
  LOOP_OVER_MAXIMUM: { ak304: '4', contrl: '36', text: 'Loop occurs over maximum times' },
  SEGMENT_OVER_MAXIMUM_USE: { ak304: '5', contrl: Contrl.tooManyRepetitions, text: 'Segment exceeds maximum use' },
  SEGMENT_NOT_IN_SET: {
    ak304: '6',
    contrl: Contrl.notSupportedInPosition,
    text: 'Segment not in defined transaction set',
  },
  SEGMENT_OUT_OF_SEQUENCE: {
    ak304: '7',
    contrl: Contrl.notSupportedInPosition,
    text: 'Segment not in proper sequence',
  },
} as const;

export type SegmentProblem = keyof typeof segmentProblems;

/**
 * An element-level finding: edigate code → X12 723 (AK403/IK403) in its 004010
 * and 005010 forms, and EDIFACT 0085. 004010 has no codes for repetitions and
 * components (they arrived in 005010 with the repetition separator); there the
 * closest 004010 code, 3 (too many data elements), is reported.
 */
export const elementProblems = {
  ELEMENT_MANDATORY_MISSING: {
    ak403: '1',
    ak403v4010: '1',
    contrl: Contrl.missing,
    text: 'Mandatory data element missing',
  },
  ELEMENT_CONDITIONAL_MISSING: {
    ak403: '2',
    ak403v4010: '2',
    contrl: Contrl.missing,
    text: 'Conditional required data element missing',
  },
  ELEMENT_TOO_MANY: { ak403: '3', ak403v4010: '3', contrl: Contrl.tooManyConstituents, text: 'Too many data elements' },
  ELEMENT_TOO_SHORT: { ak403: '4', ak403v4010: '4', contrl: Contrl.tooShort, text: 'Data element too short' },
  ELEMENT_TOO_LONG: { ak403: '5', ak403v4010: '5', contrl: Contrl.tooLong, text: 'Data element too long' },
  ELEMENT_INVALID_CHARACTER: {
    ak403: '6',
    ak403v4010: '6',
    contrl: Contrl.invalidCharacterType,
    text: 'Invalid character in data element',
  },
  ELEMENT_INVALID_CODE: { ak403: '7', ak403v4010: '7', contrl: Contrl.invalidValue, text: 'Invalid code value' },
  ELEMENT_INVALID_DATE: { ak403: '8', ak403v4010: '8', contrl: Contrl.invalidValue, text: 'Invalid date' },
  ELEMENT_INVALID_TIME: { ak403: '9', ak403v4010: '9', contrl: Contrl.invalidValue, text: 'Invalid time' },
  ELEMENT_EXCLUSION_VIOLATED: { ak403: '10', ak403v4010: '10', contrl: '48', text: 'Exclusion condition violated' },
  ELEMENT_TOO_MANY_REPETITIONS: {
    ak403: '12',
    ak403v4010: '3',
    contrl: Contrl.tooManyRepetitions,
    text: 'Too many repetitions',
  },
  ELEMENT_TOO_MANY_COMPONENTS: {
    ak403: '13',
    ak403v4010: '3',
    contrl: Contrl.tooManyConstituents,
    text: 'Too many components',
  },
  ELEMENT_INVALID_DECIMAL_NOTATION: {
    ak403: '6',
    ak403v4010: '6',
    contrl: Contrl.invalidDecimalNotation,
    text: 'Invalid decimal notation',
  },
  ELEMENT_MISSING_DIGIT_BEFORE_DECIMAL: {
    ak403: '6',
    ak403v4010: '6',
    contrl: '38',
    text: 'Missing digit in front of decimal sign',
  },
  /** HL01 repeated, not increasing, or HL02 naming no earlier HL01 (X12 HL rules; see docs/guides.md). */
  HL_ID_DUPLICATE: {
    ak403: '7',
    ak403v4010: '7',
    contrl: Contrl.invalidValue,
    text: 'HL01 hierarchical ID repeats an earlier HL01',
  },
  HL_ID_NOT_INCREASING: {
    ak403: '7',
    ak403v4010: '7',
    contrl: Contrl.invalidValue,
    text: 'HL01 hierarchical ID is not greater than the previous HL01',
  },
  HL_PARENT_UNKNOWN: {
    ak403: '7',
    ak403v4010: '7',
    contrl: Contrl.invalidValue,
    text: 'HL02 parent ID names no earlier HL01',
  },
} as const;

export type ElementProblem = keyof typeof elementProblems;

/** Set-level findings (X12 717 AK502/IK502). */
export const setProblems = {
  SET_NOT_SUPPORTED: {
    ak502: Ak502.notSupported,
    text: 'Transaction set not supported (no guide for this set id and version)',
  },
  SET_SEGMENTS_IN_ERROR: { ak502: Ak502.segmentsInError, text: 'One or more segments in error' },
} as const;
