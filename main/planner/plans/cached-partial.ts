import type { PlanRun, QueryPlan } from '../planner-types.ts';
import { checkFilters, computeFilterSet, computeNeighbourhood, queryHasFilters, rankCandidates, startRun, type IdList } from './plan-support.ts';

/** Up to this many cached neighbours are checked against the filters directly instead of fetching the filter set. */
const CHECK_LIMIT = 20_000;

/**
 * Reuses what earlier queries computed: popular anchors and recurring filters repeat in real workloads, and a
 * cached set costs no SQL at all. What is missing is computed (both concurrently when both are) and cached for
 * the next query when the run fills.
 */
export const cachedPartialPlan: QueryPlan = {
  name: 'cached-partial',
  description: 'Takes the neighbourhood and filter set from the partial cache, computes only what is missing (concurrently), ranks the intersection.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { anchor, filters } = query;
    let neighbourhood: IdList | undefined;
    let filterSet: IdList | undefined;
    if (anchor !== undefined) {
      neighbourhood = context.partials.getNeighbourhood(anchor);
      if (neighbourhood !== undefined) {
        run.stats.partialCacheHits += 1;
        run.stats.neighbourhoodSize = neighbourhood.length;
      }
    }
    if (queryHasFilters(query)) {
      filterSet = context.partials.getFilterSet(filters);
      if (filterSet !== undefined) {
        run.stats.partialCacheHits += 1;
        run.stats.filterSetSize = filterSet.length;
      }
    }
    if (neighbourhood !== undefined && filterSet === undefined && queryHasFilters(query) && neighbourhood.length <= CHECK_LIMIT) {
      // A cached neighbourhood and an uncached filter: checking the neighbourhood's chunks costs what the
      // neighbourhood costs, fetching the whole filter set what the filter selects (often most of the table).
      const candidates = neighbourhood.length === 0 ? neighbourhood : await checkFilters(run, neighbourhood, filters);
      return { rows: candidates.length === 0 ? [] : rankCandidates(run, query, candidates, undefined), stats: run.stats };
    }
    const [walked, fetched] = await Promise.all([
      anchor !== undefined && neighbourhood === undefined ? computeNeighbourhood(run, anchor) : undefined,
      queryHasFilters(query) && filterSet === undefined ? computeFilterSet(run, filters) : undefined,
    ]);
    neighbourhood ??= walked;
    filterSet ??= fetched;
    const rows = neighbourhood?.length === 0 || filterSet?.length === 0 ? [] : rankCandidates(run, query, neighbourhood, filterSet);
    return { rows, stats: run.stats };
  },
};

