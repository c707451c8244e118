import { describe, expect, it } from 'vitest';
import { createHybridQueryGenerator, type HybridDomain } from '../../../main/planner/hybrid-query-generator.ts';
import type { HybridQuery } from '../../../main/planner/planner-types.ts';
import { VectorStore } from '../../../main/planner/vector-store.ts';
import { seededRandom } from '../../../main/util/random.ts';

const DIMS = 32;
const ROWS = 5_000;
const DAY = 24 * 3600 * 1000;

// A synthetic store: power-law-ish degrees (a few hubs), unit-ish embeddings.
const random = seededRandom(3);
const store = new VectorStore(
  Float64Array.from({ length: ROWS }, (_, i) => i + 1),
  Float32Array.from({ length: ROWS * DIMS }, () => random() - 0.5),
  Int32Array.from({ length: ROWS }, (_, i) => (i < 10 ? 2_000 - i : 1 + (i % 6))),
);
const domain: HybridDomain = {
  maxId: ROWS,
  origins: [
    ['claude', 0.45],
    ['chatgpt', 0.25],
    ['cursor', 0.15],
    ['slack', 0.08],
    ['github', 0.05],
    ['email', 0.02],
  ].map(([value, share]) => ({ value: value as string, share: share as number })),
  kinds: [
    ['message', 0.52],
    ['code', 0.2],
    ['tool_output', 0.12],
    ['summary', 0.08],
    ['document', 0.05],
    ['error', 0.03],
  ].map(([value, share]) => ({ value: value as string, share: share as number })),
  dataStartAt: new Date(Date.UTC(2026, 0, 1)),
  dataEndAt: new Date(Date.UTC(2026, 3, 1)),
};

function sample(seed: number, count: number, unselective?: number): HybridQuery[] {
  const next = createHybridQueryGenerator(domain, store, seededRandom(seed), unselective === undefined ? {} : { unselective });
  return Array.from({ length: count }, next);
}

const unfiltered = (q: HybridQuery) => Object.keys(q.filters).length === 0;

describe('createHybridQueryGenerator', () => {
  const queries = sample(11, 2_000);

  it('is reproducible from its seed', () => {
    expect(sample(11, 50)).toEqual(queries.slice(0, 50));
    expect(sample(12, 50)).not.toEqual(queries.slice(0, 50));
  });

  it('asks for k in {5, 10, 20, 50}, each often', () => {
    const ks = new Map<number, number>();
    for (const q of queries) ks.set(q.k, (ks.get(q.k) ?? 0) + 1);
    expect([...ks.keys()].sort((a, b) => a - b)).toEqual([5, 10, 20, 50]);
    for (const count of ks.values()) expect(count).toBeGreaterThan(100);
  });

  it('makes embeddings that look like the data: near one chunk, valid float32', () => {
    for (const q of queries.slice(0, 100)) {
      expect(q.embedding).toHaveLength(DIMS);
      const nearest = store.ranked(q.embedding).next(1)[0]!;
      expect(nearest.distance).toBeLessThan(DIMS * 0.03 ** 2 * 4);
    }
  });

  it('anchors about half, repeats popular anchors, includes hubs, and keeps depth 3 to sparse anchors', () => {
    const anchored = queries.filter((q) => q.anchor !== undefined);
    expect(anchored.length / queries.length).toBeGreaterThan(0.4);
    expect(anchored.length / queries.length).toBeLessThan(0.6);
    const uses = new Map<number, number>();
    for (const q of anchored) uses.set(q.anchor!.chunkId, (uses.get(q.anchor!.chunkId) ?? 0) + 1);
    expect(Math.max(...uses.values())).toBeGreaterThan(20); // Zipf: the top anchor recurs
    expect(anchored.some((q) => store.degree(q.anchor!.chunkId) >= 1_990)).toBe(true);
    const depths = new Set(anchored.map((q) => q.anchor!.depth));
    expect([...depths].sort()).toEqual([1, 2, 3]);
    for (const q of anchored.filter((a) => a.anchor!.depth === 3)) expect(store.degree(q.anchor!.chunkId)).toBeLessThanOrEqual(3);
  });

  it('ranges from no filter to one rare origin in one day, with valid windows', () => {
    expect(queries.some(unfiltered)).toBe(true);
    const rareDay = queries.filter(
      (q) =>
        q.filters.origins?.length === 1 &&
        ['slack', 'github', 'email'].includes(q.filters.origins[0]!) &&
        q.filters.since !== undefined &&
        q.filters.until!.getTime() - q.filters.since.getTime() === DAY,
    );
    expect(rareDay.length).toBeGreaterThan(50);
    expect(queries.some((q) => q.filters.kinds !== undefined && q.filters.origins !== undefined)).toBe(true);
    for (const q of queries) {
      const { since, until, origins, kinds } = q.filters;
      if (since || until) {
        expect(since!.getTime()).toBeLessThan(until!.getTime());
        expect(since!.getTime()).toBeGreaterThanOrEqual(domain.dataStartAt.getTime());
        expect(until!.getTime()).toBeLessThanOrEqual(domain.dataEndAt.getTime());
      }
      if (origins) expect(origins.length).toBeGreaterThan(0);
      if (kinds) expect(kinds.length).toBeGreaterThan(0);
    }
  });

  it('shifts the filter mix with mix.unselective (a drifting workload)', () => {
    const share = (qs: HybridQuery[]) => qs.filter(unfiltered).length / qs.length;
    const selective = sample(5, 1_000, 0);
    const broad = sample(5, 1_000, 1);
    expect(share(selective)).toBe(0);
    expect(share(broad)).toBeGreaterThan(0.4);
    expect(share(queries)).toBeGreaterThan(share(selective));
    expect(share(queries)).toBeLessThan(share(broad));
    expect(() => createHybridQueryGenerator(domain, store, Math.random, { unselective: 2 })).toThrow(/between 0 and 1/);
  });
});
