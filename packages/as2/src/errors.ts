/**
 * AS2 failures as values. Every error code declares the RFC 4130 §7.4.3
 * disposition modifier it produces, so one catch at the receive boundary
 * builds the MDN without a translation table elsewhere.
 */

/** Stable codes of AS2 failures (and the one warning). */
export type As2ErrorCode =
  | 'decryption-failed'
  | 'authentication-failed'
  | 'integrity-check-failed'
  | 'decompression-failed'
  | 'insufficient-message-security'
  | 'unexpected-processing-error'
  | 'duplicate-document'
  | 'unsupported-format'
  | 'unsupported-mic-algorithms';

/**
 * The disposition modifier an error produces in an MDN
 * (`Disposition: automatic-action/MDN-sent-automatically; processed/<kind>: <description>`).
 * RFC 4130 §7.4.3 / RFC 3798 §3.2.6.
 */
export interface DispositionModifier {
  /**
   * `error` for failures that stop processing; `warning` for a processed
   * message with a caveat (duplicate); `failure` when the MDN request cannot
   * be honoured (`failed/Failure: …`).
   */
  kind: 'error' | 'warning' | 'failure';
  /** The modifier text, e.g. `decryption-failed`; for `failure`, the RFC 4130 §7.5.3 wording (`unsupported MIC-algorithms`). */
  description: string;
}

/** Modifier kind for each code: everything is an error except the duplicate warning. */
const KINDS: Record<As2ErrorCode, DispositionModifier['kind']> = {
  'decryption-failed': 'error',
  'authentication-failed': 'error',
  'integrity-check-failed': 'error',
  'decompression-failed': 'error',
  'insufficient-message-security': 'error',
  'unexpected-processing-error': 'error',
  'duplicate-document': 'warning',
  // RFC 4130 §7.5.3: the MDN request itself cannot be honoured -> `failed/Failure: …`.
  'unsupported-format': 'failure',
  'unsupported-mic-algorithms': 'failure',
};

/** RFC 4130 §7.5.3 spells the two failure texts with spaces and capitals. */
const FAILURE_TEXT: Partial<Record<As2ErrorCode, string>> = {
  'unsupported-format': 'unsupported format',
  'unsupported-mic-algorithms': 'unsupported MIC-algorithms',
};

/** The disposition modifier a code produces. */
export function dispositionModifierOf(code: As2ErrorCode): DispositionModifier {
  return { kind: KINDS[code], description: FAILURE_TEXT[code] ?? code };
}

/** True when `value` is one of the known AS2 error codes. */
export function isAs2ErrorCode(value: string): value is As2ErrorCode {
  return Object.prototype.hasOwnProperty.call(KINDS, value);
}

/**
 * An AS2 processing failure (or the duplicate warning). Carried as a value
 * in results; never thrown across the package boundary.
 */
export class As2Error extends Error {
  /** Stable code; also the MDN disposition modifier text. */
  readonly code: As2ErrorCode;
  /** What this error puts into the MDN's Disposition field. */
  readonly disposition: DispositionModifier;

  /**
   * @param code - the stable error code
   * @param message - a human-readable explanation (no payload or key material)
   * @param options - `cause`, as for `Error`
   */
  constructor(code: As2ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = 'As2Error';
    this.code = code;
    this.disposition = dispositionModifierOf(code);
  }
}
