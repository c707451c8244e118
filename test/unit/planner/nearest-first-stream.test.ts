import { describe, expect, it } from 'vitest';
import type { HybridHit } from '../../../main/planner/planner-types.ts';
import { partialDistance, squaredDistance } from '../../../main/planner/vector-distance.ts';
import { VectorStore } from '../../../main/planner/vector-store.ts';
import { seededRandom } from '../../../main/util/random.ts';

const DIMS = 32;
const byRank = (a: HybridHit, b: HybridHit): number => a.distance - b.distance || a.id - b.id;

/**
 * Embeddings around a few centres (as the demo's topics), some copied exactly so that distances tie: the first
 * batch rules most rows out by their approximate (SIMD) distance, and ties decide who is kept at the boundary.
 */
function topicStore(rows: number, seed: number): { store: VectorStore; vectors: Float32Array; ids: number[] } {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 6 }, () => Array.from({ length: DIMS }, () => random() * 2 - 1));
  const vectors = new Float32Array(rows * DIMS);
  for (let r = 0; r < rows; r += 1) {
    if (r > 0 && random() < 0.2) {
      const copy = Math.floor(random() * r);
      vectors.copyWithin(r * DIMS, copy * DIMS, (copy + 1) * DIMS);
      continue;
    }
    const centre = centres[Math.floor(random() * centres.length)]!;
    for (let d = 0; d < DIMS; d += 1) vectors[r * DIMS + d] = centre[d]! + 0.2 * (random() - 0.5);
  }
  const ids = Array.from({ length: rows }, (_, r) => 5 + r * 2);
  return { store: new VectorStore(Float64Array.from(ids), vectors, new Int32Array(rows)), vectors, ids };
}

describe('partialDistance', () => {
  const random = seededRandom(3);
  const vectors = Float32Array.from({ length: 200 * DIMS }, () => random() * 4 - 2);
  const query = Float32Array.from({ length: DIMS }, () => random() * 4 - 2);

  it('carried to the end is bit-identical to squaredDistance', () => {
    for (let r = 0; r < 200; r += 1)
      expect(partialDistance(vectors, r * DIMS, query, Infinity)).toBe(squaredDistance(vectors, r * DIMS, query));
  });

  it('stops early only past the limit, with a lower bound of the distance', () => {
    let stopped = 0;
    for (let r = 0; r < 200; r += 1) {
      const full = squaredDistance(vectors, r * DIMS, query);
      const limit = full * 0.4;
      const partial = partialDistance(vectors, r * DIMS, query, limit);
      expect(partial).toBeLessThanOrEqual(full);
      if (partial < full) {
        stopped += 1;
        expect(partial).toBeGreaterThan(limit);
      }
      // A limit above the distance never stops it.
      expect(partialDistance(vectors, r * DIMS, query, full * 1.0001 + 1e-12)).toBe(full);
    }
    expect(stopped).toBeGreaterThan(50);
  });
});

describe('VectorStore.ranked (nearest first, far rows ruled out by the SIMD distances)', () => {
  const { store, vectors, ids } = topicStore(9_000, 11);
  const random = seededRandom(5);
  const queries = Array.from({ length: 25 }, (_, i) => {
    // Near a stored row (as the demo's queries are), or exactly one (distance 0 and its copies tie).
    const source = Math.floor(random() * ids.length);
    return Float32Array.from({ length: DIMS }, (_, d) => vectors[source * DIMS + d]! + (i % 5 === 0 ? 0 : 0.05 * (random() - 0.5)));
  });
  const expectedFor = (query: Float32Array): HybridHit[] =>
    ids.map((id, r) => ({ id, distance: squaredDistance(vectors, r * DIMS, query) })).sort(byRank);

  it('gives every first batch exactly, ties at the boundary included', () => {
    let tiedAtBoundary = 0;
    for (const query of queries) {
      const expected = expectedFor(query);
      for (const k of [1, 5, 10, 50, 256]) {
        const stream = store.ranked(query);
        expect(stream.next(k)).toEqual(expected.slice(0, k));
        expect(stream.examined).toBe(ids.length);
        if (expected[k]!.distance === expected[k - 1]!.distance) tiedAtBoundary += 1;
      }
    }
    expect(tiedAtBoundary).toBeGreaterThan(0);
  });

  it('continues after the first batch, sorted or not, exactly as the eager ranking', () => {
    for (const query of queries.slice(0, 8)) {
      const expected = expectedFor(query);
      const stream = store.ranked(query);
      const eager = store.rankedEagerly(query);
      let position = 0;
      for (const size of [20, 300, 1_000, 3_000, 5_000]) {
        const batch = Array.from(stream.nextRows(size), (row) => stream.hitAt(row)).sort(byRank);
        const eagerBatch = Array.from(eager.nextRows(size), (row) => eager.hitAt(row)).sort(byRank);
        expect(batch).toEqual(expected.slice(position, position + size));
        expect(eagerBatch).toEqual(batch);
        position += batch.length;
      }
      expect(stream.done).toBe(true);
      expect(stream.nextRows(10)).toHaveLength(0);
    }
  });
});

describe('rank and rankWhere (SIMD pass for many rows, early abandoning for few)', () => {
  const { store, vectors, ids } = topicStore(10_000, 21);
  const random = seededRandom(23);
  const queries = Array.from({ length: 12 }, (_, i) => {
    const source = Math.floor(random() * ids.length);
    return Float32Array.from({ length: DIMS }, (_, d) => vectors[source * DIMS + d]! + (i % 3 === 0 ? 0 : 0.05 * (random() - 0.5)));
  });
  const all = (query: Float32Array): HybridHit[] => ids.map((id, r) => ({ id, distance: squaredDistance(vectors, r * DIMS, query) }));

  it('ranks an ascending id list exactly, ties included', () => {
    const subset = ids.filter((_, r) => r % 7 !== 3);
    const allowed = new Set(subset);
    for (const query of queries) {
      const expected = all(query)
        .filter((hit) => allowed.has(hit.id))
        .sort(byRank);
      for (const k of [1, 10, 100]) expect(store.rank(subset, query, k)).toEqual(expected.slice(0, k));
    }
  });

  it('ranks the rows a test keeps exactly, ties included, whichever pass the share it keeps picks', () => {
    const tests: Record<string, (row: number) => boolean> = {
      many: (row) => row % 5 !== 0,
      few: (row) => row % 11 === 0,
      // Rows the even probes miss entirely, and a block the probes see as most of the store.
      'between the probes': (row) => row % 10 === 7,
      'one block': (row) => row >= 2_000 && row < 9_000,
    };
    for (const keep of Object.values(tests)) {
      for (const query of queries) {
        const expected = all(query)
          .filter((_, r) => keep(r))
          .sort(byRank);
        for (const k of [1, 10, 100]) expect(store.rankWhere(query, k, keep)).toEqual(expected.slice(0, k));
      }
    }
  });
});
