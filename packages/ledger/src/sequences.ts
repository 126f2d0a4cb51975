/**
 * Outbound control-number sequences: one counter per partner and envelope level.
 */

/** The envelope levels that carry a control number we assign. */
export type ControlLevel = 'ISA13' | 'GS06' | 'ST02' | 'UNB0020' | 'UNG0048' | 'UNH0062';

/** How numbers of one level look: range and zero padding. */
export interface LevelFormat {
  /** Highest value; the sequence wraps to 1 after it. */
  max: number;
  /** Zero-pad to this many digits (1 = no padding). */
  width: number;
}

/**
 * Formats by level:
 * - ISA13: N0 9/9, fixed width (X12.5 ISA13 `000000001`…`999999999`).
 * - GS06: N0 1/9; written unpadded (`1`), as most partners send it.
 * - ST02: AN 4/9; padded to the minimum length 4 (`0001`), growing to 9 digits.
 * - UNB 0020, UNG 0048, UNH 0062: an..14 (ISO 9735); unpadded numerals.
 * EDIFACT allows 14 characters; we stay at 9 digits so every level wraps at
 * the same bound and fits a 32-bit-safe JavaScript number many times over.
 */
export const LEVEL_FORMATS: Readonly<Record<ControlLevel, LevelFormat>> = {
  ISA13: { max: 999_999_999, width: 9 },
  GS06: { max: 999_999_999, width: 1 },
  ST02: { max: 999_999_999, width: 4 },
  UNB0020: { max: 999_999_999, width: 1 },
  UNG0048: { max: 999_999_999, width: 1 },
  UNH0062: { max: 999_999_999, width: 1 },
};

/** Every level, for validation of user input. */
export const CONTROL_LEVELS = Object.keys(LEVEL_FORMATS) as ControlLevel[];

/** Formats a sequence value as the element's text. */
export function formatControlNumber(level: ControlLevel, value: number): string {
  return String(value).padStart(LEVEL_FORMATS[level].width, '0');
}

/** Thrown when every number of a sequence was issued within the dedupe window, so none can be reused yet. */
export class ControlNumbersExhaustedError extends Error {
  constructor(
    readonly partnerId: string,
    readonly level: ControlLevel,
  ) {
    super(`no ${level} control number for partner ${partnerId} is free: all were issued within the window`);
    this.name = 'ControlNumbersExhaustedError';
  }
}
