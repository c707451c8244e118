/**
 * Cache benchmarks. `cacheTraceBench` replays a real research trace through our L1 and the
 * reference policies (LRU, ARC, the same W-TinyLFU with a fixed 1% window) in one run, with
 * Belady's OPT as the ceiling. `cacheThroughputBench` (in `cache-throughput-bench.ts`) measures
 * operations per second of our L1 against `lru-cache` and `mnemonist`.
 */
import { simulate, type SimResult } from '../../../main/cache/sim/simulate.ts';
import { loadTrace, openTrace, type TraceFormat } from '../../../main/cache/sim/trace-reader.ts';
import type { BenchResult } from './bench-result.ts';

export { cacheThroughputBench } from './cache-throughput-bench.ts';

export interface CacheTraceBenchOptions {
  trace: string;
  format: TraceFormat;
  /** Capacity in entries (every entry weighs 1). */
  size: number;
  json?: boolean;
  /** adaptsize only: the byte budget of the byte-bounded run (default: size × the mean object size). */
  bytes?: number;
}

export async function cacheTraceBench(options: CacheTraceBenchOptions): Promise<BenchResult> {
  const trace = await loadTrace(openTrace(options.trace), options.format);
  const rows: BenchResult['rows'] = toRows(simulate(trace, options.size), `${options.size} entries`);
  const notes = [`${trace.length.toLocaleString('en')} requests; OPT is Belady's optimum, a ceiling no real policy reaches.`];
  if (options.format === 'adaptsize') {
    let total = 0;
    for (let i = 0; i < trace.length; i += 1) total += trace.sizes[i]!;
    const mean = total / Math.max(1, trace.length);
    const bytes = options.bytes ?? Math.round(options.size * mean);
    rows.push(...toRows(simulate(trace, bytes, true, options.size), `${bytes.toLocaleString('en')} bytes`));
    notes.push('Byte-bounded rows weigh each object by its size; ARC is left out (it is defined over pages).');
    notes.push('With sizes, Belady is a heuristic (furthest next use), not a bound: optimal sized caching is NP-hard.');
  }
  return {
    suite: 'cache',
    title: `Cache hit rates on ${options.trace.split('/').pop()} (${options.format})`,
    columns: ['policy', 'capacity', 'hit rate %', 'vs LRU (points)'],
    rows,
    command: `npm run bench -- cache --trace ${options.trace} --format ${options.format} --size ${options.size}`,
    notes,
  };
}

function toRows(results: SimResult[], capacity: string): BenchResult['rows'] {
  const lru = results.find((result) => result.name === 'LRU')?.hitRate ?? 0;
  return results.map((result) => ({
    policy: result.name,
    capacity,
    'hit rate %': round(result.hitRate, 2),
    'vs LRU (points)': round(result.hitRate - lru, 2),
  }));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
