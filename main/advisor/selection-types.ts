import type { Fit } from './candidates.ts';

/** What index selection takes and gives: the statements, the candidates, a cost model and a budget. */

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
  /** Keeping it up to date under the workload's writes, in the frame of Σ calls × cost: subtracted from what it saves. */
  maintenanceCost?: number;
}

/** A statement's estimated cost with the given candidates (by key) in place. */
export type CostFunction = (config: readonly string[], statement: number) => Promise<number>;

export interface SelectedIndex {
  key: string;
  /** Σ calls × cost saved, with the indexes chosen before it already in place, less its maintenance cost. */
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
  /** True once the search has spent what it may (what-if plans): no further step, exchange or drop is weighed. */
  exhausted?: () => boolean;
}
