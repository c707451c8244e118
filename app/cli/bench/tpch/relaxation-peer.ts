import type pg from 'pg';
import { utilizedIndexes } from './utilized-indexes.ts';
import { btree, indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * Our implementation of Relaxation (Bruno, Chaudhuri, "Automatic Physical Database Tuning: A Relaxation-based
 * Approach", SIGMOD 2005) as the index-selection study (Kossmann et al., VLDB 2020) runs it, as a bench peer: same
 * queries, same cost model (what-if-cost.ts).
 *
 * Where Extend grows a configuration from nothing, Relaxation shrinks one from the best: it starts from every index
 * some query's plan uses when all of that query's syntactically relevant indexes exist (utilized-indexes.ts), which
 * is optimal per query and usually far over the budget. Each step costs every configuration one transformation
 * away (the paper's five but promotion to clustered, which the study leaves out: PostgreSQL keeps no table in index order) and
 * moves to the one with the lowest penalty, the cost it adds per byte it frees, until the configuration fits:
 * - removal: drop an index;
 * - prefixing: replace an index by a proper prefix of its key (an index on (a, b) by one on (a));
 * - merging: replace two indexes on one table by one on the first's columns then the second's others, cut to
 *   `maxWidth` (the study's rule: without suffix columns the paper's merge is a key of both);
 * - splitting: replace two indexes on one table that share columns by one on the shared columns and one on each
 *   index's remaining columns.
 * Bytes freed beyond what the budget still needs count as not freed (the study's rule), so a step that frees far
 * more than needed is not preferred for it; a transformation that lowers the cost wins by its saving × bytes freed.
 * The paper keeps a pool of relaxed configurations and may relax any of them; the study relaxes only the latest, and
 * so do we. Without backtracking, a small budget can leave one large index that must finally go too, and with it
 * every index (seen at TPC-H scale 0.01 with 0.5 and 1 MB).
 */

export interface RelaxationOptions {
  budgetBytes: number;
  /** Widest index (the study: 2). */
  maxWidth?: number;
  onStep?: (message: string) => void;
}

export interface RelaxationResult {
  indexes: WhatIfIndex[];
  /** The configuration the relaxation started from: the indexes the queries' best plans use. */
  start: WhatIfIndex[];
  /** The workload cost the search reached (through the coster's cache). */
  cost: number;
  /** Transformations applied. */
  steps: number;
}

/** A configuration one transformation away, with the bytes it frees (negative when it grows). */
interface Relaxed {
  config: WhatIfIndex[];
  freedBytes: number;
}

function columnsOf(index: WhatIfIndex): string[] {
  return index.columns.map((c) => c.name);
}

/**
 * `config` without `removed` and with those of `added` it lacks, in definition order (so that ties between equally
 * good steps go the same way on every run), and the bytes that frees.
 */
async function replace(
  coster: WhatIfCoster,
  config: readonly WhatIfIndex[],
  removed: readonly WhatIfIndex[],
  added: readonly WhatIfIndex[],
): Promise<Relaxed> {
  const removedKeys = new Set(removed.map(indexKey));
  const next = new Map(config.filter((index) => !removedKeys.has(indexKey(index))).map((index) => [indexKey(index), index]));
  let freedBytes = await coster.totalSizeBytes(removed);
  for (const index of added) {
    if (next.has(indexKey(index))) continue;
    next.set(indexKey(index), index);
    freedBytes -= await coster.sizeBytes(index);
  }
  return { config: [...next.values()].sort((a, b) => indexKey(a).localeCompare(indexKey(b))), freedBytes };
}

/** Every configuration one splitting, merging, prefixing or removal away from `config` (the study's order). */
async function* relaxations(coster: WhatIfCoster, config: readonly WhatIfIndex[], maxWidth: number): AsyncGenerator<Relaxed> {
  const pairs: [WhatIfIndex, WhatIfIndex][] = [];
  for (const first of config) {
    for (const second of config) if (first !== second && first.table === second.table) pairs.push([first, second]);
  }
  for (const [first, second] of pairs) {
    const a = columnsOf(first);
    const b = columnsOf(second);
    const shared = a.filter((column) => b.includes(column));
    if (shared.length === 0) continue;
    const parts = [shared, a.filter((column) => !b.includes(column)), b.filter((column) => !a.includes(column))];
    yield replace(
      coster,
      config,
      [first, second],
      parts.filter((columns) => columns.length > 0).map((columns) => btree(first.table, columns)),
    );
  }
  for (const [first, second] of pairs) {
    const a = columnsOf(first);
    const merged = [...a, ...columnsOf(second).filter((column) => !a.includes(column))].slice(0, maxWidth);
    yield replace(coster, config, [first, second], [btree(first.table, merged)]);
  }
  for (const index of config) {
    const columns = columnsOf(index);
    for (let width = columns.length - 1; width >= 1; width--) {
      yield replace(coster, config, [index], [btree(index.table, columns.slice(0, width))]);
    }
  }
  for (const index of config) yield replace(coster, config, [index], []);
}

export async function relaxationSelection(client: pg.Client, coster: WhatIfCoster, options: RelaxationOptions): Promise<RelaxationResult> {
  const maxWidth = options.maxWidth ?? 2;
  const start = await utilizedIndexes(client, coster, maxWidth);
  let chosen = start;
  let chosenBytes = await coster.totalSizeBytes(chosen);
  let current = (await coster.workloadCost(chosen)).total;
  let steps = 0;
  while (chosenBytes > options.budgetBytes && chosen.length > 0) {
    let best: { relaxed: Relaxed; cost: number; penalty: number } | null = null;
    for await (const relaxed of relaxations(coster, chosen, maxWidth)) {
      // Only steps that free bytes bring the configuration nearer the budget (and guarantee the loop ends).
      if (relaxed.freedBytes <= 0) continue;
      const cost = (await coster.workloadCost(relaxed.config)).total;
      const added = cost - current;
      const penalty = added < 0 ? added * relaxed.freedBytes : added / Math.min(relaxed.freedBytes, chosenBytes - options.budgetBytes);
      if (best === null || penalty < best.penalty) best = { relaxed, cost, penalty };
    }
    if (best === null) break;
    chosen = best.relaxed.config;
    chosenBytes -= best.relaxed.freedBytes;
    current = best.cost;
    steps++;
    options.onStep?.(
      `Relaxation step ${steps}: ${chosen.length} indexes, ${(chosenBytes / 1e6).toFixed(1)} MB, cost ${current.toFixed(0)}`,
    );
  }
  return { indexes: chosen, start, cost: current, steps };
}
