import { singleColumnCandidates } from './extend-peer.ts';
import { indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * Our implementation of Drop (Whang, "Index Selection in Relational Databases", 1985) as the index-selection study
 * (Kossmann et al., VLDB 2020) runs it, as a bench peer: same queries, same cost model (what-if-cost.ts).
 *
 * Start from every candidate (the single-column indexes Extend also starts from: Drop never builds wider ones) and
 * repeatedly remove the index whose removal raises the workload cost least, until the configuration fits the
 * budget; the study's variant stops there rather than dropping further while the cost does not rise.
 *
 * The removal order does not depend on the budget, so runs at several budgets on one coster follow one path and the
 * later ones are answered from the coster's cache.
 */

export interface DropOptions {
  budgetBytes: number;
  onStep?: (message: string) => void;
}

export interface DropResult {
  indexes: WhatIfIndex[];
  /** The workload cost the search reached (through the coster's cache). */
  cost: number;
  /** Indexes removed. */
  steps: number;
}

export async function dropSelection(coster: WhatIfCoster, options: DropOptions): Promise<DropResult> {
  let chosen = singleColumnCandidates(coster);
  let chosenBytes = await coster.totalSizeBytes(chosen);
  let current = (await coster.workloadCost(chosen)).total;
  let steps = 0;
  while (chosenBytes > options.budgetBytes && chosen.length > 0) {
    let best: { position: number; cost: number } | null = null;
    for (let position = 0; position < chosen.length; position++) {
      const without = [...chosen.slice(0, position), ...chosen.slice(position + 1)];
      const cost = (await coster.workloadCost(without)).total;
      // Ties (common: many candidates no plan uses) go to the larger index, which frees the budget sooner.
      if (
        best === null ||
        cost < best.cost ||
        (cost === best.cost && (await coster.sizeBytes(chosen[position]!)) > (await coster.sizeBytes(chosen[best.position]!)))
      ) {
        best = { position, cost };
      }
    }
    const removed = chosen[best!.position]!;
    chosen = chosen.filter((index) => indexKey(index) !== indexKey(removed));
    chosenBytes -= await coster.sizeBytes(removed);
    current = best!.cost;
    steps++;
    options.onStep?.(`Drop step ${steps}: ${chosen.length} indexes, ${(chosenBytes / 1e6).toFixed(0)} MB, cost ${current.toFixed(0)}`);
  }
  return { indexes: chosen, cost: current, steps };
}
