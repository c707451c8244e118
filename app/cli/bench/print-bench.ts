import type { BenchResult } from './bench-result.ts';

/** A plain-text table, columns padded, numbers right-aligned, then how to reproduce it. */
export function formatBenchTable(result: BenchResult): string {
  const cells = result.rows.map((row) => result.columns.map((column) => format(row[column])));
  const widths = result.columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[], numeric: boolean[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const numeric = result.columns.map((column) => result.rows.every((row) => typeof row[column] === 'number'));
  return [
    `## ${result.title}`,
    line(result.columns, numeric),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((row) => line(row, numeric)),
    ...result.notes.map((note) => `note: ${note}`),
    `reproduce: ${result.command}`,
    '',
  ].join('\n');
}

function format(value: string | number | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? value.toLocaleString('en') : value;
}
