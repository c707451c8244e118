import type pg from 'pg';
import { utilizedIndexes } from './utilized-indexes.ts';
import { btree, indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';
import { greedyAdditions } from './greedy-additions.ts';

/**
 * Our implementation of DTA's anytime index selection (Chaudhuri, Narasayya, "Anytime Algorithm of Database Tuning
 * Advisor for Microsoft SQL Server", 2020) as the index-selection study (Kossmann et al., VLDB 2020) runs it ("DTA"
 * there), as a bench peer: same queries, same cost model (what-if-cost.ts). The study's version, like ours, follows
 * the published outline rather than the product, whose details are not published.
 *
 * Candidates: every index some query's plan uses when all of that query's syntactically relevant indexes exist
 * (utilized-indexes.ts), plus, per table, the merge of each ordered pair of them (the first's columns then the
 * second's others, cut to `maxWidth`), which can serve two queries in the space of one; those larger than the budget
 * are dropped. Enumeration: from each seed (each candidate alone, in order of width then definition, and last the
 * empty configuration), greedily add the candidate that lowers the workload cost most while the configuration fits
 * the budget, until none lowers it; the best configuration over the seeds wins. Seeding is what makes it "anytime":
 * it can stop after any seed with the best so far. The study stops after a time budget (its setting: 30 minutes at
 * scale factor 10); ours stops after a number of configurations costed, since the coster's cache makes time depend
 * on what ran before, and a count keeps the result the same on every run.
 */

/**
 * Configurations costed before no further seed is started. At TPC-H scale 0.01 the largest run, at the "Hotpath
 * default" row's 10.6 MB, costs about 17,000 for all 64 seeds (`npm run bench -- advisor --scale 0.01`); the bound
 * keeps a larger candidate set (another workload, a wider index) from running the bench for hours.
 */
export const DTA_MAX_CONFIGURATIONS = 200_000;

export interface DtaAnytimeOptions {
  budgetBytes: number;
  /** Widest index (the study: 2). */
  maxWidth?: number;
  /** Configurations costed after which no further seed is started (default DTA_MAX_CONFIGURATIONS). */
  maxConfigurations?: number;
}

export interface DtaAnytimeResult {
  indexes: WhatIfIndex[];
  /** The candidates within the budget: the utilized indexes and their merges. */
  candidates: WhatIfIndex[];
  /** The workload cost the search reached (through the coster's cache). */
  cost: number;
  /** Seeds enumerated, of `candidates.length + 1`. */
  seeds: number;
  configurations: number;
}

/** The study's order of seeds: narrower first, then by definition. */
function byWidthThenKey(a: WhatIfIndex, b: WhatIfIndex): number {
  return a.columns.length - b.columns.length || indexKey(a).localeCompare(indexKey(b));
}

/** The utilized indexes and, per table, the merge of each ordered pair of them. */
function withMerges(utilized: readonly WhatIfIndex[], maxWidth: number): WhatIfIndex[] {
  const all = new Map(utilized.map((index) => [indexKey(index), index]));
  for (const first of utilized) {
    for (const second of utilized) {
      if (first === second || first.table !== second.table) continue;
      const a = first.columns.map((c) => c.name);
      const merged = btree(
        first.table,
        [...a, ...second.columns.map((c) => c.name).filter((column) => !a.includes(column))].slice(0, maxWidth),
      );
      if (!all.has(indexKey(merged))) all.set(indexKey(merged), merged);
    }
  }
  return [...all.values()];
}

export async function dtaAnytimeSelection(client: pg.Client, coster: WhatIfCoster, options: DtaAnytimeOptions): Promise<DtaAnytimeResult> {
  const maxWidth = options.maxWidth ?? 2;
  const maxConfigurations = options.maxConfigurations ?? DTA_MAX_CONFIGURATIONS;
  const candidates: WhatIfIndex[] = [];
  for (const index of withMerges(await utilizedIndexes(client, coster, maxWidth), maxWidth)) {
    if ((await coster.sizeBytes(index)) <= options.budgetBytes) candidates.push(index);
  }
  candidates.sort(byWidthThenKey);
  let configurations = 0;
  // Costs rounded to hundredths, as the study's platform does, so that float noise between equivalent plans does not
  // decide between candidates.
  const cost = async (config: readonly WhatIfIndex[]) => {
    configurations++;
    return Math.round((await coster.workloadCost(config)).total * 100) / 100;
  };

  const greedy = (seed: WhatIfIndex[]) => greedyAdditions(coster, candidates, seed, options.budgetBytes, cost);

  const seeds: WhatIfIndex[][] = [...candidates.map((index) => [index]), []];
  let best: { indexes: WhatIfIndex[]; cost: number } | null = null;
  let seeded = 0;
  for (const seed of seeds) {
    const found = await greedy(seed);
    seeded++;
    if (best === null || found.cost < best.cost) best = found;
    if (configurations >= maxConfigurations) break;
  }
  return { indexes: best!.indexes, candidates, cost: best!.cost, seeds: seeded, configurations };
}
