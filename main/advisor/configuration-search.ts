import type { SelectionCandidate, SelectionOptions } from './selection-types.ts';

/**
 * A step must save at least this share of the workload's estimated cost (one ten-thousandth). Below it, a step is
 * rounding in the planner's costs. It is this small because small gains add up. On TPC-H, the indexes that each
 * save less than a thousandth (a 0.2 MB index on a small join table, say) together saved more than the one large
 * index they crowded out. The storage budget and the write charge already bound what they may take.
 */
export const NOISE_SHARE = 0.0001;

/** Exchanges tried after the greedy steps: each is a full pass over chosen × candidates, so a few. */
const MAX_SWAPS = 4;

/** A step that adds no bytes (an extension no larger than what it replaces) is counted as one page. */
const PAGE_BYTES = 8192;

/** Within this share of each other, two steps are a tie: planner costs and HypoPG's sizes are not finer. */
export const TIE = 0.01;

export type Score = 'benefit-per-byte' | 'benefit';

export interface Configuration {
  chosen: SelectionCandidate[];
  bytes: number;
  /** Each statement's cost with the chosen indexes in place. */
  costs: number[];
  /** The statements each candidate may claim, grown candidates and extensions included. */
  claims: Map<string, number[]>;
}

interface Move {
  add: SelectionCandidate | null;
  /** Chosen indexes the move takes out: the one a wider variant replaces, one dropped to make room, or both. */
  removes: SelectionCandidate[];
  /** The narrower index a wider variant replaces: the variant takes its place in the order chosen. */
  inPlaceOf: SelectionCandidate | null;
  benefit: number;
  bytes: number;
}

/**
 * The chosen indexes a statement is costed with: those that may claim it (for a statement with its values in the
 * text, every one that fits it, as the planner will have them all).
 */
export function keysFor(claims: ReadonlyMap<string, number[]>, s: number, chosen: readonly SelectionCandidate[]): string[] {
  return chosen.filter((c) => claims.get(c.key)?.includes(s)).map((c) => c.key);
}

function smaller(a: SelectionCandidate, b: SelectionCandidate): boolean {
  if (a.sizeBytes !== b.sizeBytes) return a.sizeBytes < b.sizeBytes;
  if (a.columnCount !== b.columnCount) return a.columnCount < b.columnCount;
  return (a.descColumns ?? 0) < (b.descColumns ?? 0);
}

/**
 * One search over configurations of indexes. Its moves: add a candidate, replace a chosen index by one of its wider
 * variants, exchange a chosen index for another candidate, or drop one. Every move is costed with the whole
 * configuration in place (the planner re-plans each statement it touches), so an index that only pays together with
 * another is found once the other is in, and one whose gain an earlier pick already took gains nothing. Candidates
 * grow as it goes: wider variants of what it chose, and what the re-planned statements still scan.
 */
export class ConfigurationSearch {
  readonly config: Configuration;
  private readonly pool: SelectionCandidate[];
  private readonly extensions = new Map<string, readonly SelectionCandidate[]>();
  /** Each wider variant's narrower index, which relaxing may narrow it back to. */
  private readonly grownFrom = new Map<string, SelectionCandidate>();
  private readonly total: number;

  constructor(
    private readonly options: SelectionOptions,
    claims: Map<string, number[]>,
    /** Statements only fully fitting indexes may claim (selection.ts' claimsOf): candidates found later obey it too. */
    private readonly fullOnly: readonly boolean[],
  ) {
    const { statements } = options;
    this.config = { chosen: [], bytes: 0, costs: statements.map((s) => s.baseCost), claims };
    this.pool = options.candidates.filter((c) => (claims.get(c.key) ?? []).length > 0);
    this.total = statements.reduce((sum, s) => sum + s.calls * s.baseCost, 0);
  }

  /** Σ calls × cost of the statements, plus what keeping the chosen indexes up to date costs the workload's writes. */
  get workloadCost(): number {
    const upkeep = this.config.chosen.reduce((sum, c) => sum + (c.maintenanceCost ?? 0), 0);
    return this.options.statements.reduce((sum, s, i) => sum + s.calls * this.config.costs[i]!, upkeep);
  }

