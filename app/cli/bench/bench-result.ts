/**
 * What every benchmark suite returns: a table of rows (numbers carry their unit in the
 * column name), and the command that reproduces it. The `bench` command prints these
 * as text tables or JSON.
 */
export type BenchCell = string | number;

export interface BenchResult {
  suite: string;
  title: string;
  columns: string[];
  rows: Record<string, BenchCell>[];
  /** The shell command that reproduces exactly this table. */
  command: string;
  notes: string[];
  /** A suite's own `--json` shape (e.g. `pool`'s `{ qps }`, `cache`'s `{ hitRate }`), printed instead of the table when it runs alone. */
  json?: unknown;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
