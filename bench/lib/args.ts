/** Command-line flags every benchmark area understands. */

/** Parsed benchmark flags. */
export interface BenchArgs {
  /** `--quick`: smaller inputs so the whole bench runs in a minute or two. */
  quick: boolean;
  /** `--runs N`: measured runs per case (the median is reported); default 5. */
  runs: number;
  /** Arguments that are neither of the above (area names, area-specific flags). */
  rest: string[];
}

/** Parses `--quick` and `--runs N` (also `--runs=N`); leaves everything else in `rest`. */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const out: BenchArgs = { quick: false, runs: 5, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--quick') out.quick = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const raw = arg === '--runs' ? args[++i] : arg.slice('--runs='.length);
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--runs needs a positive integer, got ${String(raw)}`);
      out.runs = n;
    } else out.rest.push(arg);
  }
  return out;
}
