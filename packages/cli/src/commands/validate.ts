import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  streamInterchanges,
  validateGuides,
  type EdiIssue,
  type FunctionalGroup,
  type Interchange,
  type TransactionSet,
} from '@edigate/edi';
import { ExitCode, withCommon, type CommonOptions, type Io } from '../context.js';
import type { Register } from '../program.js';

interface ValidateOptions extends CommonOptions {
  ignoreLineBreaks?: boolean;
  guides?: boolean;
}

/** One issue in the JSON report: the issue as the library reports it. */
type IssueJson = EdiIssue;

interface SetJson {
  index: number;
  id: string;
  controlNumber: string;
  version: string;
  segments: number;
  complete: boolean;
  supported?: boolean;
  offset: number;
  issues: IssueJson[];
}

interface GroupJson {
  index: number;
  implicit: boolean;
  functionalId: string;
  controlNumber: string;
  version: string;
  sender?: { qualifier: string; id: string };
  receiver?: { qualifier: string; id: string };
  offset: number;
  sets: SetJson[];
  issues: IssueJson[];
}

interface InterchangeJson {
  index: number;
  standard: string;
  controlNumber: string;
  version: string;
  sender: { qualifier: string; id: string };
  receiver: { qualifier: string; id: string };
  date: string;
  time: string;
  test: boolean;
  ackRequested: boolean;
  offset: number;
  length: number;
  complete: boolean;
  groups: GroupJson[];
  issues: IssueJson[];
}

/** The JSON report of one input (`--json`). */
export interface FileReport {
  file: string;
  /** False when the input could not be read (exit code 2). */
  readable: boolean;
  /** True when read, at least one interchange found and no issue of severity error. */
  valid: boolean;
  error?: string;
  counts: { interchanges: number; groups: number; sets: number; errors: number; warnings: number };
  interchanges: InterchangeJson[];
  /** Issues outside any interchange (garbage, no interchange at all). */
  issues: IssueJson[];
}

function setJson(set: TransactionSet, index: number): SetJson {
  const out: SetJson = {
    index,
    id: set.id,
    controlNumber: set.controlNumber,
    version: set.version,
    segments: set.segments.length,
    complete: set.complete,
    offset: set.offset,
    issues: set.issues,
  };
  if (set.supported !== undefined) out.supported = set.supported;
  return out;
}

function groupJson(group: FunctionalGroup, index: number): GroupJson {
  const out: GroupJson = {
    index,
    implicit: group.implicit,
    functionalId: group.functionalId,
    controlNumber: group.controlNumber,
    version: group.version,
    offset: group.offset,
    sets: group.sets.map(setJson),
    issues: group.issues,
  };
  if (group.sender) out.sender = group.sender;
  if (group.receiver) out.receiver = group.receiver;
  return out;
}

function interchangeJson(ic: Interchange, index: number): InterchangeJson {
  return {
    index,
    standard: ic.standard,
    controlNumber: ic.controlNumber,
    version: ic.version,
    sender: ic.sender,
    receiver: ic.receiver,
    date: ic.date,
    time: ic.time,
    test: ic.test,
    ackRequested: ic.ackRequested,
    offset: ic.offset,
    length: ic.length,
    complete: ic.trailer !== undefined,
    groups: ic.groups.map(groupJson),
    issues: ic.issues,
  };
}

function standardCodes(issue: EdiIssue): string {
  const c = issue.codes;
  const parts: string[] = [];
  if (c.ta105) parts.push(`TA105=${c.ta105}`);
  if (c.ak905) parts.push(`AK905=${c.ak905}`);
  if (c.ak502) parts.push(`AK502=${c.ak502}`);
  if (c.ak304) parts.push(`AK304=${c.ak304}`);
  if (c.ak403) parts.push(`AK403=${c.ak403}`);
  if (c.contrl) parts.push(`0085=${c.contrl}`);
  return parts.join(' ');
}

