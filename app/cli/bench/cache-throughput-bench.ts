/**
 * L1 throughput against the JavaScript LRU caches people would otherwise use: `lru-cache` (the
 * ecosystem default) and `mnemonist`'s LRUCache (an object of pointers into typed arrays, the
 * fastest plain LRU we know) and LRUMap (the same with a Map). Three workloads, each with string keys and with integer keys:
 *   gets  – every get hits (the cache was filled with the keys first), Zipf-skewed over them;
 *   sets  – every set is a new key into a full cache, so every set evicts;
 *   mixed – read-through on a Zipf(0.99) stream over 10× more keys than fit: get, and set on a
 *           miss, so hits, misses, admissions and evictions all happen; its hit rate is reported.
 * Every run measures every (workload, keys, cache) once, the caches in a rotated order, and the
 * table shows medians of the runs (run 0 is a discarded warm-up). Each cache gets its own compiled
 * copy of the loops, so no cache pays for the others' shapes at a shared call site.
 */
import { LRUCache } from 'lru-cache';
import { LRUCache as MnemonistLRUCache, LRUMap as MnemonistLRUMap } from 'mnemonist';
import { L1Cache } from '../../../main/cache/index.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { median, type BenchResult } from './bench-result.ts';

export interface CacheThroughputOptions {
  runs: number;
  /** Operations per measurement (default 1,000,000). */
  requests?: number;
  /** Entries the caches hold (default 10,000); the mixed workload draws from 10× more keys. */
  capacity?: number;
}

type Key = string | number;

interface Subject {
  get(key: Key): unknown;
  set(key: Key, value: number): unknown;
}

const CACHES: Record<string, (capacity: number) => Subject> = {
  'Hotpath L1': (capacity) => new L1Cache<Key, number>({ maxBytes: capacity, sizeOf: () => 1, expectedEntries: capacity }),
  'lru-cache': (capacity) => new LRUCache<Key, number>({ max: capacity }) as Subject,
  'mnemonist LRUCache': (capacity) => new MnemonistLRUCache<Key, number>(capacity) as Subject,
  'mnemonist LRUMap': (capacity) => new MnemonistLRUMap<Key, number>(capacity) as Subject,
};
const HOTPATH = 'Hotpath L1';
const PEERS = Object.keys(CACHES).filter((name) => name !== HOTPATH);
const WORKLOADS = ['gets (hits)', 'sets (new keys, evicting)', 'mixed (Zipf 0.99 read-through)'] as const;
const KEY_KINDS = ['string', 'integer'] as const;

interface Streams {
  /** The keys a gets run fills the cache with, then the Zipf stream of gets over them. */
  fill: Key[];
  hits: Key[];
  /** Never-seen keys, after a fill. */
  fresh: Key[];
  mixed: Key[];
}

/** The loops, as standalone functions (no free variables) so that each cache can compile its own copy. */
function getsLoop(cache: Subject, fill: Key[], stream: Key[], clock: () => number): [number, number] {
  for (let i = 0; i < fill.length; i += 1) cache.set(fill[i]!, i);
  let hits = 0;
  const start = clock();
  for (let i = 0; i < stream.length; i += 1) if (cache.get(stream[i]!) !== undefined) hits += 1;
  return [clock() - start, hits];
}

function setsLoop(cache: Subject, fill: Key[], stream: Key[], clock: () => number): [number, number] {
  for (let i = 0; i < fill.length; i += 1) cache.set(fill[i]!, i);
  const start = clock();
  for (let i = 0; i < stream.length; i += 1) cache.set(stream[i]!, i);
  return [clock() - start, 0];
}

function mixedLoop(cache: Subject, _fill: Key[], stream: Key[], clock: () => number): [number, number] {
  let hits = 0;
  const start = clock();
  for (let i = 0; i < stream.length; i += 1) {
    const key = stream[i]!;
    if (cache.get(key) !== undefined) hits += 1;
    else cache.set(key, i);
  }
  return [clock() - start, hits];
}

type Loop = typeof getsLoop;

/** A fresh copy of a loop: its own feedback, so its call sites see one cache class only. */
function compile(loop: Loop): Loop {
  return new Function(`return (${loop.toString()});`)() as Loop;
}

