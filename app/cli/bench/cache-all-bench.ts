/**
 * `bench cache --all`: every trace of the shared traces folder at the sizes of its README's reference
 * table, every policy on the same requests, in one table. The folder's README is the source of both
 * lists (its files table gives each trace's format, its reference table the cells and the figures
 * of adaptive W-TinyLFU, which we do not run ourselves), so a trace added there is benchmarked here.
 * Per cell: each policy's hit rate, the L1's share of OPT, the best other policy, and whether the L1
 * is within TOLERANCE of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hashedPolicies,
  loadTrace,
  openTrace,
  POLICY_NAMES,
  runPolicy,
  simulate,
  type Trace,
  type TraceFormat,
} from '../../../main/cache/index.ts';
import type { BenchResult } from './bench-result.ts';

/** Points below the best other policy that still count as a tie (the issue's tolerance). */
const TOLERANCE = 0.2;
/** The reference table's column for the policy we take from the README instead of running it. */
const REFERENCE_ADAPTIVE = 'adaptive W-TinyLFU';
const ADAPTIVE_LABEL = 'adaptive W-TinyLFU (README)';

export interface CacheAllOptions {
  /** The folder with the traces and their README. */
  traces: string;
  json?: boolean;
  /**
   * Hashes to run the L1 and fixed-window TinyLFU with (default 1): their columns are then means over
   * the hashes, with the L1's lowest and highest beside them. On the small traces, which keys collide
   * in the sketch moves a W-TinyLFU by more than the tolerance.
   */
  hashSeeds?: number;
}

export interface ReferenceCell {
  trace: string;
  file: string;
  format: TraceFormat;
  size: number;
  /** The README's figures by column name (percent). */
  reference: Record<string, number>;
}

