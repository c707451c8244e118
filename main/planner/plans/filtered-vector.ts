import type { QueryPlan } from '../plan-context.ts';
import type { PlanRun } from '../planner-types.ts';
import { computeFilterSet, computeNeighbourhood, queryHasFilters, rankCandidates, startRun } from './plan-support.ts';

/**
 * The filters first, over every row's filter columns (one pass), then rank what passes. Its cost follows the filter
 * set's size, never the distance order, so it is never the worst by far; it loses to graph-first on small
 * neighbourhoods and to vector-first when the filters pass most chunks.
 */
export const filteredVectorPlan: QueryPlan = {
  name: 'filtered-vector',
  description:
    "Selects the chunks passing the filters from the index's filter columns, keeps those in the anchor's neighbourhood (walked after), ranks them.",
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const filterSet = queryHasFilters(query) ? computeFilterSet(run, query.filters) : undefined;
    // An empty filter set needs no walk: nothing can pass.
    const neighbourhood = query.anchor !== undefined && filterSet?.length !== 0 ? computeNeighbourhood(run, query.anchor) : undefined;
    const rows = filterSet?.length === 0 ? [] : rankCandidates(run, query, neighbourhood, filterSet);
    return { rows, stats: run.stats };
  },
};
