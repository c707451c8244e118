/**
 * The plan cache: query shape → the current model's per-plan predictions. Queries of one shape (bucketed
 * features, see query-shape.ts) get the same predictions, so the forests are walked once per shape and model
 * rather than per query. Thompson sampling still draws per query from the cached {mean, spread}, so caching does
 * not freeze exploration. Entries belong to one model: when the model changes, `repredict` re-walks the new
 * forests for the shapes used most recently (between requests, when the model is swapped in: a few ms) and drops the rest.
 */

import { LRUCache } from 'lru-cache';
import type { PlanPrediction } from './latency-model.ts';

/** Per plan, in PLAN_NAMES order; null for a plan the model does not know. */
export type PlanPredictions = readonly (PlanPrediction | null)[];

export const PLAN_CACHE_CAPACITY = 10_000;
/**
 * Shapes re-predicted when the model changes, most recently used first: a few ms of tree walks at most, so the
 * event loop is not held up, and it covers the shapes that recur (a rarer one is predicted on its next query).
 */
export const REPREDICT_LIMIT = 1_000;

export interface PlanCacheStats {
  entries: number;
  capacity: number;
  hits: number;
  misses: number;
}

interface Entry {
  predictions: PlanPredictions;
  /** The feature vector the predictions were made from: what a new model re-predicts the shape with. */
  x: ArrayLike<number>;
}

export class PlanCache {
  private readonly lru: LRUCache<number, Entry>;
  private hits = 0;
  private misses = 0;

  constructor(readonly capacity = PLAN_CACHE_CAPACITY) {
    this.lru = new LRUCache<number, Entry>({ max: capacity });
  }

  get(shape: number): PlanPredictions | undefined {
    const found = this.lru.get(shape);
    if (found) this.hits++;
    else this.misses++;
    return found?.predictions;
  }

  /** `x`: the feature vector `predictions` came from (kept, not copied). */
  set(shape: number, predictions: PlanPredictions, x: ArrayLike<number> = []): void {
    this.lru.set(shape, { predictions, x });
  }

  /**
   * The model changed: the `limit` most recently used shapes get `predict(x)` (the new model's predictions), in
   * their old recency order; every other entry is dropped. The hit and miss counts keep running.
   */
  repredict(predict: (x: ArrayLike<number>) => PlanPredictions, limit = REPREDICT_LIMIT): void {
    const kept: [number, Entry][] = [];
    for (const [shape, entry] of this.lru.entries()) {
      if (kept.length >= limit) break;
      if (entry.x.length > 0) kept.push([shape, { predictions: predict(entry.x), x: entry.x }]);
    }
    this.lru.clear();
    // Oldest first, so the most recently used ends up most recent again.
    for (let i = kept.length - 1; i >= 0; i--) this.lru.set(kept[i]![0], kept[i]![1]);
  }

  /** Drops every entry; the hit and miss counts keep running. */
  clear(): void {
    this.lru.clear();
  }

  /** Drops entries and counts (the selector was reset). */
  reset(): void {
    this.lru.clear();
    this.hits = 0;
    this.misses = 0;
  }

  stats(): PlanCacheStats {
    return { entries: this.lru.size, capacity: this.capacity, hits: this.hits, misses: this.misses };
  }
}
