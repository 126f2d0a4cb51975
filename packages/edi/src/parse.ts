import { Buffer, isAscii } from 'node:buffer';
import { EdiReader, type InterchangeResult, type ParseOptions } from './reader.js';
import type { ParseResult, Standard } from './types.js';

export type { ParseOptions, InterchangeResult } from './reader.js';

function toBytes(input: Uint8Array | string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Parses a whole buffer: every interchange (X12 ISA…IEA, EDIFACT [UNA]UNB…UNZ)
 * with its groups and transaction sets, and every envelope issue. Never
 * throws on bad input; what is wrong comes back as issues.
 *
 * A string input is encoded as UTF-8 first, so offsets are UTF-8 byte offsets.
 */
export function parseEdi(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  const bytes = toBytes(input);
  const reader = new EdiReader(options, true);
  reader.push(bytes.toString('latin1', 0, bytes.length), !isAscii(bytes));
  reader.end();
  return { interchanges: reader.ready.map((r) => r.interchange), issues: reader.fileIssues };
}

/**
 * Which standard the input starts with (after blanks and a UTF-8 byte order
 * mark): `x12` for ISA, `edifact` for UNA/UNB, undefined otherwise.
 */
export function detectStandard(input: Uint8Array | string): Standard | undefined {
  const bytes = toBytes(input);
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const head = bytes.toString('latin1', i, Math.min(bytes.length, i + 4));
  if (/^ISA[^A-Za-z0-9\s]/.test(head)) return 'x12';
  if (/^UN[AB]/.test(head)) return 'edifact';
  return undefined;
}

const PIECE = 64 * 1024;

/** One item of {@link streamInterchanges}: an interchange with its issues, or issues outside any interchange. */
export type StreamItem =
  ({ kind: 'interchange' } & InterchangeResult) | { kind: 'file'; issues: ParseResult['issues'] };

/**
 * Reads interchanges from a byte stream and yields each `{ interchange, issues }`
 * as soon as its trailer has been read (or the next header, or the end of
 * input). Memory holds the current interchange and the unfinished segment,
 * never the whole input; any chunking gives the same result as {@link parseEdi}.
 *
 * Issues outside any interchange (garbage, no interchange at all) do not
 * belong to an interchange: pass `onFileIssue` to receive them.
 */
export async function* streamInterchanges(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  options: ParseOptions & { onFileIssue?: (issue: ParseResult['issues'][number]) => void } = {},
): AsyncGenerator<InterchangeResult, void, undefined> {
  const reader = new EdiReader(options);
  let reported = 0;
  const drain = function* (): Generator<InterchangeResult> {
    while (reader.ready.length > 0) yield reader.ready.shift()!;
    if (options.onFileIssue) {
      while (reported < reader.fileIssues.length) options.onFileIssue(reader.fileIssues[reported++]!);
    }
  };
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const bytes = toBytes(chunk);
    // Decoded in 64 KiB pieces: larger strings go to V8's large-object space (or, past ~1 MB,
    // outside the heap as external strings), which only a full collection frees, and RSS
    // grows; small ones die young (1 GB stream: ~135 MB peak RSS with 1 MiB reads).
    for (let at = 0; at < bytes.length; at += PIECE) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + PIECE));
      reader.push(piece.toString('latin1', 0, piece.length), !isAscii(piece));
      // Hand over what each piece completed before decoding the next, so at most one piece's
      // interchanges are alive at once, whatever the size of the source's chunks.
      yield* drain();
    }
  }
  reader.end();
  yield* drain();
}
