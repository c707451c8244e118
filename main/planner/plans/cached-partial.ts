import type { QueryPlan } from '../plan-context.ts';
import type { PlanRun } from '../planner-types.ts';
import {
  checkFilters,
  computeFilterSet,
  computeNeighbourhood,
  queryHasFilters,
  rankCandidates,
  startRun,
  type IdList,
} from './plan-support.ts';

/**
 * Reuses what earlier queries computed: popular anchors and recurring filters repeat in real workloads, and a
 * cached set costs neither a walk nor a pass over the filter columns. What is missing is computed and cached for
 * the next query when the run fills.
 */
export const cachedPartialPlan: QueryPlan = {
  name: 'cached-partial',
  description: 'Takes the neighbourhood and filter set from the partial cache, computes only what is missing, ranks the intersection.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { anchor, filters } = query;
    const filtered = queryHasFilters(query);
    let neighbourhood: IdList | undefined;
    let filterSet: IdList | undefined;
    if (anchor !== undefined) {
      neighbourhood = context.partials.getNeighbourhood(anchor);
      if (neighbourhood !== undefined) {
        run.stats.partialCacheHits += 1;
        run.stats.neighbourhoodSize = neighbourhood.length;
      }
    }
    if (filtered) {
      filterSet = context.partials.getFilterSet(filters);
      if (filterSet !== undefined) {
        run.stats.partialCacheHits += 1;
        run.stats.filterSetSize = filterSet.length;
      }
    }
    if (neighbourhood !== undefined && filterSet === undefined && filtered) {
      // A cached neighbourhood and an uncached filter: testing the neighbourhood's chunks costs what the
      // neighbourhood costs, the whole filter set a pass over every row.
      const candidates = neighbourhood.length === 0 ? neighbourhood : checkFilters(run, neighbourhood, filters);
      return { rows: candidates.length === 0 ? [] : rankCandidates(run, query, candidates, undefined), stats: run.stats };
    }
    if (anchor !== undefined && neighbourhood === undefined) neighbourhood = computeNeighbourhood(run, anchor);
    if (filtered && filterSet === undefined) filterSet = computeFilterSet(run, filters);
    const rows = neighbourhood?.length === 0 || filterSet?.length === 0 ? [] : rankCandidates(run, query, neighbourhood, filterSet);
    return { rows, stats: run.stats };
  },
};
