import type { SelectedIndex, SelectionCandidate, SelectionOptions } from './selection-types.ts';
import { ConfigurationSearch, NOISE_SHARE, keysFor } from './configuration-search.ts';

export type { CostFunction, SelectedIndex, SelectionCandidate, SelectionOptions, SelectionStatement } from './selection-types.ts';

/** What an analysis of the database's size allots to new indexes when the operator sets no budget. */
export const DEFAULT_BUDGET_SHARE = 0.5;

/** The relaxing search first chooses with this many times the budget, then drops down to it. */
const RELAX_ROOM = 2;

/**
 * Which candidates may claim which statements: those that fit them. For a statement with parameters, where some
 * fully fitting index lowers its cost (equalities, then the ORDER BY or range: it reads only the rows the statement
 * returns), only fully fitting ones may: its generic plan's cost rests on default selectivities (a third for a
 * range with a parameter, an average count per key) and on LIMIT finding its rows early, so a partial fit that
 * looks cheaper on average degrades with the real parameters, and the full fit does not. A statement with its
 * values in the text is costed from the real statistics, and any fit may claim it.
 */
async function claimsOf(
  options: SelectionOptions,
  candidates: readonly SelectionCandidate[],
): Promise<{ claims: Map<string, number[]>; fullOnly: boolean[] }> {
  const { statements, cost } = options;
  const claims = new Map<string, number[]>(candidates.map((c) => [c.key, []]));
  const fullOnly = statements.map(() => false);
  for (let s = 0; s < statements.length; s++) {
    const fitting = candidates.filter((c) => (c.fits.get(s) ?? 'none') !== 'none');
    if (statements[s]!.generic) {
      for (const c of fitting) if (c.fits.get(s) === 'full' && (await cost([c.key], s)) < statements[s]!.baseCost) fullOnly[s] = true;
    }
    for (const c of fitting) if (!fullOnly[s] || c.fits.get(s) === 'full') claims.get(c.key)!.push(s);
  }
  return { claims, fullOnly };
}

/**
 * Index selection under a storage budget: three searches over configurations, the cheapest result kept (the
 * smaller within noise). Two start empty and add greedily, one ranking steps by benefit per byte (many small indexes
 * where they pay), one by benefit (the one large index that pays most); ranking by ratio alone can fill the budget
 * with small indexes and leave no room for the big one, by benefit alone the reverse. The third chooses with room
 * to spare (RELAX_ROOM × the budget), then drops what costs least per byte until it fits, and fills what is left:
 * an index that the greedy order would never have room for can survive there. Each chosen index is then reported,
 * in the order chosen, with what it saves with the earlier ones in place.
 */
export async function selectIndexes(options: SelectionOptions): Promise<SelectedIndex[]> {
  const { statements, cost } = options;
  const total = statements.reduce((sum, s) => sum + s.calls * s.baseCost, 0);
  if (total <= 0 || options.budgetBytes <= 0) return [];
  const { claims, fullOnly } = await claimsOf(options, options.candidates);
  const searches: ConfigurationSearch[] = [];
  for (const score of ['benefit-per-byte', 'benefit'] as const) {
    const search = new ConfigurationSearch(options, new Map(claims), fullOnly);
    await search.fill(score, options.budgetBytes);
    searches.push(search);
  }
  const relaxed = new ConfigurationSearch(options, new Map(claims), fullOnly);
  await relaxed.fill('benefit-per-byte', options.budgetBytes * RELAX_ROOM);
  await relaxed.relax(options.budgetBytes);
  await relaxed.fill('benefit-per-byte', options.budgetBytes);
  searches.push(relaxed);
  // The cheapest, or the smallest configuration within noise of it (what a step must save to count).
  const cheapest = Math.min(...searches.map((x) => x.workloadCost));
  const best = searches
    .filter((x) => x.workloadCost <= cheapest + NOISE_SHARE * total)
    .reduce((a, b) => (b.config.bytes < a.config.bytes || (b.config.bytes === a.config.bytes && b.workloadCost < a.workloadCost) ? b : a));
  const { config } = best;
  const chosen: SelectedIndex[] = [];
  const current = statements.map((s) => s.baseCost);
  for (let i = 0; i < config.chosen.length; i++) {
    const index = config.chosen[i]!;
    const inPlace = config.chosen.slice(0, i + 1);
    const serves: SelectedIndex['serves'] = [];
    let gain = 0;
    for (const s of config.claims.get(index.key) ?? []) {
      const after = await cost(keysFor(config.claims, s, inPlace), s);
      if (after < current[s]!) {
        gain += statements[s]!.calls * (current[s]! - after);
        serves.push({ statement: s, costBefore: current[s]!, costAfter: after });
        current[s] = after;
      }
    }
    gain -= index.maintenanceCost ?? 0;
    chosen.push({ key: index.key, gain, share: gain / total, serves });
  }
  return chosen;
}
