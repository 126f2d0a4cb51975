/**
 * The one error the HTTP layer answers with: a closed union of codes and one
 * code → status table. Anything else thrown is wrapped as `INTERNAL` with the
 * original as `cause` (and its message never reaches the client).
 */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'MISSING_AS2_HEADERS'
  | 'UNKNOWN_PARTNER'
  | 'UNKNOWN_RECIPIENT'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'REQUEST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_READY'
  | 'INTERNAL';

/** HTTP status per code. */
export const httpStatusOf: Readonly<Record<HttpErrorCode, number>> = {
  BAD_REQUEST: 400,
  MISSING_AS2_HEADERS: 400,
  // RFC 4130 leaves the status open when no MDN can be made; 403 says "we will not take this from you".
  UNKNOWN_PARTNER: 403,
  UNKNOWN_RECIPIENT: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  NOT_READY: 503,
  INTERNAL: 500,
};

/** An HTTP-level failure with a stable code; its message is plain text safe to send. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly status: number;

  constructor(code: HttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.code = code;
    this.status = httpStatusOf[code];
  }

  /** Wraps anything thrown: an HttpError stays itself, the rest becomes `INTERNAL`. */
  static from(err: unknown): HttpError {
    if (err instanceof HttpError) return err;
    return new HttpError('INTERNAL', 'internal error', { cause: err });
  }
}
