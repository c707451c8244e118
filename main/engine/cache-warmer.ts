import type { CacheWarmResult } from '../contract/cache.ts';
import type { HotKey, TieredCache } from '../cache/index.ts';
import type { CachedQueryRecipe } from './cached-query-recipes.ts';

export interface WarmProgress {
  done: number;
  total: number;
  loaded: number;
}

export interface WarmOptions {
  cache: TieredCache;
  keys: readonly HotKey<CachedQueryRecipe>[];
  load(recipe: CachedQueryRecipe): Promise<unknown[]>;
  /**
   * Loads in flight at once. Small on purpose: warming is background work, and a burst of thousands of
   * concurrent loads would crowd out live traffic (and Redis' command timeout measures our event loop too).
   */
  concurrency?: number;
  signal?: AbortSignal;
  /** Low-priority work waits here while the memory manager has paused it (aggressive pressure). */
  gate?: { whenRunning(): Promise<void> };
  onProgress?(progress: WarmProgress): void;
  clock?: () => number;
}

/** Progress is reported at most this often, plus once at the end. */
const PROGRESS_EVERY_MS = 250;

/**
 * Loads the given hot keys that no tier holds, hottest first, a few at a time. A failed load is counted
 * and skipped (warming is best effort); an abort stops taking new keys and returns what was done.
 */
export async function warmCache(options: WarmOptions): Promise<CacheWarmResult> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const total = options.keys.length;
  const result = { keys: total, loaded: 0, alreadyCached: 0, failed: 0 };
  let next = 0;
  let done = 0;
  let lastReport = 0;
  const report = (force: boolean): void => {
    const now = clock();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    options.onProgress?.({ done, total, loaded: result.loaded });
  };
  const worker = async (): Promise<void> => {
    while (next < total && !options.signal?.aborted) {
      await options.gate?.whenRunning();
      if (next >= total || options.signal?.aborted) break;
      const { key, recipe } = options.keys[next++]!;
      try {
        const outcome = await options.cache.warm(key, () => options.load(recipe), { ttlMs: recipe.ttlMs });
        if (outcome === 'loaded') result.loaded += 1;
        else result.alreadyCached += 1;
      } catch {
        result.failed += 1;
      }
      done += 1;
      report(false);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, total));
  await Promise.all(Array.from({ length: workers }, worker));
  report(true);
  return { ...result, elapsedMs: clock() - started };
}
