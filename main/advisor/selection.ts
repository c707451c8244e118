import type { Fit } from './candidates.ts';

export interface SelectionStatement {
  calls: number;
  /** Estimated plan cost with no new index (planner cost units). */
  baseCost: number;
}

export interface SelectionCandidate {
  key: string;
  fits: ReadonlyMap<number, Fit>;
  columnCount: number;
  sizeBytes: number;
  /** DESC key columns: on a tie the plain ascending index is the simpler proposal. */
  descColumns?: number;
}

/** A statement's estimated cost with the given candidates (by key) in place. */
export type CostFunction = (config: readonly string[], statement: number) => Promise<number>;

export interface SelectedIndex {
  key: string;
  /** Σ calls × cost saved, with the indexes chosen before it already in place. */
  gain: number;
  share: number;
  serves: { statement: number; costBefore: number; costAfter: number }[];
}

export interface SelectionOptions {
  statements: readonly SelectionStatement[];
  candidates: readonly SelectionCandidate[];
  cost: CostFunction;
  /** A statement counts for an index only if the index alone cuts its cost by at least this share (0.5). */
  minStatementGain: number;
  /** An index must save at least this share of the workload's total estimated cost (0.01). */
  minWorkloadShare: number;
  maxIndexes?: number;
}

/**
 * Which candidates may claim which statements. An index alone must cut the statement's cost by
 * `minStatementGain`. Where a fully fitting index passes (equalities, then the ORDER BY or range: it reads only the
 * rows the statement returns), only fully fitting ones may claim the statement: the generic plan's cost rests on
 * default selectivities (a third for a range with a parameter, an average count per key) and on LIMIT finding its
 * rows early, so a partial fit that looks cheaper on average degrades with the real parameters, and the full fit
 * does not. This is the judgement an expert adds to the planner's arithmetic.
 */
async function eligibility(options: SelectionOptions): Promise<Map<number, Set<string>>> {
  const { statements, candidates, cost, minStatementGain } = options;
  const eligible = new Map<number, Set<string>>();
  for (let s = 0; s < statements.length; s++) {
    const passing: { key: string; fit: Fit }[] = [];
    for (const candidate of candidates) {
      const fit = candidate.fits.get(s);
      if (!fit || fit === 'none') continue;
      const after = await cost([candidate.key], s);
      if (after <= (1 - minStatementGain) * statements[s]!.baseCost) passing.push({ key: candidate.key, fit });
    }
    const full = passing.filter((p) => p.fit === 'full');
    eligible.set(s, new Set((full.length > 0 ? full : passing).map((p) => p.key)));
  }
  return eligible;
}

/**
 * Greedy workload-wide choice: each round takes the candidate with the largest total benefit (Σ calls × cost
 * saved over every statement it may claim, with the indexes already chosen in place), so one index serving many
 * statements beats one per statement, and a near-duplicate of a chosen index gains nothing and is never taken.
 * Stops when no candidate saves `minWorkloadShare` of the workload. Near-ties (within 1%) go to the smaller index.
 */
export async function selectIndexes(options: SelectionOptions): Promise<SelectedIndex[]> {
  const { statements, candidates, cost, minWorkloadShare } = options;
  const total = statements.reduce((sum, s) => sum + s.calls * s.baseCost, 0);
  if (total <= 0) return [];
  const eligible = await eligibility(options);
  const claims = new Map(candidates.map((c) => [c.key, [...eligible.entries()].filter(([, keys]) => keys.has(c.key)).map(([s]) => s)]));
  const current = statements.map((s) => s.baseCost);
  const chosen: SelectedIndex[] = [];
  const remaining = candidates.filter((c) => (claims.get(c.key) ?? []).length > 0);
  while (remaining.length > 0 && chosen.length < (options.maxIndexes ?? Infinity)) {
    let best: { candidate: SelectionCandidate; gain: number; serves: SelectedIndex['serves'] } | null = null;
    // A statement's current cost counts only the chosen indexes that may claim it: an index another statement
    // chose, which fits this one only partially, must not hide the full fit this one still lacks.
    const configFor = (s: number) => chosen.map((c) => c.key).filter((key) => eligible.get(s)!.has(key));
    for (const candidate of remaining) {
      let gain = 0;
      const serves: SelectedIndex['serves'] = [];
      for (const s of claims.get(candidate.key)!) {
        const after = await cost([...configFor(s), candidate.key], s);
        if (after < current[s]!) {
          gain += statements[s]!.calls * (current[s]! - after);
          serves.push({ statement: s, costBefore: current[s]!, costAfter: after });
        }
      }
      if (gain <= 0) continue;
      if (!best || gain > best.gain * 1.01 || (gain >= best.gain * 0.99 && smaller(candidate, best.candidate))) {
        best = { candidate, gain, serves };
      }
    }
    if (!best || best.gain < minWorkloadShare * total) break;
    chosen.push({ key: best.candidate.key, gain: best.gain, share: best.gain / total, serves: best.serves });
    remaining.splice(remaining.indexOf(best.candidate), 1);
    for (const s of claims.get(best.candidate.key)!) current[s] = Math.min(current[s]!, await cost(configFor(s), s));
  }
  return chosen;
}

function smaller(a: SelectionCandidate, b: SelectionCandidate): boolean {
  if (a.sizeBytes !== b.sizeBytes) return a.sizeBytes < b.sizeBytes;
  if (a.columnCount !== b.columnCount) return a.columnCount < b.columnCount;
  return (a.descColumns ?? 0) < (b.descColumns ?? 0);
}
