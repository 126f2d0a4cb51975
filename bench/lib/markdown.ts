/** Markdown rendering for benchmark sections. */

/** A GitHub-flavoured markdown table. Cells are printed as given; `|` inside a cell is escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (cell: string): string => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** ✅ / ❌ with the measured value and the target, e.g. `✅ 12.1× (target ≥ 10×)`. */
export function verdict(pass: boolean | undefined, measured: string, target: string): string {
  const mark = pass === undefined ? '⚠️ not measured' : pass ? '✅' : '❌';
  return `${mark} ${measured} (target ${target})`;
}
