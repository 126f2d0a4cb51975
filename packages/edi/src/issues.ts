import type { EdiIssue, IssueLocation, StandardCodes } from './types.js';

/**
 * edigate's stable issue codes for the syntax core (tokenizer and envelopes).
 * They name the finding independently of the standard; the standard's own
 * code (TA105, AK905, AK502, AK403, CONTRL 0085) travels in `issue.codes`.
 */
export const IssueCode = {
  /** No ISA / UNA / UNB found in the input at all. */
  noInterchange: 'NO_INTERCHANGE',
  /** Bytes outside any interchange that are neither whitespace nor an envelope. */
  garbage: 'GARBAGE_OUTSIDE_INTERCHANGE',
  /** The ISA (or UNA) ended before all of its fields were read. */
  headerIncomplete: 'HEADER_INCOMPLETE',
  /** ISA field not of the fixed width X12.5 prescribes. */
  isaFieldWidth: 'ISA_FIELD_WIDTH',
  /** An ISA / GS / UNB / UNG / UNH field holds a value the standard does not allow. */
  invalidEnvelopeValue: 'INVALID_ENVELOPE_VALUE',
  invalidDate: 'INVALID_DATE',
  invalidTime: 'INVALID_TIME',
  invalidSegmentTerminator: 'INVALID_SEGMENT_TERMINATOR',
  invalidElementSeparator: 'INVALID_ELEMENT_SEPARATOR',
  invalidComponentSeparator: 'INVALID_COMPONENT_SEPARATOR',
  /** ISA16 is followed by a line break and the file reads better with ISA16 as terminator. */
  ambiguousDelimiters: 'AMBIGUOUS_DELIMITERS',
  /** EDIFACT syntax identifier unknown or not supported. */
  syntaxNotSupported: 'SYNTAX_NOT_SUPPORTED',
  /** Bytes outside the declared character repertoire (UNOA/UNOB). */
  characterSetViolation: 'CHARACTER_SET_VIOLATION',
  /** A CR or LF inside a segment (80-column wrapping, stray line break). */
  lineBreakInSegment: 'LINE_BREAK_IN_SEGMENT',
  /** Spaces or tabs before a segment tag. */
  leadingWhitespace: 'LEADING_WHITESPACE',
  /** EDIFACT release character before a character that is not a service character. */
  releaseBeforeNonDelimiter: 'RELEASE_BEFORE_NON_DELIMITER',
  /** The last segment of the input has no terminator. */
  missingSegmentTerminator: 'MISSING_SEGMENT_TERMINATOR',
  /** A segment tag that is not 2–3 letters/digits. */
  invalidSegmentTag: 'INVALID_SEGMENT_TAG',
  interchangeTrailerMissing: 'INTERCHANGE_TRAILER_MISSING',
  interchangeCountMismatch: 'INTERCHANGE_COUNT_MISMATCH',
  interchangeReferenceMismatch: 'INTERCHANGE_REFERENCE_MISMATCH',
  duplicateInterchange: 'DUPLICATE_INTERCHANGE',
  groupTrailerMissing: 'GROUP_TRAILER_MISSING',
  groupCountMismatch: 'GROUP_COUNT_MISMATCH',
  groupReferenceMismatch: 'GROUP_REFERENCE_MISMATCH',
  duplicateGroup: 'DUPLICATE_GROUP',
  groupControlNumberInvalid: 'GROUP_CONTROL_NUMBER_INVALID',
  groupVersionMissing: 'GROUP_VERSION_MISSING',
  groupsAndMessagesMixed: 'GROUPS_AND_MESSAGES_MIXED',
  setTrailerMissing: 'SET_TRAILER_MISSING',
  setCountMismatch: 'SET_COUNT_MISMATCH',
  setReferenceMismatch: 'SET_REFERENCE_MISMATCH',
  duplicateSet: 'DUPLICATE_SET',
  setIdInvalid: 'SET_ID_INVALID',
  setControlNumberInvalid: 'SET_CONTROL_NUMBER_INVALID',
  setOutsideGroup: 'SET_OUTSIDE_GROUP',
  /** A segment between envelopes where only envelope segments may stand. */
  segmentOutsideSet: 'SEGMENT_OUTSIDE_SET',
  /** A trailer (SE/GE/UNT/UNE) with no open header. */
  unexpectedTrailer: 'UNEXPECTED_TRAILER',
  /** A trailer count that is not a number. */
  invalidCount: 'INVALID_COUNT',
} as const;

export type IssueCodeValue = (typeof IssueCode)[keyof typeof IssueCode];

/** Everything an issue needs besides its code, level and message. */
export interface IssueInit extends IssueLocation {
  severity?: 'error' | 'warning';
  value?: string;
  codes?: StandardCodes;
}

/** Builds an issue; severity defaults to error. Values are cut to 80 characters (never a payload). */
export function makeIssue(
  code: IssueCodeValue,
  level: EdiIssue['level'],
  message: string,
  init: IssueInit = {},
): EdiIssue {
  const { severity = 'error', codes = {}, value, ...location } = init;
  const issue: EdiIssue = { code, severity, level, message, codes, ...location };
  if (value !== undefined) issue.value = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return issue;
}
