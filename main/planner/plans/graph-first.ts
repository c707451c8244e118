import type { QueryPlan } from '../plan-context.ts';
import type { PlanRun } from '../planner-types.ts';
import { filteredVectorPlan } from './filtered-vector.ts';
import { checkFilters, computeNeighbourhood, queryHasFilters, rankCandidates, startRun } from './plan-support.ts';

/**
 * Starts from the anchor: a small neighbourhood (most anchors have a handful of edges) makes everything after it
 * cheap, whatever the filters. Loses around hubs, whose 2-hop neighbourhood is a large share of the graph.
 */
export const graphFirstPlan: QueryPlan = {
  name: 'graph-first',
  description:
    "Walks the anchor's neighbourhood in the index's edges, keeps the chunks passing the filters, ranks them (without an anchor: as filtered-vector).",
  async execute(query, context): Promise<PlanRun> {
    // Without an anchor there is no graph to start from; the filters are then the only way to narrow.
    if (query.anchor === undefined) return filteredVectorPlan.execute(query, context);
    const run = startRun(context);
    const neighbourhood = computeNeighbourhood(run, query.anchor);
    let candidates = neighbourhood;
    if (queryHasFilters(query) && neighbourhood.length > 0) candidates = checkFilters(run, neighbourhood, query.filters);
    const rows = rankCandidates(run, query, candidates, undefined);
    return { rows, stats: run.stats };
  },
};