/** The cells of the README's reference table, with each trace's file and format from its files table. */
export function referenceCells(readme: string): ReferenceCell[] {
  const files = new Map<string, { file: string; format: TraceFormat }>();
  for (const match of readme.matchAll(/^\| `([^`]+)` \|[^|]*\| `([a-z0-9]+)` \|/gm)) {
    const file = match[1]!;
    files.set(file.replace(/\.trace\.gz$|\.gz$/, ''), { file, format: match[2] as TraceFormat });
  }
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| trace @ N'));
  if (header < 0) throw new Error('traces README: no reference table (a line starting "| trace @ N")');
  const columns = splitRow(lines[header]!).slice(1);
  const cells: ReferenceCell[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [label, ...values] = splitRow(line);
    const match = /^(\S+) @ ([\d,]+)/.exec(label!);
    if (!match) continue;
    const trace = match[1]!;
    const known = files.get(trace);
    if (!known) throw new Error(`traces README: the reference table names ${trace}, the files table does not`);
    const reference = Object.fromEntries(columns.map((column, i) => [column, Number(values[i]!.replace(/\*/g, ''))]));
    cells.push({ trace, ...known, size: Number(match[2]!.replace(/,/g, '')), reference });
  }
  return cells;
}

function splitRow(line: string): string[] {
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** The policies of the table, in its column order (the L1 first, OPT last). */
const COLUMNS = [
  ['L1', POLICY_NAMES.adaptive],
  ['LRU', POLICY_NAMES.lru],
  ['ARC', POLICY_NAMES.arc],
  ['SIEVE', POLICY_NAMES.sieve],
  ['S3-FIFO', POLICY_NAMES.s3fifo],
  ['TinyLFU 1%', POLICY_NAMES.fixed],
] as const;

export async function cacheAllBench(options: CacheAllOptions): Promise<BenchResult> {
  const hashSeeds = options.hashSeeds ?? 1;
  const cells = referenceCells(readFileSync(join(options.traces, 'README.md'), 'utf8'));
  const rows: BenchResult['rows'] = [];
  const json: unknown[] = [];
  const sums = new Map<string, number>();
  const add = (column: string, value: number) => sums.set(column, (sums.get(column) ?? 0) + value);
  let within = 0;
  let loaded: { file: string; trace: Trace } | undefined;
  for (const cell of cells) {
    process.stderr.write(`  ${cell.trace} @ ${cell.size}\n`);
    if (loaded?.file !== cell.file)
      loaded = { file: cell.file, trace: await loadTrace(openTrace(join(options.traces, cell.file)), cell.format) };
    const results = simulate(loaded.trace, cell.size);
    const byPolicy = new Map(results.map((result) => [result.name, result.hitRate]));
    const l1Rates = [byPolicy.get(POLICY_NAMES.adaptive)!];
    const fixedRates = [byPolicy.get(POLICY_NAMES.fixed)!];
    for (let seed = 1; seed < hashSeeds; seed += 1) {
      const [fixed, l1] = hashedPolicies(cell.size, seed).map((policy) => runPolicy(loaded!.trace, policy, false).hitRate);
      fixedRates.push(fixed!);
      l1Rates.push(l1!);
    }
    byPolicy.set(POLICY_NAMES.adaptive, average(l1Rates));
    byPolicy.set(POLICY_NAMES.fixed, average(fixedRates));
    const rate = (name: string) => byPolicy.get(name)!;
    const row: BenchResult['rows'][number] = { cell: `${cell.trace} @ ${cell.size.toLocaleString('en')}` };
    const rates: Record<string, number> = {};
    for (const [column, name] of COLUMNS) rates[column] = rate(name);
    const adaptive = cell.reference[REFERENCE_ADAPTIVE];
    if (adaptive !== undefined && Number.isFinite(adaptive)) rates[ADAPTIVE_LABEL] = adaptive;
    rates.OPT = rate(POLICY_NAMES.opt);
    for (const [column, value] of Object.entries(rates)) {
      row[column] = round(value, 2);
      add(column, value);
    }
    const others = Object.entries(rates).filter(([column]) => column !== 'L1' && column !== 'OPT');
    const [bestName, best] = others.reduce((a, b) => (b[1] > a[1] ? b : a));
    const l1 = rates.L1!;
    row['L1 / OPT %'] = round((100 * l1) / rates.OPT!, 1);
    row['best other'] = bestName;
    row['L1 − best'] = round(l1 - best, 2);
    row['within 0.2'] = l1 >= best - TOLERANCE ? 'yes' : 'no';
    if (hashSeeds > 1) row['L1 lowest–highest'] = `${round(Math.min(...l1Rates), 2)}–${round(Math.max(...l1Rates), 2)}`;
    if (l1 >= best - TOLERANCE) within += 1;
    add('best other', best);
    rows.push(row);
    json.push({
      trace: cell.trace,
      size: cell.size,
      hitRate: rates,
      bestOther: bestName,
      l1MinusBest: round(l1 - best, 2),
      ...(hashSeeds > 1 ? { l1Range: [Math.min(...l1Rates), Math.max(...l1Rates)] } : {}),
    });
  }
  const mean: BenchResult['rows'][number] = { cell: 'mean' };
  for (const [column, sum] of sums) if (column !== 'best other') mean[column] = round(sum / cells.length, 2);
  mean['L1 / OPT %'] = round((100 * sums.get('L1')!) / sums.get('OPT')!, 1);
  mean['best other'] = `(per cell: ${round(sums.get('best other')! / cells.length, 2)})`;
  mean['L1 − best'] = round((sums.get('L1')! - sums.get('best other')!) / cells.length, 2);
  mean['within 0.2'] = `${within} of ${cells.length}`;
  rows.push(mean);
  const columns = [
    'cell',
    ...COLUMNS.map(([column]) => column),
    ADAPTIVE_LABEL,
    'OPT',
    'L1 / OPT %',
    'best other',
    'L1 − best',
    'within 0.2',
    ...(hashSeeds > 1 ? ['L1 lowest–highest'] : []),
  ];
  return {
    json: { cells: json, within, of: cells.length, hashSeeds },
    suite: 'cache',
    title: `Cache hit rates (%) on every trace of ${options.traces} at its reference sizes (entries)`,
    columns,
    rows,
    command: `npm run bench -- cache --all --trace ${options.traces}${hashSeeds > 1 ? ` --hash-seeds ${hashSeeds}` : ''}`,
    notes: [
      ...(hashSeeds > 1
        ? [
            `L1 and TinyLFU 1%: means over ${hashSeeds} key hashes (which keys collide in the sketch, and which the L1's simulation samples, differ between them); "L1 lowest–highest" is the L1's range over them.`,
          ]
        : []),
      `"${ADAPTIVE_LABEL}" is the figure of the README's reference table (Caffeine's hill climber, re-implemented there); every other column is run here on the same requests.`,
      `"best other" is the best policy but the L1 and OPT; "within 0.2" says whether the L1 is at most ${TOLERANCE} points below it.`,
    ],
  };
}

function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