/** One issue as a report line: severity, code, message, then where and the standard codes. */
export function formatIssue(issue: EdiIssue): string {
  const where: string[] = [];
  if (issue.segmentPosition !== undefined) where.push(`segment ${issue.segmentPosition}`);
  if (issue.segmentTag !== undefined) where.push(issue.segmentTag);
  if (issue.element !== undefined) where.push(`element ${issue.element}`);
  if (issue.component !== undefined) where.push(`component ${issue.component}`);
  if (issue.repetition !== undefined) where.push(`repetition ${issue.repetition}`);
  if (issue.value !== undefined) where.push(`value ${JSON.stringify(issue.value)}`);
  if (issue.offset !== undefined) where.push(`byte ${issue.offset}`);
  const codes = standardCodes(issue);
  if (codes !== '') where.push(codes);
  return `${issue.severity} ${issue.code}: ${issue.message}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

function party(p: { qualifier: string; id: string } | undefined): string {
  if (p === undefined) return '?';
  return p.qualifier === '' ? p.id : `${p.qualifier}:${p.id}`;
}

function issuesText(issues: readonly EdiIssue[], indent: string): string {
  return issues.map((i) => `${indent}${formatIssue(i)}\n`).join('');
}

/** The readable report of one interchange. */
export function formatInterchange(ic: Interchange, index: number): string {
  let out = `  interchange ${index + 1}: ${ic.standard === 'x12' ? 'X12' : 'EDIFACT'} ${ic.version}, control ${ic.controlNumber || '?'}, ${party(ic.sender)} -> ${party(ic.receiver)}, ${ic.date} ${ic.time}${ic.test ? ', test' : ''}, ${ic.groups.length} group(s), bytes ${ic.offset}..${ic.offset + ic.length}${ic.trailer ? '' : ', NO TRAILER'}\n`;
  out += issuesText(ic.issues, '    ');
  ic.groups.forEach((g, gi) => {
    out += g.implicit
      ? `    group ${gi + 1}: (no group header), ${g.sets.length} set(s)\n`
      : `    group ${gi + 1}: ${g.functionalId} control ${g.controlNumber || '?'}, version ${g.version || '?'}, ${party(g.sender)} -> ${party(g.receiver)}, ${g.sets.length} set(s)\n`;
    out += issuesText(g.issues, '      ');
    g.sets.forEach((s, si) => {
      const guide = s.supported === undefined ? '' : s.supported ? ', guide checked' : ', no guide';
      out += `      set ${si + 1}: ${s.id} control ${s.controlNumber || '?'}, version ${s.version || '?'}, ${s.segments.length} segment(s)${s.complete ? '' : ', NO TRAILER'}${guide}\n`;
      out += issuesText(s.issues, '        ');
    });
  });
  return out;
}

function counts(ic: Interchange, into: FileReport['counts']): void {
  into.interchanges++;
  const add = (issues: readonly EdiIssue[]) => {
    for (const i of issues) {
      if (i.severity === 'error') into.errors++;
      else into.warnings++;
    }
  };
  add(ic.issues);
  for (const g of ic.groups) {
    into.groups++;
    add(g.issues);
    for (const s of g.sets) {
      into.sets++;
      add(s.issues);
    }
  }
}

interface ValidateFileOptions {
  file: string;
  io: Io;
  options: ValidateOptions;
  /** Called with the readable text of each part of the report as it is ready (text mode). */
  write?: (text: string) => void;
}

/** Validates one input (a path or `-` for stdin) by streaming it; never throws. */
export async function validateFile({ file, io, options, write }: ValidateFileOptions): Promise<FileReport> {
  const report: FileReport = {
    file,
    readable: true,
    valid: false,
    counts: { interchanges: 0, groups: 0, sets: 0, errors: 0, warnings: 0 },
    interchanges: [],
    issues: [],
  };
  let source: AsyncIterable<Uint8Array>;
  if (file === '-') source = io.stdin();
  else {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
    } catch (err) {
      report.readable = false;
      report.error = `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
      return report;
    }
    source = createReadStream(file, { highWaterMark: 1 << 20 });
  }
  const guides = options.guides !== false;
  write?.(`${file}\n`);
  try {
    const stream = streamInterchanges(source, {
      ignoreExtraneousLineBreaks: options.ignoreLineBreaks === true,
      onFileIssue: (issue) => {
        report.issues.push(issue);
        if (issue.severity === 'error') report.counts.errors++;
        else report.counts.warnings++;
      },
    });
    for await (const { interchange } of stream) {
      const index = report.counts.interchanges;
      if (guides) {
        try {
          validateGuides(interchange, { interchangeIndex: index });
        } catch (err) {
          interchange.issues.push({
            code: 'GUIDE_VALIDATION_FAILED',
            severity: 'error',
            level: 'interchange',
            message: `guide validation failed: ${err instanceof Error ? err.message : String(err)}`,
            interchangeIndex: index,
            codes: {},
          });
        }
      }
      counts(interchange, report.counts);
      write?.(formatInterchange(interchange, index));
      if (options.json) report.interchanges.push(interchangeJson(interchange, index));
    }
  } catch (err) {
    report.readable = false;
    report.error = `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
    return report;
  }
  if (report.issues.length > 0) write?.(`  outside any interchange:\n${issuesText(report.issues, '    ')}`);
  report.valid = report.counts.interchanges > 0 && report.counts.errors === 0;
  return report;
}

function summary(r: FileReport): string {
  if (!r.readable) return `${r.file}: UNREADABLE — ${r.error ?? ''}\n`;
  const c = r.counts;
  return `${r.file}: ${r.valid ? 'VALID' : 'INVALID'} (${c.interchanges} interchange(s), ${c.groups} group(s), ${c.sets} set(s), ${c.errors} error(s), ${c.warnings} warning(s))\n`;
}

/**
 * `edigate validate <file…>`: reads each file (or stdin for `-`) as a stream,
 * checks envelopes and (unless `--no-guides`) each transaction set against
 * its guide; prints a readable report or, with `--json`, a JSON one.
 *
 * Exit codes: 0 every input valid; 1 an input is invalid (this includes a
 * readable input with no interchange in it); 2 an input could not be read.
 */
export const registerValidate: Register = (program, io, setExit) => {
  const cmd = program
    .command('validate')
    .description('check X12 / EDIFACT files: envelopes, control numbers, counts and transaction-set guides')
    .argument('<file...>', 'files to check; - reads standard input')
    .option(
      '--ignore-line-breaks',
      'drop CR/LF inside segments (files wrapped at 80 columns) instead of reporting them',
    )
    .option('--no-guides', 'check the syntax and envelopes only, not the transaction-set guides');
  withCommon(cmd);
  cmd.action(async (files: string[], options: ValidateOptions) => {
    const reports: FileReport[] = [];
    for (const file of files) {
      const write = options.json ? undefined : io.stdout;
      const report = await validateFile({ file, io, options, ...(write ? { write } : {}) });
      reports.push(report);
      if (!options.json) {
        if (!report.readable) io.stderr(`edigate: ${report.error ?? 'unreadable input'}\n`);
        io.stdout(summary(report));
      }
      setExit(!report.readable ? ExitCode.unreadable : report.valid ? ExitCode.ok : ExitCode.invalid);
    }
    if (options.json) {
      io.stdout(`${JSON.stringify({ valid: reports.every((r) => r.valid), files: reports }, null, 2)}\n`);
    }
  });
};
