import { describe, expect, it } from 'vitest';
import type { GraphAnchor, HybridFilters, HybridQuery, PartialCacheFacts, VectorIndexFacts } from '../../../main/planner/planner-types.ts';
import {
  buildFeatures,
  extractFeatures,
  FEATURE_COUNT,
  FEATURE_NAMES,
  featureVector,
  writeFeatureVector,
  type FeatureInputs,
} from '../../../main/planner/query-features.ts';
import type { SelectivityStats } from '../../../main/planner/table-selectivity.ts';

const index: VectorIndexFacts = { rows: 10_000, meanDegree: 6, degree: (id) => (id === 1 ? 4 : 0) };
const stats: SelectivityStats = { analyzed: true, rows: 10_000, note: null, selectivity: (f) => (f.kinds ? 0.1 : 1) };

function partials(known: { hood?: number; filter?: number } = {}): PartialCacheFacts {
  return {
    hasNeighbourhood: () => known.hood !== undefined,
    hasFilterSet: () => known.filter !== undefined,
    knownNeighbourhoodSize: (_a: GraphAnchor) => known.hood,
    knownFilterSetSize: (_f: HybridFilters) => known.filter,
  };
}

const embedding = new Float32Array(32);
const query = (over: Partial<HybridQuery>): HybridQuery => ({ embedding, k: 10, filters: {}, ...over });

describe('extractFeatures', () => {
  it('estimates the neighbourhood from degrees and the filter rows from selectivity', () => {
    const f = extractFeatures(query({ anchor: { chunkId: 1, depth: 3 }, filters: { kinds: ['note'] } }), {
      stats,
      index,
      partials: partials(),
    });
    expect(f.hasAnchor).toBe(1);
    expect(f.depth).toBe(3);
    expect(f.log2Neighbourhood).toBeCloseTo(Math.log2(1 + 4 * 6 * 6));
    expect(f.filterSelectivity).toBeCloseTo(0.1);
    expect(f.log2FilterRows).toBeCloseTo(Math.log2(1 + 1000));
    expect(f.log2Rows).toBeCloseTo(Math.log2(10_001));
    expect([f.neighbourhoodCached, f.filterSetCached]).toEqual([0, 0]);
  });

  it('prefers exact sizes seen before, uses the mean degree for an unknown anchor, and caps at the table', () => {
    const known = extractFeatures(query({ anchor: { chunkId: 1, depth: 2 }, filters: { kinds: ['x'] } }), {
      stats,
      index,
      partials: partials({ hood: 77, filter: 123 }),
    });
    expect(known.log2Neighbourhood).toBeCloseTo(Math.log2(78));
    expect(known.log2FilterRows).toBeCloseTo(Math.log2(124));
    expect(known.filterSelectivity).toBeCloseTo(0.0123);
    expect([known.neighbourhoodCached, known.filterSetCached]).toEqual([1, 1]);

    const unknown = extractFeatures(query({ anchor: { chunkId: 2, depth: 1 } }), { stats, index, partials: partials() });
    expect(unknown.log2Neighbourhood).toBeCloseTo(Math.log2(7));
    const huge = extractFeatures(query({ anchor: { chunkId: 2, depth: 3 } }), {
      stats,
      index: { ...index, meanDegree: 100, degree: () => 100 },
      partials: partials(),
    });
    expect(huge.log2Neighbourhood).toBeCloseTo(Math.log2(10_000));
  });

  it('without anchor or filters: no neighbourhood, every row passes', () => {
    const f = extractFeatures(query({}), { stats, index, partials: partials({ hood: 5, filter: 5 }) });
    expect(f).toMatchObject({
      hasAnchor: 0,
      depth: 0,
      log2Neighbourhood: 0,
      filterSelectivity: 1,
      neighbourhoodCached: 0,
      filterSetCached: 0,
    });
    expect(f.log2FilterRows).toBeCloseTo(f.log2Rows);
  });

  it('buckets similar queries into one shape and tells different ones apart', () => {
    const base = { k: 10, depth: 1, neighbourhood: 60, filterRows: 900, rows: 10_000, neighbourhoodCached: false, filterSetCached: false };
    const shape = (over: Partial<FeatureInputs>) => buildFeatures({ ...base, ...over }).shape;
    expect(shape({ k: 5, neighbourhood: 64, filterRows: 1000 })).toBe(shape({}));
    expect(shape({ k: 11 })).not.toBe(shape({}));
    expect(shape({ depth: 2 })).not.toBe(shape({}));
    expect(shape({ filterRows: 4000 })).not.toBe(shape({}));
    expect(shape({ filterSetCached: true })).not.toBe(shape({}));
    expect(shape({ filterRows: 10_000, filtered: true })).not.toBe(shape({ filterRows: 10_000, filtered: false }));
  });

  it('tells an unfiltered query from a broad filter estimated to pass every chunk', () => {
    const broad = extractFeatures(query({ filters: { origins: ['email'] } }), { stats, index, partials: partials() });
    const none = extractFeatures(query({}), { stats, index, partials: partials() });
    expect(broad.filterSelectivity).toBe(1);
    expect([broad.filtered, none.filtered]).toEqual([1, 0]);
    // The broad filter's set must still be fetched by the plans that fetch it; nothing is left to fetch without one.
    expect(broad.log2UncachedFilterRows).toBeCloseTo(Math.log2(10_001));
    expect(none.log2UncachedFilterRows).toBe(0);
    expect(broad.shape).not.toBe(none.shape);
  });

  it('estimates how deep a ranked scan goes before k chunks pass filters and neighbourhood', () => {
    const base = {
      k: 10,
      depth: 0,
      neighbourhood: 0,
      filterRows: 10_000,
      rows: 10_000,
      neighbourhoodCached: false,
      filterSetCached: false,
    };
    expect(buildFeatures(base).log2RankDepth).toBeCloseTo(Math.log2(11)); // every chunk passes: the first k
    expect(buildFeatures({ ...base, filterRows: 1_000 }).log2RankDepth).toBeCloseTo(Math.log2(101)); // 1 in 10 passes
    // A hub's neighbourhood (a fifth of the table) with a filter passing half: k / (0.2 · 0.5).
    expect(buildFeatures({ ...base, depth: 2, neighbourhood: 2_000, filterRows: 5_000 }).log2RankDepth).toBeCloseTo(Math.log2(101));
    // Nothing expected to pass: the whole table.
    expect(buildFeatures({ ...base, filterRows: 0 }).log2RankDepth).toBeCloseTo(Math.log2(10_001));
    expect(buildFeatures({ ...base, filterRows: 1 }).log2RankDepth).toBeCloseTo(Math.log2(10_001));
  });

  it('featureVector and writeFeatureVector agree, in FEATURE_NAMES order', () => {
    const f = buildFeatures({
      k: 7,
      depth: 2,
      neighbourhood: 30,
      filterRows: 50,
      rows: 100,
      neighbourhoodCached: true,
      filterSetCached: false,
    });
    const v = featureVector(f);
    expect(v).toHaveLength(FEATURE_COUNT);
    expect(v).toEqual(FEATURE_NAMES.map((name) => f[name]));
    const out = new Float64Array(FEATURE_COUNT + 2);
    writeFeatureVector(f, out, 2);
    expect(Array.from(out.subarray(2))).toEqual(v);
  });
});
