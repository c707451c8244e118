/**
 * The plan cache: query shape → the current model's per-plan predictions. Queries of one shape (bucketed
 * features, see query-features.ts) get the same predictions, so the forests are walked once per shape and model
 * rather than per query. Thompson sampling still draws per query from the cached {mean, spread}, so caching does
 * not freeze exploration. Entries belong to one model: the selector clears the cache whenever the model changes.
 */

import { LRUCache } from 'lru-cache';
import type { PlanPrediction } from './latency-model.ts';

/** Per plan, in PLAN_NAMES order; null for a plan the model does not know. */
export type PlanPredictions = readonly (PlanPrediction | null)[];

export const PLAN_CACHE_CAPACITY = 10_000;

export interface PlanCacheStats {
  entries: number;
  capacity: number;
  hits: number;
  misses: number;
}

export class PlanCache {
  private readonly lru: LRUCache<string, PlanPredictions>;
  private hits = 0;
  private misses = 0;

  constructor(readonly capacity = PLAN_CACHE_CAPACITY) {
    this.lru = new LRUCache<string, PlanPredictions>({ max: capacity });
  }

  get(shape: string): PlanPredictions | undefined {
    const found = this.lru.get(shape);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }

  set(shape: string, predictions: PlanPredictions): void {
    this.lru.set(shape, predictions);
  }

  /** Drops every entry (the model changed); the hit and miss counts keep running. */
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
