import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino removes from every log line. We never log payloads, keys or
 * personal data; redaction is the safety net for a field logged by mistake.
 */
export const redactPaths = [
  'body',
  'payload',
  'content',
  'privateKey',
  'key',
  'keys',
  'password',
  'secret',
  'token',
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.body',
  '*.payload',
  '*.privateKey',
  '*.password',
  '*.secret',
  'contact',
  '*.contact',
  'email',
  '*.email',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level?: LoggerOptions['level'];
  /** Where lines go (default stdout). Tests hand in a stream. */
  destination?: NodeJS.WritableStream;
}

/** The gateway's pino logger, with redaction. */
export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const options: LoggerOptions = {
    name: 'edigate',
    level: opts.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export type { Logger };
