import { hasFilters } from '../chunk-filters.ts';
import type { PlanContext } from '../plan-context.ts';
import type { GraphAnchor, HybridFilters, HybridHit, HybridQuery, IdArray, PlanRunStats } from '../planner-types.ts';

/**
 * What the plans share: fetching (and caching) the two sets from the in-process index, intersecting them, ranking.
 *
 * `candidatesExamined` is counted the same way by every plan: distances computed, plus rows whose filters or graph
 * membership were tested. A plan that ranks the store pays for the distances its ranking computed (every row's,
 * in full or until dropped), and a filter set costs a pass over every row: exactly the work the selector should see.
 */

/** A set of ids, ascending: from the filter columns, a walk or the partial cache. */
export type IdList = IdArray;

export function newStats(): PlanRunStats {
  return { candidatesExamined: 0, partialCacheHits: 0 };
}

/** The plan's context and stats in one place. */
export interface PlanRunState {
  readonly context: PlanContext;
  readonly stats: PlanRunStats;
}

export function startRun(context: PlanContext): PlanRunState {
  return { context, stats: newStats() };
}

export function queryHasFilters(query: HybridQuery): boolean {
  return hasFilters(query.filters);
}

/** All chunks passing the filters (a pass over the filter columns); stored in the partial cache when the run fills it. */
export function computeFilterSet(run: PlanRunState, filters: HybridFilters): Float64Array {
  const { store } = run.context;
  const ids = store.idsPassing(filters);
  run.stats.candidatesExamined += store.rows;
  run.stats.filterSetSize = ids.length;
  if (run.context.fill) run.context.partials.setFilterSet(filters, ids);
  else run.context.partials.recordFilterSetSize(filters, ids.length);
  return ids;
}

/** The ids among `ids` that pass the filters, in their order (cost ∝ |ids|, not the filter's rows). */
export function checkFilters(run: PlanRunState, ids: ArrayLike<number>, filters: HybridFilters): Float64Array {
  run.stats.candidatesExamined += ids.length;
  return run.context.store.keepPassing(ids, filters);
}

/** N(anchor, depth) by walking the graph; stored in the partial cache when the run fills it. */
export function computeNeighbourhood(run: PlanRunState, anchor: GraphAnchor): Float64Array {
  const ids = run.context.store.neighbourhood(anchor);
  run.stats.neighbourhoodSize = ids.length;
  if (run.context.fill) run.context.partials.setNeighbourhood(anchor, ids);
  else run.context.partials.recordNeighbourhoodSize(anchor, ids.length);
  return ids;
}

/** Ids in both ascending lists (ascending): a merge, or binary searches when one side is far smaller. */
export function intersectSorted(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Float64Array(small.length);
  let n = 0;
  if (small.length * 16 < large.length) {
    let lo = 0;
    for (let i = 0; i < small.length; i += 1) {
      const id = small[i]!;
      let hi = large.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (large[mid]! < id) lo = mid + 1;
        else hi = mid;
      }
      if (lo < large.length && large[lo] === id) out[n++] = id;
    }
  } else {
    let i = 0;
    let j = 0;
    while (i < small.length && j < large.length) {
      const x = small[i]!;
      const y = large[j]!;
      if (x === y) {
        out[n++] = x;
        i += 1;
        j += 1;
      } else if (x < y) i += 1;
      else j += 1;
    }
  }
  return out.subarray(0, n);
}

/**
 * The answer from the candidate sets: `undefined` for a set means "unrestricted". Ranks the intersection, or the
 * whole store when neither set restricts.
 */
export function rankCandidates(
  run: PlanRunState,
  query: HybridQuery,
  neighbourhood: IdList | undefined,
  filterSet: IdList | undefined,
): HybridHit[] {
  const store = run.context.store;
  let candidates: ArrayLike<number> | undefined;
  if (neighbourhood !== undefined && filterSet !== undefined) candidates = intersectSorted(neighbourhood, filterSet);
  else candidates = neighbourhood ?? filterSet;
  if (candidates === undefined) {
    const stream = store.ranked(query.embedding);
    const hits = stream.next(query.k);
    run.stats.candidatesExamined += stream.examined;
    return hits;
  }
  run.stats.candidatesExamined += candidates.length;
  return store.rank(candidates, query.embedding, query.k);
}