export async function cacheThroughputBench(options: CacheThroughputOptions): Promise<BenchResult> {
  const capacity = options.capacity ?? 10_000;
  const requests = options.requests ?? 1_000_000;
  const streams = { string: makeStreams(capacity, requests, String), integer: makeStreams(capacity, requests, Number) };
  const loops = Object.fromEntries(
    Object.keys(CACHES).map((name) => [name, { gets: compile(getsLoop), sets: compile(setsLoop), mixed: compile(mixedLoop) }]),
  );
  const clock = () => performance.now();
  // opsPerSecond[workload][keys][cache] and the matching hit rates, one value per run.
  const opsPerSecond = new Map<string, number[]>();
  const hitRates = new Map<string, number[]>();
  const names = Object.keys(CACHES);
  for (let run = 0; run <= options.runs; run += 1) {
    for (const kind of KEY_KINDS) {
      const s = streams[kind];
      for (const [w, workload] of WORKLOADS.entries()) {
        // Rotate which cache goes first, so drift in the machine's load hits each one alike.
        for (let j = 0; j < names.length; j += 1) {
          const name = names[(run + j) % names.length]!;
          const loop = loops[name]![w === 0 ? 'gets' : w === 1 ? 'sets' : 'mixed'];
          const stream = w === 0 ? s.hits : w === 1 ? s.fresh : s.mixed;
          const [ms, hits] = loop(CACHES[name]!(capacity), w === 2 ? [] : s.fill, stream, clock);
          if (run === 0) continue;
          const id = `${workload}|${kind}|${name}`;
          push(opsPerSecond, id, (1000 * stream.length) / ms);
          push(hitRates, id, hits / stream.length);
        }
      }
    }
  }
  const rows: BenchResult['rows'] = [];
  const ratios = ratioJson(opsPerSecond);
  for (const workload of WORKLOADS) {
    for (const kind of KEY_KINDS) {
      const ours = median(opsPerSecond.get(`${workload}|${kind}|${HOTPATH}`)!);
      for (const name of names) {
        const id = `${workload}|${kind}|${name}`;
        const ops = median(opsPerSecond.get(id)!);
        rows.push({
          workload,
          keys: kind,
          cache: name,
          'ops/s': Math.round(ops),
          'Hotpath ÷ this': name === HOTPATH ? '' : round(ours / ops, 2),
          'hit rate %': workload.startsWith('mixed') ? round(100 * median(hitRates.get(id)!), 2) : '',
        });
      }
    }
  }
  return {
    json: ratios,
    suite: 'cache-throughput',
    title: `L1 throughput vs ${PEERS.join(' and ')} (${capacity.toLocaleString('en')} entries, ${requests.toLocaleString('en')} ops per measurement)`,
    columns: ['workload', 'keys', 'cache', 'ops/s', 'Hotpath ÷ this', 'hit rate %'],
    rows,
    command: `npm run bench -- cache-throughput --runs ${options.runs}`,
    notes: [
      `Medians of ${options.runs} runs after a warm-up run; all caches in one process, interleaved in a rotated order each run.`,
      `gets: ${capacity.toLocaleString('en')} keys stored, then Zipf(0.99) gets over them (all hit). sets: a full cache, then new keys only (every set evicts).`,
      `mixed: get, and set on a miss, on Zipf(0.99) over ${(10 * capacity).toLocaleString('en')} keys; ops/s counts requests. Hotpath's hit rate is W-TinyLFU's, the peers' plain LRU's.`,
      `Hotpath ÷ lru-cache per run (median, min–max): ${spreadNote(ratios)}.`,
    ],
  };
}

/** The JSON names of the workloads, in WORKLOADS' order. */
const JSON_WORKLOADS = ['get', 'set', 'readThrough'] as const;

interface RatioJson {
  /** Hotpath ÷ lru-cache: the median over runs of the ratio within each run (both measured in it). */
  ratioToLruCache: Record<string, Record<string, number>>;
  ratioToMnemonist: Record<string, Record<string, number>>;
  /** The lowest and highest per-run ratio to lru-cache: how much the machine's load moved the figures. */
  spread: Record<string, Record<string, [number, number]>>;
  runs: number;
}

/** Ratios per run, then their medians: a run's load hits both caches alike, so the ratio is steadier than ops/s. */
function ratioJson(opsPerSecond: Map<string, number[]>): RatioJson {
  const out: RatioJson = { ratioToLruCache: {}, ratioToMnemonist: {}, spread: {}, runs: 0 };
  for (const [w, workload] of WORKLOADS.entries()) {
    const name = JSON_WORKLOADS[w]!;
    out.ratioToLruCache[name] = {};
    out.ratioToMnemonist[name] = {};
    out.spread[name] = {};
    for (const kind of KEY_KINDS) {
      const ours = opsPerSecond.get(`${workload}|${kind}|${HOTPATH}`)!;
      const per = (peer: string) => ours.map((ops, run) => ops / opsPerSecond.get(`${workload}|${kind}|${peer}`)![run]!);
      const lru = per('lru-cache');
      out.ratioToLruCache[name]![kind] = round(median(lru), 2);
      out.ratioToMnemonist[name]![kind] = round(median(per('mnemonist LRUCache')), 2);
      out.spread[name]![kind] = [round(Math.min(...lru), 2), round(Math.max(...lru), 2)];
      out.runs = lru.length;
    }
  }
  return out;
}

function spreadNote(ratios: RatioJson): string {
  const parts: string[] = [];
  for (const name of JSON_WORKLOADS) {
    for (const kind of KEY_KINDS) {
      const [low, high] = ratios.spread[name]![kind]!;
      parts.push(`${name} ${kind} ${ratios.ratioToLruCache[name]![kind]} (${low}–${high})`);
    }
  }
  return parts.join('; ');
}

function makeStreams(capacity: number, requests: number, as: (n: number) => Key): Streams {
  const name = as === String ? (n: number) => `key:${n}` : as;
  // Shuffled ranks, so that popular keys are not also the smallest numbers or shortest strings.
  const fill = permutation(capacity, 11).map(name);
  const hits = zipfRanks(capacity, requests, 0.99, 7).map((rank) => fill[rank]!);
  const fresh = Array.from({ length: requests }, (_, i) => name(capacity + i));
  const keys = permutation(10 * capacity, 13).map(name);
  const mixed = zipfRanks(10 * capacity, requests, 0.99, 17).map((rank) => keys[rank]!);
  return { fill, hits, fresh, mixed };
}

function permutation(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `length` ranks in [0, keys) drawn from a Zipf(s) distribution, seeded. */
export function zipfRanks(keys: number, length: number, s: number, seed: number): number[] {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let rank = 0; rank < keys; rank += 1) cdf[rank] = total += 1 / Math.pow(rank + 1, s);
  const random = seededRandom(seed);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i += 1) {
    const target = random() * total;
    let low = 0;
    let high = keys - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid]! < target) low = mid + 1;
      else high = mid;
    }
    out[i] = low;
  }
  return out;
}

function push(map: Map<string, number[]>, id: string, value: number): void {
  const values = map.get(id);
  if (values === undefined) map.set(id, [value]);
  else values.push(value);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
