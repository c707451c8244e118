/**
 * The vocabulary of the learned plan selector, shared by the plans (how a hybrid query is answered), the
 * selector (which plan to run) and the engine (which runs them). One file so the seams between those parts
 * are visible in one place; the implementations live next to it in main/planner/.
 */

import { PLAN_NAMES } from '../contract/planner.ts';

/** Every candidate plan. They all return exactly the same rows for the same query (see `HybridQuery`). */
export { PLAN_NAMES };
export type PlanName = (typeof PLAN_NAMES)[number];

/**
 * What runs while the selector knows little: reuse what is cached, compute what is missing, rank the intersection.
 * In process it is the best single plan on the demo's mix (the bench's best fixed plan at 200,000 chunks), and
 * never the worst by far: filtered-vector, the default while plans ran SQL, spends a whole ranking of a broad
 * filter set where it could reuse one.
 */
export const DEFAULT_PLAN: PlanName = 'cached-partial';

/**
 * The embedding width the plans' kernels are written for (squaredDistance unrolls by 4, partialDistance checks
 * after 8 and 16 dimensions, approx-distances.wat holds 32 lanes). The tables must hold embeddings of this width:
 * `PlannerTables.embeddingDimensions` says what they hold, and loading refuses a mismatch.
 */
export const EMBEDDING_DIMENSIONS = 32;

export const MAX_K = 100;
export const MAX_DEPTH = 3;

export interface HybridFilters {
  /** Any of these origins (the origin column of `PlannerTables`); absent: any origin. Never empty when present. */
  readonly origins?: readonly string[];
  /** Any of these kinds (the kind column); absent: any kind. Never empty when present. */
  readonly kinds?: readonly string[];
  /** `createdAt >= since` (inclusive). */
  readonly since?: Date;
  /** `createdAt < until` (exclusive). */
  readonly until?: Date;
}

/** "Within `depth` hops of chunk `chunkId`", edges followed in either direction, the anchor itself excluded. */
export interface GraphAnchor {
  readonly chunkId: number;
  readonly depth: 1 | 2 | 3;
}

/**
 * "The k chunks most similar to this embedding, [within depth hops of the anchor], [matching the filters]".
 *
 * The answer is defined exactly, so every plan can be checked against every other: the candidates are the chunks
 * that pass every filter and (with an anchor) lie in the anchor's neighbourhood; they are ordered by squared L2
 * distance between their embedding and `embedding` (both as float32, summed in float64 by `squaredDistance`),
 * ties by id ascending; the answer is the first `k` (fewer when fewer match).
 */
export interface HybridQuery {
  /** EMBEDDING_DIMENSIONS (32) float32 values. */
  readonly embedding: Float32Array;
  /** 1..MAX_K. */
  readonly k: number;
  readonly filters: HybridFilters;
  readonly anchor?: GraphAnchor;
}

/** Ids of a neighbourhood or a filter set, ascending. Int32Array when every id fits, to halve the bytes. */
export type IdArray = Int32Array | Float64Array;

export interface HybridHit {
  readonly id: number;
  readonly distance: number;
}

/** What a plan did, for the console and the features the selector learns from. */
export interface PlanRunStats {
  /** Chunks whose distance was computed or whose filters or graph membership were tested. */
  candidatesExamined: number;
  /** |neighbourhood| when the plan computed or reused it. */
  neighbourhoodSize?: number;
  /** |chunks passing the filters| when the plan computed or reused it. */
  filterSetSize?: number;
  /** Sets taken from the partial cache instead of recomputed. */
  partialCacheHits: number;
}

export interface PlanRun {
  rows: HybridHit[];
  stats: PlanRunStats;
}

/** Runs one parameterised SQL statement (the index loads and refreshes through it; plans need none). */
export interface PlannerSql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** The in-process vector index's view that the features need (implemented by `VectorStore`). */
export interface VectorIndexFacts {
  /** Chunks indexed. */
  readonly rows: number;
  /** Edges touching the chunk, both directions (the engine's own count, loaded with the index); 0 when unknown. */
  degree(chunkId: number): number;
  /** Mean degree over all chunks. */
  readonly meanDegree: number;
}

/** The partial cache's view that the features need (implemented by `PartialCache`). */
export interface PartialCacheFacts {
  hasNeighbourhood(anchor: GraphAnchor): boolean;
  hasFilterSet(filters: HybridFilters): boolean;
  /** Exact sizes seen before (the engine's own counts), when known. */
  knownNeighbourhoodSize(anchor: GraphAnchor): number | undefined;
  knownFilterSetSize(filters: HybridFilters): number | undefined;
}

/**
 * What the selector sees of a query. Numbers only, so a model can learn from them; built by `extractFeatures`.
 * Sizes are estimates (pg_stats, the index's degree counts) unless an exact count was seen before.
 */
export interface QueryFeatures {
  k: number;
  hasAnchor: 0 | 1;
  depth: number;
  /** log2(1 + estimated neighbourhood size); 0 without an anchor. */
  log2Neighbourhood: number;
  /** Estimated share of chunks passing the filters, 0..1 (1 without filters). */
  filterSelectivity: number;
  /** log2(1 + estimated chunks passing the filters). */
  log2FilterRows: number;
  /** log2(1 + chunks indexed). */
  log2Rows: number;
  neighbourhoodCached: 0 | 1;
  filterSetCached: 0 | 1;
  /** log2(1 + neighbourhood size) when it is not cached, else 0: what cached-partial still has to walk. */
  log2UncachedNeighbourhood: number;
  /** log2(1 + filter rows) when there are filters and their set is not cached, else 0. */
  log2UncachedFilterRows: number;
  /** The query has filters (a broad one may still be estimated to pass every chunk). */
  filtered: 0 | 1;
  /** log2(1 + expected rank of the k-th chunk passing filters and neighbourhood): a ranked scan's depth. */
  log2RankDepth: number;
  /** The plan cache's key: the features bucketed so similar queries share a choice (see query-shape.ts). */
  shape: number;
}
