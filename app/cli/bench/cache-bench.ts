/**
 * Cache benchmarks. `cacheTraceBench` replays a real research trace through our L1 and the
 * reference policies (LRU, ARC, the same W-TinyLFU with a fixed 1% window) in one run, with
 * Belady's OPT as the ceiling. `cacheThroughputBench` measures gets and sets per ms of our L1
 * against `lru-cache` (the ecosystem default) on one Zipf key stream, as medians of runs.
 */
import { LRUCache } from 'lru-cache';
import { L1Cache } from '../../../main/cache/l1/l1-cache.ts';
import { simulate, type SimResult } from '../../../main/cache/sim/simulate.ts';
import { loadTrace, openTrace, type TraceFormat } from '../../../main/cache/sim/trace-reader.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { median, type BenchResult } from './bench-result.ts';

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

export interface CacheThroughputOptions {
  runs: number;
  /** Requests per run (default 1,000,000). */
  requests?: number;
  /** Entries the caches hold (default 10,000) out of `keys` distinct keys (default 100,000). */
  capacity?: number;
  keys?: number;
}

interface Throughput {
  getsPerMs: number;
  setsPerMs: number;
  hitRate: number;
}

/** The two caches behind one shape, so both loops are the same code. */
interface Subject {
  get(key: string): unknown;
  set(key: string, value: number): unknown;
}

export async function cacheThroughputBench(options: CacheThroughputOptions): Promise<BenchResult> {
  const capacity = options.capacity ?? 10_000;
  const stream = zipfStream(options.keys ?? 100_000, options.requests ?? 1_000_000, 0.99, 7);
  const makers: Record<string, () => Subject> = {
    'Hotpath L1': () => new L1Cache<string, number>({ maxBytes: capacity, sizeOf: () => 1, expectedEntries: capacity }),
    'lru-cache': () => new LRUCache<string, number>({ max: capacity }),
  };
  const measured: Record<string, Throughput[]> = { 'Hotpath L1': [], 'lru-cache': [] };
  for (let run = 0; run < options.runs + 1; run += 1) {
    // Alternate the order so neither cache always runs on a warmer JIT; run 0 is a discarded warm-up.
    const names = run % 2 === 0 ? Object.keys(makers) : Object.keys(makers).reverse();
    for (const name of names) {
      const result = measure(makers[name]!, stream);
      if (run > 0) measured[name]!.push(result);
    }
  }
  const summary = Object.fromEntries(
    Object.entries(measured).map(([name, runs]) => [
      name,
      {
        getsPerMs: median(runs.map((r) => r.getsPerMs)),
        setsPerMs: median(runs.map((r) => r.setsPerMs)),
        hitRate: median(runs.map((r) => r.hitRate)),
      },
    ]),
  );
  const peer = summary['lru-cache']!;
  return {
    suite: 'cache-throughput',
    title: `L1 throughput vs lru-cache (Zipf 0.99, ${capacity.toLocaleString('en')} of ${(options.keys ?? 100_000).toLocaleString('en')} keys)`,
    columns: ['cache', 'gets/ms', 'sets/ms', 'hit rate %', 'gets vs lru-cache', 'sets vs lru-cache'],
    rows: Object.entries(summary).map(([name, s]) => ({
      cache: name,
      'gets/ms': Math.round(s.getsPerMs),
      'sets/ms': Math.round(s.setsPerMs),
      'hit rate %': round(100 * s.hitRate, 2),
      'gets vs lru-cache': round(s.getsPerMs / peer.getsPerMs, 2),
      'sets vs lru-cache': round(s.setsPerMs / peer.setsPerMs, 2),
    })),
    command: `npm run bench -- cache-throughput --runs ${options.runs}`,
    notes: [
      `Medians of ${options.runs} runs after a warm-up; both caches see the same key stream in the same process.`,
      'gets: get, then set on a miss (read-through), counted per request; sets: a set for every request.',
    ],
  };
}

function measure(make: () => Subject, stream: string[]): Throughput {
  const readThrough = make();
  let hits = 0;
  let start = performance.now();
  for (let i = 0; i < stream.length; i += 1) {
    const key = stream[i]!;
    if (readThrough.get(key) !== undefined) hits += 1;
    else readThrough.set(key, i);
  }
  const getsMs = performance.now() - start;
  const writer = make();
  start = performance.now();
  for (let i = 0; i < stream.length; i += 1) writer.set(stream[i]!, i);
  const setsMs = performance.now() - start;
  return { getsPerMs: stream.length / getsMs, setsPerMs: stream.length / setsMs, hitRate: hits / stream.length };
}

/** Keys drawn from a Zipf(s) distribution over `keys` distinct strings, seeded. */
export function zipfStream(keys: number, length: number, s: number, seed: number): string[] {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let rank = 0; rank < keys; rank += 1) cdf[rank] = total += 1 / Math.pow(rank + 1, s);
  const names = Array.from({ length: keys }, (_, rank) => `key:${rank}`);
  const random = seededRandom(seed);
  const stream = new Array<string>(length);
  for (let i = 0; i < length; i += 1) {
    const target = random() * total;
    let low = 0;
    let high = keys - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid]! < target) low = mid + 1;
      else high = mid;
    }
    stream[i] = names[low]!;
  }
  return stream;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
