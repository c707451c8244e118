import { indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * The greedy step AutoAdmin and DTA-anytime share: from `seed`, add the candidate that lowers the workload's cost
 * most while the configuration fits the budget, until none lowers it. Ties go to the earlier candidate. `cost` is
 * the peer's own workload cost (DTA rounds it as the study's platform does).
 */
export async function greedyAdditions(
  coster: WhatIfCoster,
  candidates: readonly WhatIfIndex[],
  seed: readonly WhatIfIndex[],
  budgetBytes: number,
  cost: (config: readonly WhatIfIndex[]) => Promise<number>,
): Promise<{ indexes: WhatIfIndex[]; cost: number }> {
  const chosen = [...seed];
  let chosenBytes = await coster.totalSizeBytes(chosen);
  let current = await cost(chosen);
  for (;;) {
    const chosenKeys = new Set(chosen.map(indexKey));
    let best: { index: WhatIfIndex; cost: number; bytes: number } | null = null;
    for (const candidate of candidates) {
      if (chosenKeys.has(indexKey(candidate))) continue;
      const bytes = await coster.sizeBytes(candidate);
      if (chosenBytes + bytes > budgetBytes) continue;
      const withCandidate = await cost([...chosen, candidate]);
      if (best === null || withCandidate < best.cost) best = { index: candidate, cost: withCandidate, bytes };
    }
    if (best === null || best.cost >= current) return { indexes: chosen, cost: current };
    chosen.push(best.index);
    chosenBytes += best.bytes;
    current = best.cost;
  }
}
