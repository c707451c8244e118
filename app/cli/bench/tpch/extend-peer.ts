import { btree, indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * Our implementation of Extend (Schlosser, Kossmann, Boissier, "Efficient Scalable Multi-attribute Index Selection
 * Using Recursive Strategies", ICDE 2019), the strongest algorithm of the index-selection study on TPC-H, as the
 * bench's peer: same queries, same cost model (what-if-cost.ts), so its figures and Hotpath's compare directly.
 *
 * Start from no index. Each step considers every single-column index on a column the workload references and every
 * one-column extension of an index already chosen (up to `maxWidth` columns; the extension replaces the index it
 * extends), re-costs the whole workload with the resulting configuration, and keeps the step with the best cost
 * reduction per byte added, as long as the configuration fits the budget. It stops when no step fits or none lowers
 * the cost by more than the study platform's minimum relative improvement.
 */

export interface ExtendOptions {
  budgetBytes: number;
  /** Widest index (the study: 2). */
  maxWidth?: number;
  /** A step must make the cost at least this factor smaller (the study platform's default: 1.003). */
  minImprovement?: number;
  onStep?: (message: string) => void;
}

export interface ExtendResult {
  indexes: WhatIfIndex[];
  /** The workload cost the search reached (through the coster's cache). */
  cost: number;
  steps: number;
}

/** One single-column index per column any query references: Extend's candidates and extension attributes. */
export function singleColumnCandidates(coster: WhatIfCoster): WhatIfIndex[] {
  const seen = new Map<string, WhatIfIndex>();
  for (const query of coster.queries) {
    for (const [table, columns] of query.columns) {
      for (const column of columns) {
        const index = btree(table, [column]);
        seen.set(indexKey(index), index);
      }
    }
  }
  return [...seen.values()].sort((a, b) => indexKey(a).localeCompare(indexKey(b)));
}

interface Step {
  config: WhatIfIndex[];
  ratio: number;
  cost: number;
  sizeBytes: number;
}

export async function extendSelection(coster: WhatIfCoster, options: ExtendOptions): Promise<ExtendResult> {
  const maxWidth = options.maxWidth ?? 2;
  const minImprovement = options.minImprovement ?? 1.003;
  const singles = singleColumnCandidates(coster);
  let chosen: WhatIfIndex[] = [];
  let chosenBytes = 0;
  let current = (await coster.workloadCost([])).total;
  let steps = 0;
  for (;;) {
    let best: Step | null = null;
    const consider = async (config: WhatIfIndex[], addedBytes: number) => {
      const sizeBytes = chosenBytes + addedBytes;
      if (sizeBytes > options.budgetBytes) return;
      const cost = (await coster.workloadCost(config)).total;
      if (cost * minImprovement >= current) return;
      // HypoPG can estimate a wider index no larger than the one it extends; a byte keeps the ratio finite.
      const ratio = (current - cost) / Math.max(addedBytes, 1);
      if (best === null || ratio > best.ratio) best = { config, ratio, cost, sizeBytes };
    };
    const chosenKeys = new Set(chosen.map(indexKey));
    for (const single of singles) {
      if (!chosenKeys.has(indexKey(single))) await consider([...chosen, single], await coster.sizeBytes(single));
    }
    for (const [position, index] of chosen.entries()) {
      if (index.columns.length >= maxWidth) continue;
      for (const single of singles) {
        const column = single.columns[0]!.name;
        if (single.table !== index.table || index.columns.some((c) => c.name === column)) continue;
        const wider = btree(index.table, [...index.columns.map((c) => c.name), column]);
        if (chosenKeys.has(indexKey(wider))) continue;
        const config = [...chosen.slice(0, position), ...chosen.slice(position + 1), wider];
        await consider(config, (await coster.sizeBytes(wider)) - (await coster.sizeBytes(index)));
      }
    }
    if (best === null) break;
    const step: Step = best;
    chosen = step.config;
    chosenBytes = step.sizeBytes;
    current = step.cost;
    steps++;
    options.onStep?.(`Extend step ${steps}: ${chosen.length} indexes, ${(chosenBytes / 1e6).toFixed(0)} MB, cost ${current.toFixed(0)}`);
  }
  return { indexes: chosen, cost: current, steps };
}
