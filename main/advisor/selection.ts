import type { Fit } from './candidates.ts';

export interface SelectionStatement {
  calls: number;
  /** Estimated plan cost with no new index (planner cost units). */
  baseCost: number;
  /** Planned generically, for any values of its parameters ($1…): costs rest on default selectivities. */
  generic?: boolean;
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
  /** Storage for the chosen indexes together, in bytes. */
  budgetBytes: number;
  /**
   * Wider variants of a chosen index (one more key column, or INCLUDE columns), offered once it is chosen: the
   * move that grows a multi-column index from what the plans still do with it in place (Extend's second move).
   */
  extensions?: (candidate: SelectionCandidate) => Promise<readonly SelectionCandidate[]>;
  /**
   * Candidates read from the statements' plans with the chosen indexes in place: what the plans still scan, filter,
   * join or sort once those exist (a join that became a nested loop asks for the inner side's key). Asked after
   * every step.
   */
  grow?: (chosen: readonly SelectionCandidate[]) => Promise<readonly SelectionCandidate[]>;
  maxIndexes?: number;
}

/** What an analysis of the database's size allots to new indexes when the operator sets no budget. */
export const DEFAULT_BUDGET_SHARE = 0.5;

/**
 * A step must save at least this share of the workload's estimated cost. Hypothetical indexes' sizes and costs are
 * estimates, and an index saving less than this is within their error: it would cost storage and writes for a gain
 * nobody could measure.
 */
const NOISE_SHARE = 0.001;

/** Exchanges tried after the greedy steps: each is a full pass over chosen × candidates, so a few. */
const MAX_SWAPS = 4;

/** A step that adds no bytes (an extension no larger than what it replaces) is counted as one page. */
const PAGE_BYTES = 8192;

/**
 * Which candidates may claim which statements: those that fit them. For a statement with parameters, where some
 * fully fitting index lowers its cost (equalities, then the ORDER BY or range: it reads only the rows the statement
 * returns), only fully fitting ones may: its generic plan's cost rests on default selectivities (a third for a
 * range with a parameter, an average count per key) and on LIMIT finding its rows early, so a partial fit that
 * looks cheaper on average degrades with the real parameters, and the full fit does not. A statement with its
 * values in the text is costed from the real statistics, and any fit may claim it.
 */
async function claimsOf(options: SelectionOptions, candidates: readonly SelectionCandidate[]): Promise<Map<string, number[]>> {
  const { statements, cost } = options;
  const claims = new Map<string, number[]>(candidates.map((c) => [c.key, []]));
  for (let s = 0; s < statements.length; s++) {
    const fitting = candidates.filter((c) => (c.fits.get(s) ?? 'none') !== 'none');
    let fullHelps = false;
    if (statements[s]!.generic)
      for (const c of fitting) if (c.fits.get(s) === 'full' && (await cost([c.key], s)) < statements[s]!.baseCost) fullHelps = true;
    for (const c of fitting) if (!fullHelps || c.fits.get(s) === 'full') claims.get(c.key)!.push(s);
  }
  return claims;
}

interface Configuration {
  chosen: SelectionCandidate[];
  bytes: number;
  costs: number[];
  /** The statements each candidate may claim, grown candidates and extensions included. */
  claims: Map<string, number[]>;
}

type Score = 'benefit-per-byte' | 'benefit';

interface Move {
  add: SelectionCandidate;
  replaces: SelectionCandidate | null;
  benefit: number;
  bytes: number;
}

interface SearchState {
  config: Configuration;
  claims: Map<string, number[]>;
  extensions: Map<string, readonly SelectionCandidate[]>;
  total: number;
}

/**
 * The chosen indexes a statement is costed with: those that may claim it (for a statement with its values in the
 * text, every one that fits it, as the planner will have them all).
 */
function keysFor(claims: ReadonlyMap<string, number[]>, s: number, chosen: readonly SelectionCandidate[]): string[] {
  return chosen.filter((c) => claims.get(c.key)?.includes(s)).map((c) => c.key);
}

