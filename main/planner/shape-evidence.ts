/**
 * What each plan measured on each query shape, as running means of ln(latency): the evidence that refines the
 * forest's prediction between retrains. The forest generalises across shapes but is trained on a subsample and is
 * often off by a factor of two on one shape; a shape that recurs soon has measurements of its own, and those win
 * as they accumulate (a normal prior of weight PRIOR_WEIGHT observations, updated by the shape's mean). Its
 * spread shrinks as 1/√(n + prior), so Thompson sampling stops exploring a shape once it is known.
 *
 * Bounded like the plan cache: the shapes used least recently are dropped first.
 */

import { LRUCache } from 'lru-cache';
import type { PlanPrediction } from './latency-model.ts';
import { PLAN_NAMES } from './planner-types.ts';

/** The forest's prediction counts as this many observations of the shape. */
export const PRIOR_WEIGHT = 3;
/** Below this, two measurements of one plan on one shape differ anyway (timer, scheduling), in ln units. */
const NOISE_FLOOR = 0.1;
/** Observations a shape remembers per plan, at full weight. */
const MEMORY = 30;

const PLANS = PLAN_NAMES.length;

/** Per plan: count, mean and M2 (Welford) of ln(latency ms). */
type Sums = Float64Array;

export class ShapeEvidence {
  private readonly shapes: LRUCache<number, Sums>;
  /*
   * The shape looked up last and its sums (undefined: it had none). `refine` looks a query's shape up just before
   * its plan runs and `record` just after, when the plan's pass over the store has pushed the LRU's structures out
   * of the CPU caches: the second lookup was the dearest part of `observe`. The memo always names a live entry, since
   * entries are evicted only by inserting a new shape (which then becomes the memo) or by `clear`.
   */
  private lastShape = -1;
  private lastSums: Sums | undefined = undefined;

  constructor(capacity: number) {
    this.shapes = new LRUCache<number, Sums>({ max: capacity });
  }

  record(shape: number, plan: number, latencyMs: number): void {
    let sums = this.lookup(shape);
    if (!sums) {
      sums = new Float64Array(PLANS * 3);
      this.shapes.set(shape, sums);
      this.lastSums = sums;
    }
    const x = Math.log(Math.max(latencyMs, 1e-3));
    const at = plan * 3;
    // Past MEMORY observations the mean becomes an exponential average: a drifting workload moves it.
    const n = Math.min(sums[at]! + 1, MEMORY);
    if (n === MEMORY) sums[at + 2] = sums[at + 2]! * ((MEMORY - 2) / (MEMORY - 1));
    const delta = x - sums[at + 1]!;
    sums[at] = n;
    sums[at + 1] = sums[at + 1]! + delta / n;
    sums[at + 2] = sums[at + 2]! + delta * (x - sums[at + 1]!);
  }

  /**
   * The forest's predictions updated with the shape's measurements. `out` is filled and returned, so the query path
   * allocates nothing; a plan the forest does not know stays unknown until the forest learns it.
   */
  refine(shape: number, prior: readonly (PlanPrediction | null)[], out: (PlanPrediction | null)[]): (PlanPrediction | null)[] {
    const sums = this.lookup(shape);
    for (let i = 0; i < PLANS; i++) {
      const p = prior[i] ?? null;
      const n = sums ? sums[i * 3]! : 0;
      if (!p || n === 0) {
        out[i] = p;
        continue;
      }
      const mean = sums![i * 3 + 1]!;
      const noise = n > 1 ? Math.max(NOISE_FLOOR, Math.sqrt(sums![i * 3 + 2]! / (n - 1))) : Math.max(NOISE_FLOOR, p.spread);
      const weight = PRIOR_WEIGHT + n;
      // The pooled spread of prior and measurements, narrowed by how much evidence there is beyond the prior:
      // at n = 0 it is the forest's spread, and it falls as 1/√n once the shape's own measurements dominate.
      const pooled = Math.sqrt((PRIOR_WEIGHT * p.spread * p.spread + n * noise * noise) / weight);
      out[i] = { mean: (PRIOR_WEIGHT * p.mean + n * mean) / weight, spread: pooled * Math.sqrt(PRIOR_WEIGHT / weight) };
    }
    return out;
  }

  clear(): void {
    this.shapes.clear();
    this.lastShape = -1;
    this.lastSums = undefined;
  }

  /** The shape's sums, from the memo when it is the shape looked up last (recency was refreshed then). */
  private lookup(shape: number): Sums | undefined {
    if (shape !== this.lastShape) {
      this.lastSums = this.shapes.get(shape);
      this.lastShape = shape;
    }
    return this.lastSums;
  }
}