  /** Greedy steps by `score` while one fits the budget and saves more than noise, then exchanges, then steps again. */
  async fill(score: Score, budgetBytes: number): Promise<void> {
    for (let swaps = 0; swaps <= MAX_SWAPS; swaps++) {
      for (let move = await this.bestStep(score, budgetBytes); move; move = await this.bestStep(score, budgetBytes)) {
        if (this.config.chosen.length >= (this.options.maxIndexes ?? Infinity)) break;
        await this.apply(move);
      }
      const swap = await this.bestSwap(budgetBytes);
      if (!swap) break;
      await this.apply(swap);
    }
    await this.prune();
  }

  /**
   * Drops what later picks made redundant: a chosen index whose removal costs less than noise (its statements are
   * served as well by the others) only takes storage and slows writes.
   */
  private async prune(): Promise<void> {
    while (!this.options.exhausted?.()) {
      let redundant: { index: SelectionCandidate; loss: number } | null = null;
      for (const index of this.config.chosen) {
        const loss = -(await this.benefitOf(null, [index]));
        if (loss < NOISE_SHARE * this.total && (!redundant || loss < redundant.loss)) redundant = { index, loss };
      }
      if (!redundant) return;
      await this.apply({
        add: null,
        removes: [redundant.index],
        inPlaceOf: null,
        benefit: -redundant.loss,
        bytes: -redundant.index.sizeBytes,
      });
    }
  }

  /**
   * Relaxes the configuration until it fits the budget: Relaxation's direction (Bruno and Chaudhuri, SIGMOD 2005),
   * from a configuration chosen with room to spare down to one that fits. Each time, it drops a chosen index or
   * narrows a wider variant back to the index it was grown from, whichever adds the least cost per byte freed.
   */
  async relax(budgetBytes: number): Promise<void> {
    while (this.config.bytes > budgetBytes && this.config.chosen.length > 0) {
      const excess = this.config.bytes - budgetBytes;
      let best: { move: Move; penalty: number } | null = null;
      for (const move of this.relaxations()) {
        const loss = -(await this.benefitOf(move.add, move.removes));
        const freed = -move.bytes;
        if (freed <= 0) continue;
        // Bytes freed beyond the excess buy nothing, so they do not make a loss look cheaper (Relaxation's penalty).
        const penalty = loss / Math.max(Math.min(freed, excess), PAGE_BYTES);
        if (!best || penalty < best.penalty) best = { move: { ...move, benefit: -loss }, penalty };
      }
      if (!best) return;
      await this.apply(best.move);
    }
  }

  /** Relaxation's moves: drop a chosen index, or narrow a wider variant back to the index it was grown from. */
  private relaxations(): Move[] {
    const { chosen } = this.config;
    const moves: Move[] = chosen.map((out) => ({ add: null, removes: [out], inPlaceOf: null, benefit: 0, bytes: -out.sizeBytes }));
    for (const wide of chosen) {
      const narrow = this.grownFrom.get(wide.key);
      if (!narrow || chosen.includes(narrow)) continue;
      moves.push({ add: narrow, removes: [wide], inPlaceOf: wide, benefit: 0, bytes: narrow.sizeBytes - wide.sizeBytes });
    }
    return moves;
  }

  /**
   * Σ calls × cost saved on the statements the move touches, with the rest of the configuration in place, less the
   * maintenance the move adds (or plus what it spares).
   */
  private async benefitOf(add: SelectionCandidate | null, removes: readonly SelectionCandidate[]): Promise<number> {
    const { statements, cost } = this.options;
    const { claims, chosen, costs } = this.config;
    const next = chosen.filter((c) => !removes.includes(c)).concat(add ? [add] : []);
    let benefit = removes.reduce((sum, c) => sum + (c.maintenanceCost ?? 0), -(add?.maintenanceCost ?? 0));
    for (const s of new Set([add, ...removes].flatMap((c) => (c ? claims.get(c.key)! : [])))) {
      benefit += statements[s]!.calls * (costs[s]! - (await cost(keysFor(claims, s, next), s)));
    }
    return benefit;
  }

  /** The moves that add: a candidate not chosen, or a wider variant in place of the index it extends. */
  private steps(): { add: SelectionCandidate; replaces: SelectionCandidate | null }[] {
    const { chosen } = this.config;
    const chosenKeys = new Set(chosen.map((c) => c.key));
    const moves = this.pool.filter((c) => !chosenKeys.has(c.key)).map((add) => ({ add, replaces: null as SelectionCandidate | null }));
    for (const narrow of chosen) {
      for (const wider of this.extensions.get(narrow.key) ?? []) {
        if (!chosen.some((c) => c.key === wider.key)) moves.push({ add: wider, replaces: narrow });
      }
    }
    return moves;
  }