/** The moves from a configuration: add a candidate not chosen, or replace a chosen index by a wider variant. */
function movesFrom(
  pool: readonly SelectionCandidate[],
  state: SearchState,
): { add: SelectionCandidate; replaces: SelectionCandidate | null }[] {
  const { config, extensions } = state;
  const moves = pool.filter((c) => !config.chosen.includes(c)).map((add) => ({ add, replaces: null as SelectionCandidate | null }));
  for (const chosen of config.chosen) {
    for (const wider of extensions.get(chosen.key) ?? []) {
      if (!config.chosen.some((c) => c.key === wider.key)) moves.push({ add: wider, replaces: chosen });
    }
  }
  return moves;
}

/** The best-scoring move that fits the budget and saves more than noise, each costed with the configuration in place. */
async function bestMove(
  options: SelectionOptions,
  score: Score,
  pool: readonly SelectionCandidate[],
  state: SearchState,
): Promise<Move | null> {
  const { statements, cost, budgetBytes } = options;
  const { config, claims, total } = state;
  let best: { move: Move; value: number } | null = null;
  for (const { add, replaces } of movesFrom(pool, state)) {
    const bytes = add.sizeBytes - (replaces?.sizeBytes ?? 0);
    if (config.bytes + bytes > budgetBytes) continue;
    const next = config.chosen.filter((c) => c !== replaces).concat(add);
    let benefit = 0;
    for (const s of new Set([...claims.get(add.key)!, ...(replaces ? claims.get(replaces.key)! : [])])) {
      benefit += statements[s]!.calls * (config.costs[s]! - (await cost(keysFor(claims, s, next), s)));
    }
    if (benefit < NOISE_SHARE * total) continue;
    const value = score === 'benefit' ? benefit : benefit / Math.max(bytes, PAGE_BYTES);
    if (!best || value > best.value * 1.01 || (value >= best.value * 0.99 && smaller(add, best.move.add))) {
      best = { move: { add, replaces, benefit, bytes }, value };
    }
  }
  return best?.move ?? null;
}

/**
 * The budgeted search. Each step takes the move with the best score that fits the budget: add a candidate, or
 * replace a chosen index by one of its extensions. Every move is costed with the whole configuration in place (the
 * planner re-plans each statement it touches), so an index that only pays together with another is found once the
 * other is in, and one whose gain an earlier pick already took gains nothing.
 */
async function search(options: SelectionOptions, score: Score, claims: Map<string, number[]>): Promise<Configuration> {
  const { statements, cost } = options;
  const state: SearchState = {
    config: { chosen: [], bytes: 0, costs: statements.map((s) => s.baseCost), claims },
    claims,
    extensions: new Map(),
    total: statements.reduce((sum, s) => sum + s.calls * s.baseCost, 0),
  };
  const pool = options.candidates.filter((c) => (claims.get(c.key) ?? []).length > 0);
  const apply = async ({ add, replaces, bytes }: Move) => {
    const { config } = state;
    config.chosen = replaces ? config.chosen.map((c) => (c === replaces ? add : c)) : [...config.chosen, add];
    config.bytes += bytes;
    for (let s = 0; s < statements.length; s++) config.costs[s] = await cost(keysFor(claims, s, config.chosen), s);
    if (options.extensions && !state.extensions.has(add.key)) await offerExtensions(options.extensions, add, state);
    for (const grown of (await options.grow?.(config.chosen)) ?? []) {
      if (claims.has(grown.key)) continue;
      claims.set(grown.key, [...grown.fits.keys()]);
      pool.push(grown);
    }
  };
  for (let swaps = 0; swaps <= MAX_SWAPS; swaps++) {
    for (let move = await bestMove(options, score, pool, state); move; move = await bestMove(options, score, pool, state)) {
      if (state.config.chosen.length >= (options.maxIndexes ?? Infinity)) break;
      await apply(move);
    }
    const swap = await bestSwap(options, pool, state);
    if (!swap) break;
    await apply(swap);
  }
  return state.config;
}

/**
 * Greedy steps cannot undo an early pick that a later, larger one makes redundant, nor reach an index that does
 * not fit until something goes. Once no step fits, this looks for the exchange (one chosen index out, one
 * candidate or wider variant in) that lowers the workload's cost the most within the budget.
 */
