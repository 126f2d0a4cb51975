/**
 * Runs one benchmark case in a child process, so that peak RSS
 * (`process.resourceUsage().maxRSS`) belongs to that case alone and a case
 * that runs away (timeout, heap exhaustion) cannot take the harness with it.
 */
import { fork } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mbPerSec, median } from './stats.js';

/** A prepared case: `run` is timed, preparing it (reading input files) is not. */
export interface BenchCase {
  /** Bytes one run processes (for MB/s). */
  bytes: number;
  /** One measured run. Return something derived from the work (a count, a checksum) so the engine cannot skip it. */
  run(): unknown;
}

/** What a case module exports under the case name: prepares a case from JSON-serialisable params. */
export type CaseFactory = (params: unknown) => BenchCase | Promise<BenchCase>;

/** Messages from worker.ts. */
export type WorkerMessage =
  | { type: 'setup'; setupMs: number; bytes: number; rssKiB: number }
  | { type: 'run'; ms: number; cpuMs: number; check: string }
  | { type: 'done'; maxRssKiB: number }
  | { type: 'error'; message: string };

/** Options of {@link runCase}. */
export interface RunCaseOptions {
  /** Absolute path of the module exporting the case factory. */
  module: string;
  /** Name of the exported {@link CaseFactory}. */
  export: string;
  /** JSON-serialisable parameters for the factory. */
  params?: unknown;
  /** Timed runs (median reported). */
  runs: number;
  /** Untimed runs first, for JIT warm-up; default 1 (use 0 for huge inputs). */
  warmup?: number;
  /** Kill the child after this many ms (setup included); default 10 minutes. */
  timeoutMs?: number;
  /** V8 old-space cap for the child (`--max-old-space-size`, MB). */
  maxOldSpaceMb?: number;
  /** Write a V8 CPU profile of the child to this file (`--cpu-prof`); read it with `summariseCpuProfile` (profile.ts). */
  cpuProfile?: string;
}

/** Outcome of one case. `ok` means every requested run finished. */
export interface CaseResult {
  status: 'ok' | 'timeout' | 'oom' | 'error';
  /** Bytes per run (from the case). */
  bytes: number;
  /** Durations of the finished timed runs, ms. */
  runsMs: number[];
  /** Median of `runsMs` (NaN when none finished). */
  medianMs: number;
  /** MB/s at the median run. */
  mbPerSec: number;
  /** CPU time (user + system, all threads of the child) of each finished timed run, ms. */
  runsCpuMs: number[];
  /**
   * MB/s by median CPU time: steadier than wall time on a machine shared with
   * other work, but it also counts V8's parallel GC threads.
   */
  cpuMbPerSec: number;
  /** Peak resident set size of the child, KiB (absent when it died). */
  maxRssKiB?: number;
  /** RSS right after setup (input loaded), KiB. */
  setupRssKiB?: number;
  /** The value the last run returned, as a string. */
  check?: string;
  /** Error text or the tail of stderr when status is not `ok`. */
  error?: string;
}

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Runs a case in a fresh `node --conditions=source --import tsx` child and collects its timings and peak RSS. */
export function runCase(options: RunCaseOptions): Promise<CaseResult> {
  const { runs, warmup = 1, timeoutMs = 600_000, maxOldSpaceMb } = options;
  const execArgv = ['--conditions=source', '--import', 'tsx', '--expose-gc'];
  if (maxOldSpaceMb !== undefined) execArgv.push(`--max-old-space-size=${maxOldSpaceMb}`);
  if (options.cpuProfile !== undefined) {
    execArgv.push(
      '--cpu-prof',
      `--cpu-prof-dir=${dirname(options.cpuProfile)}`,
      `--cpu-prof-name=${basename(options.cpuProfile)}`,
    );
  }
  const child = fork(
    workerPath,
    [options.module, options.export, JSON.stringify(options.params ?? null), String(runs), String(warmup)],
    { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] },
  );
  const result: CaseResult = {
    status: 'error',
    bytes: 0,
    runsMs: [],
    medianMs: Number.NaN,
    mbPerSec: Number.NaN,
    runsCpuMs: [],
    cpuMbPerSec: Number.NaN,
  };
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  let timedOut = false;
  let done = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'setup':
        result.bytes = message.bytes;
        result.setupRssKiB = message.rssKiB;
        break;
      case 'run':
        result.runsMs.push(message.ms);
        result.runsCpuMs.push(message.cpuMs);
        result.check = message.check;
        break;
      case 'done':
        result.maxRssKiB = message.maxRssKiB;
        done = true;
        break;
      case 'error':
        result.error = message.message;
        break;
    }
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (done && code === 0) result.status = 'ok';
      else if (timedOut) result.status = 'timeout';
      else if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail)) result.status = 'oom';
      else {
        result.status = 'error';
        result.error ??= `exit ${String(code ?? signal)}: ${stderrTail.trim().split('\n').slice(-5).join(' / ')}`;
      }
      result.medianMs = median(result.runsMs);
      result.mbPerSec = mbPerSec(result.bytes, result.medianMs);
      result.cpuMbPerSec = mbPerSec(result.bytes, median(result.runsCpuMs));
      resolve(result);
    });
  });
}

/** A short cell for a result: `123 MB/s`, or `timeout` / `OOM` / `error` (with finished runs when some did). */
export function describeStatus(result: CaseResult): string {
  if (result.status === 'ok') return '';
  const label = result.status === 'oom' ? 'OOM' : result.status;
  return result.runsMs.length > 0 ? `${label} after ${result.runsMs.length} run(s)` : label;
}
