/**
 * Cache benchmarks. `cacheTraceBench` replays a real research trace through our L1 and the
 * reference policies (LRU, ARC, SIEVE, S3-FIFO, W-TinyLFU with a fixed 1% window, the `lru-cache`
 * package) in one run, with Belady's OPT as the ceiling; `cache-all-bench.ts` does it for every trace. `cacheThroughputBench` (in `cache-throughput-bench.ts`) measures
 * operations per second of our L1 against `lru-cache` and `mnemonist`.
 */
import { LRUCache } from 'lru-cache';
import {
  POLICY_NAMES,
  runPolicy,
  simulate,
  type SimResult,
  type SimPolicy,
  loadTrace,
  openTrace,
  type TraceFormat,
} from '../../../main/cache/index.ts';
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
  const counted = [...simulate(trace, options.size), runPolicy(trace, lruCachePolicy(options.size, false), false)];
  const rows: BenchResult['rows'] = toRows(counted, `${options.size} entries`);
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
    json: traceJson(counted, trace.length, options.size),
    suite: 'cache',
    title: `Cache hit rates on ${options.trace.split('/').pop()} (${options.format})`,
    columns: ['policy', 'capacity', 'hit rate %', 'vs LRU (points)', 'share of OPT %'],
    rows,
    command: `npm run bench -- cache --trace ${options.trace} --format ${options.format} --size ${options.size}`,
    notes,
  };
}

const LRU_CACHE_NAME = 'lru-cache (npm)';

/** The `lru-cache` package itself, replayed like our policies: the peer the issue names. */
function lruCachePolicy(maximum: number, weighted: boolean): SimPolicy {
  const cache = weighted
    ? new LRUCache<number, true>({ maxSize: maximum, sizeCalculation: (_value, key) => sizes.get(key) ?? 1 })
    : new LRUCache<number, true>({ max: maximum });
  const sizes = new Map<number, number>();
  return {
    name: LRU_CACHE_NAME,
    access(key: number, size: number): boolean {
      if (cache.get(key) !== undefined) return true;
      if (weighted) sizes.set(key, size);
      cache.set(key, true);
      return false;
    },
  };
}

/**
 * `--json`: `{ hitRate: { hotpath, lru, opt, arc, sieve, s3fifo, tinylfuFixed }, shareOfOpt: {...}, requests, size }`, hit
 * rates between 0 and 1 (count-bounded runs); `lru` is the `lru-cache` package.
 */
function traceJson(results: SimResult[], requests: number, size: number): unknown {
  const rate = (name: string) => (results.find((r) => r.name === name)?.hitRate ?? 0) / 100;
  const hitRate = {
    hotpath: rate(POLICY_NAMES.adaptive),
    lru: rate(LRU_CACHE_NAME),
    opt: rate(POLICY_NAMES.opt),
    arc: rate(POLICY_NAMES.arc),
    sieve: rate(POLICY_NAMES.sieve),
    s3fifo: rate(POLICY_NAMES.s3fifo),
    tinylfuFixed: rate(POLICY_NAMES.fixed),
  };
  const shareOfOpt = Object.fromEntries(
    Object.entries(hitRate).map(([name, value]) => [name, hitRate.opt > 0 ? round(value / hitRate.opt, 4) : 0]),
  );
  return { hitRate, shareOfOpt, requests, size };
}

function toRows(results: SimResult[], capacity: string): BenchResult['rows'] {
  const lru = results.find((result) => result.name === 'LRU')?.hitRate ?? 0;
  const opt = results.find((result) => result.name.startsWith(POLICY_NAMES.opt))?.hitRate ?? 0;
  return results.map((result) => ({
    policy: result.name,
    capacity,
    'hit rate %': round(result.hitRate, 2),
    'vs LRU (points)': round(result.hitRate - lru, 2),
    'share of OPT %': opt > 0 ? round((100 * result.hitRate) / opt, 1) : '',
  }));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
