/**
 * Findings about maps and translations: values with a stable code, the place
 * in the map file (file:line:column and the field), and a hint on the fix.
 */

/** Where a rule sits in a map file. Lines and columns are 1-based. */
export interface RuleLocation {
  file: string;
  line: number;
  column: number;
  /** The rule's field path in the map (`fields.lines.quantity.unit`). */
  field: string;
}

/** One finding about a map file (loading) or a translation. */
export interface MapIssue {
  /** Stable code, e.g. `UNKNOWN_SEGMENT`, `ELEMENT_PAST_END`, `JSONATA_SYNTAX`, `UNKNOWN_CODE`, `SCHEMA_MISMATCH`. */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** How to fix it, in an analyst's words. */
  hint?: string;
  /** The map rule involved. */
  rule?: RuleLocation;
  /** Position of the input segment in its set (ST/UNH = 1), when the issue comes from input. */
  segmentPosition?: number;
  segmentTag?: string;
  /** The offending value, short (never a payload). */
  value?: string;
}

/** `maps/p_003/850.yaml:12:7 fields.lines.unit: unknown code 'CX' (segment 9 PO1) — hint: …` */
export function formatIssue(issue: MapIssue): string {
  const where = issue.rule ? `${issue.rule.file}:${issue.rule.line}:${issue.rule.column} ${issue.rule.field}: ` : '';
  const seg =
    issue.segmentPosition !== undefined
      ? ` (input segment ${issue.segmentPosition}${issue.segmentTag ? ` ${issue.segmentTag}` : ''})`
      : '';
  const hint = issue.hint ? `\n    hint: ${issue.hint}` : '';
  return `${issue.severity} ${issue.code} ${where}${issue.message}${seg}${hint}`;
}