async function bestSwap(options: SelectionOptions, pool: readonly SelectionCandidate[], state: SearchState): Promise<Move | null> {
  const { statements, cost, budgetBytes } = options;
  const { config, claims, total } = state;
  const incoming = [...pool, ...config.chosen.flatMap((c) => state.extensions.get(c.key) ?? [])].filter(
    (c, i, all) => !config.chosen.some((k) => k.key === c.key) && all.findIndex((k) => k.key === c.key) === i,
  );
  let best: Move | null = null;
  for (const out of config.chosen) {
    for (const add of incoming) {
      const bytes = add.sizeBytes - out.sizeBytes;
      if (config.bytes + bytes > budgetBytes) continue;
      const next = config.chosen.filter((c) => c !== out).concat(add);
      let benefit = 0;
      let saved = 0;
      for (const s of new Set([...claims.get(add.key)!, ...claims.get(out.key)!])) {
        benefit += statements[s]!.calls * (config.costs[s]! - (await cost(keysFor(claims, s, next), s)));
        saved += statements[s]!.calls * (statements[s]!.baseCost - config.costs[s]!);
      }
      // Within 1% of what the configuration already saves there is a near-tie, and the index in place stays.
      if (benefit < NOISE_SHARE * total || benefit <= 0.01 * saved) continue;
      if (!best || benefit > best.benefit) best = { add, replaces: out, benefit, bytes };
    }
  }
  return best;
}

/**
 * A chosen index's wider variants become moves. Each claims the statements its narrower form claims, and those it
 * fits fully (a wider index can fit a statement its prefix only started).
 */
async function offerExtensions(
  extend: NonNullable<SelectionOptions['extensions']>,
  chosen: SelectionCandidate,
  state: SearchState,
): Promise<void> {
  const wider = (await extend(chosen)).filter((w) => w.key !== chosen.key);
  const narrow = state.claims.get(chosen.key)!;
  for (const w of wider) {
    if (!state.claims.has(w.key))
      state.claims.set(
        w.key,
        [...w.fits.keys()].filter((s) => narrow.includes(s) || w.fits.get(s) === 'full'),
      );
  }
  state.extensions.set(chosen.key, wider);
}

function workloadCost(options: SelectionOptions, config: Configuration): number {
  return options.statements.reduce((sum, s, i) => sum + s.calls * config.costs[i]!, 0);
}

/**
 * Index selection under a storage budget. Two greedy searches over configurations, one ranking moves by benefit
 * per byte (many small indexes where they pay) and one by benefit (the one large index that pays most); the
 * cheaper result is kept, the smaller on a tie. Ranking by ratio alone can fill the budget with small indexes and
 * leave no room for the big one; by benefit alone, the reverse; taking the better of both is the classic remedy
 * for a budget-constrained greedy choice. Each chosen index is then reported, in the order chosen, with what it
 * saves with the earlier ones in place.
 */
export async function selectIndexes(options: SelectionOptions): Promise<SelectedIndex[]> {
  const { statements, cost } = options;
  const total = statements.reduce((sum, s) => sum + s.calls * s.baseCost, 0);
  if (total <= 0 || options.budgetBytes <= 0) return [];
  const claims = await claimsOf(options, options.candidates);
  const byRatio = await search(options, 'benefit-per-byte', new Map(claims));
  const byBenefit = await search(options, 'benefit', new Map(claims));
  const a = workloadCost(options, byRatio);
  const b = workloadCost(options, byBenefit);
  const config = b < a * 0.999 || (b <= a * 1.001 && byBenefit.bytes < byRatio.bytes) ? byBenefit : byRatio;
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
    chosen.push({ key: index.key, gain, share: gain / total, serves });
  }
  return chosen;
}

function smaller(a: SelectionCandidate, b: SelectionCandidate): boolean {
  if (a.sizeBytes !== b.sizeBytes) return a.sizeBytes < b.sizeBytes;
  if (a.columnCount !== b.columnCount) return a.columnCount < b.columnCount;
  return (a.descColumns ?? 0) < (b.descColumns ?? 0);
}