  private async bestStep(score: Score, budgetBytes: number): Promise<Move | null> {
    let best: { move: Move; value: number } | null = null;
    for (const { add, replaces } of this.steps()) {
      if (this.options.exhausted?.()) break;
      const removes = replaces ? [replaces] : [];
      const bytes = add.sizeBytes - (replaces?.sizeBytes ?? 0);
      if (this.config.bytes + bytes > budgetBytes) continue;
      const benefit = await this.benefitOf(add, removes);
      if (benefit < NOISE_SHARE * this.total) continue;
      const value = score === 'benefit' ? benefit : benefit / Math.max(bytes, PAGE_BYTES);
      // On a tie, the move that takes fewer bytes, then the simpler index.
      const tie = best !== null && value >= best.value * (1 - TIE);
      if (
        !best ||
        value > best.value * (1 + TIE) ||
        (tie && (bytes < best.move.bytes || (bytes === best.move.bytes && smaller(add, best.move.add!))))
      ) {
        best = { move: { add, removes, inPlaceOf: replaces, benefit, bytes }, value };
      }
    }
    return best?.move ?? null;
  }

  /**
   * Greedy steps cannot undo an early pick that a later, larger one makes redundant, nor reach an index that does
   * not fit until something goes. Once no step fits, this looks for the exchange (a step, an added candidate or a
   * wider variant in place of its index, with one other chosen index out) that lowers the workload's cost the most
   * within the budget.
   */
  private async bestSwap(budgetBytes: number): Promise<Move | null> {
    const { chosen } = this.config;
    let best: Move | null = null;
    for (const { add, replaces } of this.steps()) {
      if (this.options.exhausted?.()) break;
      for (const out of chosen) {
        if (out === replaces) continue;
        const removes = replaces ? [replaces, out] : [out];
        const bytes = add.sizeBytes - removes.reduce((sum, c) => sum + c.sizeBytes, 0);
        if (this.config.bytes + bytes > budgetBytes) continue;
        const benefit = await this.benefitOf(add, removes);
        if (benefit < NOISE_SHARE * this.total) continue;
        if (!best || benefit > best.benefit) best = { add, removes, inPlaceOf: replaces, benefit, bytes };
      }
    }
    return best;
  }

  private async apply({ add, removes, inPlaceOf, bytes }: Move): Promise<void> {
    const { statements, cost } = this.options;
    const { config } = this;
    const kept = config.chosen.flatMap((c) => (c === inPlaceOf && add ? [add] : removes.includes(c) ? [] : [c]));
    config.chosen = add && !kept.includes(add) ? [...kept, add] : kept;
    config.bytes += bytes;
    for (let s = 0; s < statements.length; s++) config.costs[s] = await cost(keysFor(config.claims, s, config.chosen), s);
    if (!add) return;
    if (this.options.extensions && !this.extensions.has(add.key)) await this.offerExtensions(add);
    for (const grown of (await this.options.grow?.(config.chosen)) ?? []) {
      if (config.claims.has(grown.key)) continue;
      config.claims.set(
        grown.key,
        [...grown.fits].filter(([s, fit]) => !this.fullOnly[s] || fit === 'full').map(([s]) => s),
      );
      this.pool.push(grown);
    }
  }

  /**
   * A chosen index's wider variants become moves. Each claims the statements its narrower form claims, and those it
   * fits fully (a wider index can fit a statement its prefix only started).
   */
  private async offerExtensions(chosen: SelectionCandidate): Promise<void> {
    const wider = (await this.options.extensions!(chosen)).filter((w) => w.key !== chosen.key);
    const narrow = this.config.claims.get(chosen.key)!;
    for (const w of wider) {
      if (!this.config.claims.has(w.key)) {
        this.config.claims.set(
          w.key,
          [...w.fits.keys()].filter((s) => narrow.includes(s) || w.fits.get(s) === 'full'),
        );
      }
    }
    this.extensions.set(chosen.key, wider);
    for (const w of wider) if (!this.grownFrom.has(w.key)) this.grownFrom.set(w.key, chosen);
  }
}
