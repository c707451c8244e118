import { describe, expect, it } from 'vitest';
import { beladyHits, nextUses } from '../../../main/cache/sim/belady.ts';
import { ArcPolicy, LruPolicy } from '../../../main/cache/sim/policies.ts';
import { runPolicy, simulate } from '../../../main/cache/sim/simulate.ts';
import type { Trace } from '../../../main/cache/sim/trace-reader.ts';
import { seededRandom } from '../../../main/util/random.ts';

function traceOf(keys: number[], sizes?: number[]): Trace {
  return { keys: Float64Array.from(keys), sizes: Float64Array.from(sizes ?? keys.map(() => 1)), length: keys.length };
}

function randomTrace(length: number, seed: number): Trace {
  const random = seededRandom(seed);
  // A mix of a hot set, a drifting recent set and one-off keys.
  const keys = Array.from({ length }, (_, i) => {
    const r = random();
    if (r < 0.4) return Math.floor(random() * 20);
    if (r < 0.8) return 1_000 + Math.floor(i / 50) + Math.floor(random() * 30);
    return 100_000 + i;
  });
  return traceOf(keys);
}

describe('simulator', () => {
  it('computes next uses', () => {
    expect(Array.from(nextUses(Float64Array.from([1, 2, 1, 3, 2])))).toEqual([2, 4, Infinity, Infinity, Infinity]);
  });

  it('Belady is exact on a small hand-checked trace', () => {
    // capacity 2: 1 2 3 1 2 → OPT keeps 1 and 2 (3 is never used again): hits on the last two.
    expect(beladyHits(traceOf([1, 2, 3, 1, 2]), 2)).toBe(2);
    // LRU on the same trace hits nothing.
    expect(runPolicy(traceOf([1, 2, 3, 1, 2]), new LruPolicy(2), false).hits).toBe(0);
  });

  it('OPT is at least as good as every policy, count- and byte-bounded', () => {
    for (const seed of [1, 2, 3]) {
      const trace = randomTrace(20_000, seed);
      for (const size of [10, 50, 200]) {
        const results = simulate(trace, size);
        const opt = results.at(-1)!;
        expect(opt.name).toMatch(/OPT/);
        for (const result of results) expect(opt.hits).toBeGreaterThanOrEqual(result.hits);
      }
    }
  });

  it('LRU and ARC behave as their definitions say', () => {
    const lru = new LruPolicy(2);
    expect([1, 2, 1, 3, 2, 1].map((key) => lru.access(key, 1))).toEqual([false, false, true, false, false, false]);
    const arc = new ArcPolicy(2);
    // A key seen twice moves to T2 and outlives two one-off keys (LRU at 2 would have dropped it).
    expect([1, 1, 2, 3, 1].map((key) => arc.access(key))).toEqual([false, true, false, false, true]);
  });

  it('byte-bounded LRU counts weights', () => {
    const lru = new LruPolicy(100);
    lru.access(1, 60);
    lru.access(2, 30);
    lru.access(3, 20); // 110 > 100: key 1 goes
    expect(lru.access(1, 60)).toBe(false);
    expect(lru.access(3, 20)).toBe(true);
  });
});
