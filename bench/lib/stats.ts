/**
 * Small numeric and formatting helpers shared by every benchmark area.
 * Sizes are decimal: 1 MB = 1,000,000 bytes, so MB/s reads as bytes/µs.
 */

/** Decimal megabyte. */
export const MB = 1_000_000;

/** Median of a non-empty list (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Throughput in MB/s for `bytes` processed in `ms` milliseconds. */
export function mbPerSec(bytes: number, ms: number): number {
  return ms > 0 ? bytes / MB / (ms / 1000) : Number.NaN;
}

/** A number with `digits` significant digits, without exponent notation for the usual ranges. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return 'n/a';
  const rounded = Number(value.toPrecision(digits));
  if (rounded === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(rounded)));
  return rounded.toFixed(Math.max(0, digits - 1 - magnitude));
}

/** Bytes as a short decimal size: `1 MB`, `100 MB`, `1 GB`, `512 kB`. */
export function fmtSize(bytes: number): string {
  const short = (n: number): string => String(Number(n.toPrecision(3)));
  if (bytes >= 1e9) return `${short(bytes / 1e9)} GB`;
  if (bytes >= MB) return `${short(bytes / MB)} MB`;
  return `${short(bytes / 1e3)} kB`;
}

/** Peak RSS in KiB (as `process.resourceUsage().maxRSS` gives it) as MB (decimal). */
export function fmtRssKiB(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${fmt((kib * 1024) / MB)} MB`;
}

/** A ratio like `12.3×`; `n/a` when either side is missing. */
export function fmtRatio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !(theirs > 0) || !Number.isFinite(ours)) return 'n/a';
  return `${fmt(ours / theirs)}×`;
}
