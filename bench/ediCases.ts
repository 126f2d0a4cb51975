/**
 * The measured cases of the EDI benchmark (bench/edi.ts), each run in its own
 * child process by bench/lib/child.ts. Every case is handed a file path; the
 * timed run starts from the file's bytes in memory (decoding included), so all
 * contenders do the same work from the same starting point.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { BenchCase } from './lib/child.js';

/** Parameters of every EDI case. */
export interface EdiCaseParams {
  path: string;
}

type EdiModule = Record<string, unknown>;

/** `@edigate/edi`, or undefined while it cannot be loaded. */
export async function loadEdi(): Promise<EdiModule | undefined> {
  try {
    return await import('@edigate/edi');
  } catch {
    return undefined;
  }
}

/** Which of our entry points exist yet (the parser is built concurrently with this bench). */
export async function ediFeatures(): Promise<{
  parseEdi: boolean;
  validateGuides: boolean;
  streamInterchanges: boolean;
}> {
  const edi = await loadEdi();
  return {
    parseEdi: typeof edi?.parseEdi === 'function',
    validateGuides: typeof edi?.validateGuides === 'function',
    streamInterchanges: typeof edi?.streamInterchanges === 'function',
  };
}

interface ParsedLike {
  interchanges: { groups: { sets: { issues: unknown[] }[]; issues: unknown[] }[]; issues: unknown[] }[];
  issues: unknown[];
}

interface ParsedWithSegments extends ParsedLike {
  interchanges: (ParsedLike['interchanges'][number] & {
    groups: { sets: { issues: unknown[]; segments: { elements: readonly unknown[] }[] }[]; issues: unknown[] }[];
  })[];
}

/** Counts transaction sets and issues so a run cannot be optimised away, and so a broken parse shows in the table. */
function summarise(result: ParsedLike): string {
  let sets = 0;
  let issues = result.issues.length;
  for (const interchange of result.interchanges) {
    issues += interchange.issues.length;
    for (const group of interchange.groups) {
      issues += group.issues.length;
      for (const set of group.sets) {
        sets++;
        issues += set.issues.length;
      }
    }
  }
  return `${result.interchanges.length} interchanges, ${sets} sets, ${issues} issues`;
}

/** The separators a floor needs, read from the ISA (fixed width) or UNA; EDIFACT defaults otherwise. */
function separators(bytes: Buffer): { element: string; terminator: string } {
  const head = bytes.toString('latin1', 0, 200);
  // X12.5: ISA16 at offset 104, the segment terminator right after.
  if (head.startsWith('ISA')) return { element: head[3]!, terminator: head[105]! };
  if (head.startsWith('UNA')) return { element: head[4]!, terminator: head[8]! };
  return { element: '+', terminator: "'" };
}

/** Moves past a line suffix (CR, LF) after a terminator. */
function skipLineSuffix(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (c === 10 || c === 13) c = text.charCodeAt(++pos);
  return pos;
}

/**
 * The floor: decode once (latin1), find each segment terminator with
 * indexOf, `split` the segment on the element separator, count elements.
 * Ignores EDIFACT release characters, which only makes the floor faster.
 */
export function floor(params: EdiCaseParams): BenchCase {
  const bytes = readFileSync(params.path);
  const { element, terminator } = separators(bytes);
  return {
    bytes: bytes.length,
    run() {
      const text = bytes.toString('latin1');
      const end = text.length;
      let pos = 0;
      let segments = 0;
      let elements = 0;
      while (pos < end) {
        let stop = text.indexOf(terminator, pos);
        if (stop < 0) stop = end;
        elements += text.slice(pos, stop).split(element).length;
        segments++;
        pos = skipLineSuffix(text, stop + 1);
      }
      return `${segments} segments, ${elements} elements`;
    },
  };
}

/**
 * The floor without `split`: elements are cut with indexOf + slice straight
 * from the decoded text (into an array per segment, as a tokenizer would keep
 * them). On V8 this is usually faster than slicing the segment and splitting it.
 */
export function floorSlice(params: EdiCaseParams): BenchCase {
  const bytes = readFileSync(params.path);
  const { element, terminator } = separators(bytes);
  return {
    bytes: bytes.length,
    run() {
      const text = bytes.toString('latin1');
      const end = text.length;
      let pos = 0;
      let segments = 0;
      let elements = 0;
      while (pos < end) {
        let stop = text.indexOf(terminator, pos);
        if (stop < 0) stop = end;
        const fields: string[] = [];
        let from = pos;
        for (;;) {
          const sep = text.indexOf(element, from);
          if (sep < 0 || sep > stop) {
            fields.push(text.slice(from, stop));
            break;
          }
          fields.push(text.slice(from, sep));
          from = sep + 1;
        }
        elements += fields.length;
        segments++;
        pos = skipLineSuffix(text, stop + 1);
      }
      return `${segments} segments, ${elements} elements`;
    },
  };
}

/**
 * The split floor, but every segment's element array is kept until the run
 * ends, as a parser that returns a tree must: the garbage collector then has
 * to promote and trace them all, which the throw-away floors never pay.
 */
