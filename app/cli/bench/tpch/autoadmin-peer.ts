import { queryCandidates } from './db2advis-peer.ts';
import { indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';
import { greedyAdditions } from './greedy-additions.ts';

/**
 * A simplified implementation of AutoAdmin (Chaudhuri, Narasayya, "An Efficient, Cost-Driven Index Selection Tool
 * for Microsoft SQL Server", VLDB 1997), after the index-selection study (Kossmann et al., VLDB 2020), as a bench
 * peer: same queries, same cost model (what-if-cost.ts).
 *
 * Candidate selection: for each query alone, the one index among its candidates (each referenced column, and each
 * ordered pair of one table's columns up to `maxWidth`) that lowers that query's cost most. Enumeration: starting from
 * no index, greedily add the candidate that lowers the whole workload's cost most while the configuration fits the
 * budget, until none lowers it. Simplified against the original: one index per query instead of a per-query greedy
 * configuration, and all widths at once instead of the iterations that widen the previous iteration's picks.
 */

export interface AutoAdminOptions {
  budgetBytes: number;
  /** Widest candidate (the study: 2). */
  maxWidth?: number;
}

export interface AutoAdminResult {
  indexes: WhatIfIndex[];
  /** The per-query picks the enumeration chose from. */
  candidates: WhatIfIndex[];
  /** The workload cost the search reached (through the coster's cache). */
  cost: number;
}

export async function autoAdminSelection(coster: WhatIfCoster, options: AutoAdminOptions): Promise<AutoAdminResult> {
  const picks = new Map<string, WhatIfIndex>();
  for (const [position, query] of coster.queries.entries()) {
    const without = await coster.queryCost(position, []);
    let best: { index: WhatIfIndex; cost: number } | null = null;
    for (const candidate of queryCandidates(query.columns, options.maxWidth ?? 2)) {
      const cost = await coster.queryCost(position, [candidate]);
      if (cost < without && (best === null || cost < best.cost)) best = { index: candidate, cost };
    }
    if (best) picks.set(indexKey(best.index), best.index);
  }
  const candidates = [...picks.values()];
  const found = await greedyAdditions(
    coster,
    candidates,
    [],
    options.budgetBytes,
    async (config) => (await coster.workloadCost(config)).total,
  );
  return { indexes: found.indexes, candidates, cost: found.cost };
}
