/**
 * What the plan selector sees of a query. This runs for every hybrid query before a plan is chosen, so it is
 * arithmetic over facts already in memory (pg_stats read earlier, the index's degree counts, the partial cache's
 * knowledge): no SQL, no walk of the graph, one small object per query (the shape is a number, see query-shape.ts).
 */

import { hasFilters } from './chunk-filters.ts';
import type { HybridQuery, PartialCacheFacts, QueryFeatures, VectorIndexFacts } from './planner-types.ts';
import { encodeShape, kBucket } from './query-shape.ts';
import type { SelectivityStats } from './table-selectivity.ts';

export interface FeatureFacts {
  readonly stats: SelectivityStats;
  readonly index: VectorIndexFacts;
  readonly partials: PartialCacheFacts;
}

/** The raw quantities behind the features; `buildFeatures` turns them into `QueryFeatures` (tests use it directly). */
export interface FeatureInputs {
  k: number;
  /** 0 without an anchor. */
  depth: number;
  /** Estimated chunks in the anchor's neighbourhood; ignored without an anchor. */
  neighbourhood: number;
  /** Estimated chunks passing the filters. */
  filterRows: number;
  /** Chunks indexed. */
  rows: number;
  neighbourhoodCached: boolean;
  filterSetCached: boolean;
  /** The query has filters; default: the estimate passes fewer chunks than the table holds. */
  filtered?: boolean;
}

/** The order of `featureVector`'s entries; the model is trained and queried with this order. */
export const FEATURE_NAMES = [
  'k',
  'hasAnchor',
  'depth',
  'log2Neighbourhood',
  'filterSelectivity',
  'log2FilterRows',
  'log2Rows',
  'neighbourhoodCached',
  'filterSetCached',
  'log2UncachedNeighbourhood',
  'log2UncachedFilterRows',
  'filtered',
  'log2RankDepth',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Features of one query from facts in memory. */
export function extractFeatures(query: HybridQuery, facts: FeatureFacts): QueryFeatures {
  const rows = facts.index.rows;
  let neighbourhood = 0;
  let neighbourhoodCached = false;
  const anchor = query.anchor;
  if (anchor) {
    neighbourhoodCached = facts.partials.hasNeighbourhood(anchor);
    const known = facts.partials.knownNeighbourhoodSize(anchor);
    if (known !== undefined) {
      neighbourhood = known;
    } else {
      // A walk's frontier grows by about the mean degree per hop after the first (which is the anchor's own
      // degree). It overestimates on dense clusters (revisits), which is fine: it can never exceed the table.
      const degree = facts.index.degree(anchor.chunkId) || facts.index.meanDegree;
      neighbourhood = degree * Math.pow(Math.max(1, facts.index.meanDegree), anchor.depth - 1);
    }
    neighbourhood = Math.min(neighbourhood, Math.max(0, rows - 1));
  }

  let filterRows = rows;
  let filterSetCached = false;
  const filtered = hasFilters(query.filters);
  if (filtered) {
    filterSetCached = facts.partials.hasFilterSet(query.filters);
    filterRows = facts.partials.knownFilterSetSize(query.filters) ?? facts.stats.selectivity(query.filters) * rows;
  }

  return buildFeatures({
    k: query.k,
    depth: anchor ? anchor.depth : 0,
    neighbourhood,
    filterRows: Math.min(filterRows, rows),
    rows,
    neighbourhoodCached,
    filterSetCached,
    filtered,
  });
}

/** Features from raw quantities. */
export function buildFeatures(input: FeatureInputs): QueryFeatures {
  const hasAnchor = input.depth > 0 ? 1 : 0;
  const log2Neighbourhood = hasAnchor ? Math.log2(1 + Math.max(0, input.neighbourhood)) : 0;
  const log2FilterRows = Math.log2(1 + Math.max(0, input.filterRows));
  const log2Rows = Math.log2(1 + Math.max(0, input.rows));
  const filterSelectivity = input.rows > 0 ? Math.min(1, Math.max(0, input.filterRows / input.rows)) : 1;
  const neighbourhoodCached = hasAnchor && input.neighbourhoodCached ? 1 : 0;
  const filterSetCached = input.filterSetCached ? 1 : 0;
  const filtered = (input.filtered ?? input.filterRows < input.rows) ? 1 : 0;
  // How far down the distance order the k-th chunk passing the filters and the neighbourhood is expected (the
  // two independent): what a ranked scan checks before it can stop. It is what decides between ranking first and
  // narrowing first, and the forest would otherwise have to find this product of three features on its own
  // from the few queries (hubs, broad filters) where ranking first wins.
  const rows = Math.max(0, input.rows);
  const hoodShare = hasAnchor ? Math.min(1, Math.max(0, input.neighbourhood) / Math.max(rows, 1)) : 1;
  const passing = filterSelectivity * hoodShare;
  const rankDepth = passing > 0 ? Math.min(rows, input.k / passing) : rows;
  return {
    k: input.k,
    hasAnchor,
    depth: hasAnchor ? input.depth : 0,
    log2Neighbourhood,
    filterSelectivity,
    log2FilterRows,
    log2Rows,
    neighbourhoodCached,
    filterSetCached,
    // The cache flags alone leave the forest to learn "cached × size" interactions from few rows; these say
    // directly how much a plan that reuses the cache must still compute.
    log2UncachedNeighbourhood: neighbourhoodCached ? 0 : log2Neighbourhood,
    // A filter estimated to pass every chunk still has its set fetched by the plans that fetch it: only an
    // unfiltered query has nothing left to compute here.
    log2UncachedFilterRows: filterSetCached || !filtered ? 0 : log2FilterRows,
    filtered,
    log2RankDepth: Math.log2(1 + rankDepth),
    shape: encodeShape({
      kBucket: kBucket(input.k),
      depth: hasAnchor ? input.depth : 0,
      log2Neighbourhood,
      log2FilterRows,
      log2Rows,
      neighbourhoodCached,
      filterSetCached,
      filtered,
    }),
  };
}

/** The numbers the latency model learns from, in `FEATURE_NAMES` order (tests and diagnostics; allocates). */
export function featureVector(f: QueryFeatures): number[] {
  const out = new Float64Array(FEATURE_COUNT);
  writeFeatureVector(f, out, 0);
  return Array.from(out);
}

/** The feature vector written into `out` at `offset` (the selector's observation window: no allocation). */
export function writeFeatureVector(f: QueryFeatures, out: Float64Array, offset: number): void {
  out[offset] = f.k;
  out[offset + 1] = f.hasAnchor;
  out[offset + 2] = f.depth;
  out[offset + 3] = f.log2Neighbourhood;
  out[offset + 4] = f.filterSelectivity;
  out[offset + 5] = f.log2FilterRows;
  out[offset + 6] = f.log2Rows;
  out[offset + 7] = f.neighbourhoodCached;
  out[offset + 8] = f.filterSetCached;
  out[offset + 9] = f.log2UncachedNeighbourhood;
  out[offset + 10] = f.log2UncachedFilterRows;
  out[offset + 11] = f.filtered;
  out[offset + 12] = f.log2RankDepth;
}