export function floorRetained(params: EdiCaseParams): BenchCase {
  const bytes = readFileSync(params.path);
  const { element, terminator } = separators(bytes);
  return {
    bytes: bytes.length,
    run() {
      const text = bytes.toString('latin1');
      const end = text.length;
      const kept: string[][] = [];
      let pos = 0;
      let elements = 0;
      while (pos < end) {
        let stop = text.indexOf(terminator, pos);
        if (stop < 0) stop = end;
        const fields = text.slice(pos, stop).split(element);
        kept.push(fields);
        elements += fields.length;
        pos = skipLineSuffix(text, stop + 1);
      }
      return `${kept.length} segments, ${elements} elements`;
    },
  };
}

/** node-x12 1.7: `new X12Parser(true).parse(text)` (strict) over the UTF-8-decoded file. */
export async function nodeX12(params: EdiCaseParams): Promise<BenchCase> {
  const { X12Parser } = await import('node-x12');
  const bytes = readFileSync(params.path);
  return {
    bytes: bytes.length,
    run() {
      const result = new X12Parser(true).parse(bytes.toString('utf8')) as {
        interchanges?: unknown[];
        functionalGroups?: unknown[];
      };
      return result.interchanges
        ? `${result.interchanges.length} interchanges`
        : `1 interchange, ${result.functionalGroups?.length ?? 0} groups`;
    },
  };
}

/** Ours: tokenize + envelope validation, `parseEdi(bytes)`. */
export async function ours(params: EdiCaseParams): Promise<BenchCase> {
  const edi = await loadEdi();
  const parseEdi = edi?.parseEdi as ((input: Uint8Array) => ParsedLike) | undefined;
  if (!parseEdi) throw new Error('@edigate/edi has no parseEdi yet');
  const bytes = readFileSync(params.path);
  return { bytes: bytes.length, run: () => summarise(parseEdi(bytes)) };
}

/**
 * Ours, with every segment's elements read: `parseEdi` splits a segment's
 * elements lazily, on first access of `segment.elements`, so `ours` alone
 * frames segments and checks envelopes without splitting the body segments.
 * This case forces the split, which is the work the floor always does.
 */
export async function oursElements(params: EdiCaseParams): Promise<BenchCase> {
  const edi = await loadEdi();
  const parseEdi = edi?.parseEdi as ((input: Uint8Array) => ParsedWithSegments) | undefined;
  if (!parseEdi) throw new Error('@edigate/edi has no parseEdi yet');
  const bytes = readFileSync(params.path);
  return {
    bytes: bytes.length,
    run() {
      const result = parseEdi(bytes);
      let elements = 0;
      for (const interchange of result.interchanges) {
        for (const group of interchange.groups)
          for (const set of group.sets) for (const segment of set.segments) elements += segment.elements.length;
      }
      return `${summarise(result)}, ${elements} set elements`;
    },
  };
}

/** Loads `@edigate/edi` and does nothing: the peak RSS of a child before any input (Node + tsx + our modules). */
export async function idle(): Promise<BenchCase> {
  await loadEdi();
  return { bytes: 0, run: () => 0 };
}

/** Ours: full guide validation, `parseEdi(bytes)` then `validateGuides(interchange)` for each interchange. */
export async function oursGuides(params: EdiCaseParams): Promise<BenchCase> {
  const edi = await loadEdi();
  const parseEdi = edi?.parseEdi as ((input: Uint8Array) => ParsedLike) | undefined;
  const validateGuides = edi?.validateGuides as ((interchange: unknown) => unknown) | undefined;
  if (!parseEdi || !validateGuides) throw new Error('@edigate/edi has no parseEdi/validateGuides yet');
  const bytes = readFileSync(params.path);
  return {
    bytes: bytes.length,
    run() {
      const result = parseEdi(bytes);
      for (const interchange of result.interchanges) validateGuides(interchange);
      // validateGuides adds its findings to the sets' issues, which summarise counts.
      return summarise(result);
    },
  };
}

/** Ours, streaming: `streamInterchanges(createReadStream(path))`, counting interchanges; the file is never held whole. */
export async function oursStream(params: EdiCaseParams): Promise<BenchCase> {
  type Item = { interchange: ParsedLike['interchanges'][number]; issues: unknown[] };
  const edi = await loadEdi();
  const streamInterchanges = edi?.streamInterchanges as
    ((source: AsyncIterable<Uint8Array>) => AsyncIterable<Item>) | undefined;
  if (!streamInterchanges) throw new Error('@edigate/edi has no streamInterchanges yet');
  return {
    bytes: statSync(params.path).size,
    async run() {
      let interchanges = 0;
      let sets = 0;
      let issues = 0;
      for await (const { interchange, issues: found } of streamInterchanges(
        createReadStream(params.path, { highWaterMark: 1 << 20 }),
      )) {
        interchanges++;
        issues += found.length;
        for (const group of interchange.groups) sets += group.sets.length;
      }
      return `${interchanges} interchanges, ${sets} sets, ${issues} issues`;
    },
  };
}
