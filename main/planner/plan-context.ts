/**
 * What a plan is given to run: the two views it may use, as interfaces. `VectorStore` implements `PlanStore` and
 * `PartialCache` implements `PlanPartials`; the plans and the vocabulary (planner-types.ts) never name those
 * classes, so the plans depend on what they call and nothing else.
 */

import type { CompiledFilter } from './chunk-filters.ts';
import type { ChunkGraph } from './chunk-graph.ts';
import type { GraphAnchor, HybridFilters, HybridHit, HybridQuery, IdArray, PlanName, PlanRun } from './planner-types.ts';
import type { RankedOrder } from './ranked-selection.ts';

/** The in-process index as the plans use it: rows, filter columns, edges and exact rankings. */
export interface PlanStore {
  /** Chunks indexed. */
  readonly rows: number;
  readonly graph: ChunkGraph;
  /** Ids of the chunks passing the filters, ascending. */
  idsPassing(filters: HybridFilters): Float64Array;
  /** The ids of `ids` that pass the filters, in the order given. */
  keepPassing(ids: ArrayLike<number>, filters: HybridFilters): Float64Array;
  /** The filters compiled once, for a plan that tests many rows (`passesAt`). */
  compileFilters(filters: HybridFilters): CompiledFilter;
  passesAt(row: number, filter: CompiledFilter): boolean;
  /** N(anchor, depth): the ids within `depth` steps, either direction, the anchor excluded; ascending. */
  neighbourhood(anchor: GraphAnchor): Float64Array;
  /** Row of chunk `id`, or -1. */
  rowOf(id: number): number;
  /** The `k` nearest of `ids`, exact (distance, id) order. */
  rank(ids: ArrayLike<number>, query: Float32Array, k: number): HybridHit[];
  /** The `k` nearest rows that `keep` accepts, exact order. */
  rankWhere(query: Float32Array, k: number, keep: (row: number) => boolean): HybridHit[];
  /** Every row nearest first, computed as it is read. */
  ranked(query: Float32Array): RankedOrder;
  /** Every row nearest first, ordered up front. */
  rankedEagerly(query: Float32Array): RankedOrder;
}

/** The partial cache as the plans use it: sets computed by earlier queries, and their sizes. */
export interface PlanPartials {
  getNeighbourhood(anchor: GraphAnchor): IdArray | undefined;
  setNeighbourhood(anchor: GraphAnchor, ids: ArrayLike<number>): void;
  getFilterSet(filters: HybridFilters): IdArray | undefined;
  setFilterSet(filters: HybridFilters, ids: ArrayLike<number>): void;
  recordNeighbourhoodSize(anchor: GraphAnchor, size: number): void;
  recordFilterSetSize(filters: HybridFilters, size: number): void;
}

/**
 * Everything a plan may use: the in-process index (embeddings, filter columns, edges) and the partial cache. No SQL:
 * one statement that returns a filter set or a hub's neighbourhood costs far more than the same work in the index.
 */
export interface PlanContext {
  readonly store: PlanStore;
  readonly partials: PlanPartials;
  /** Store the neighbourhoods and filter sets computed into the partial cache. False while measuring plans side by side. */
  readonly fill: boolean;
}

/** A plan ready to run. `execute` must produce the exact answer defined on `HybridQuery`. */
export interface QueryPlan {
  readonly name: PlanName;
  /** One line for the console: what the plan does first and then. */
  readonly description: string;
  execute(query: HybridQuery, context: PlanContext): Promise<PlanRun>;
}
