import type { TelemetrySnapshot } from '../contract/telemetry.ts';

/**
 * When a capacity search may start judging: once the cache has warmed.
 *
 * A cache's hit rate depends on how many reads it has seen, not on the rate asked: a search started on a cold cache
 * (a fresh `bench capacity --local`, whose Redis keeps nothing across starts) fails its first step on the hit rate
 * while the cache is still filling, and says nothing about the rate the stack can hold. So before the first step the
 * workload runs at the start rate until the hit rate stops rising: the hit rate of the last WINDOW_SECONDS is less
 * than RISE_POINTS above the WINDOW_SECONDS before. A workload that reads nothing through the cache has nothing to
 * warm. After `warmupMaxSeconds` (CAPACITY_DEFAULTS) the search judges whatever the cache has reached, as it does once
 * the hit rate is steady: a cache whose steady hit rate is below the goal still fails.
 */

/** Seconds of each of the two windows compared: a minute, the judge's shortest window. */
export const WARMUP_WINDOW_SECONDS = 60;

/**
 * A rise below one point of hit rate per minute counts as steady. At 1,000 req/s the demo's Zipf-popular reads rose
 * from 64% to 81% in the first five minutes, still 2 points a minute at the end (a first try with 30 s windows called
 * that steady); README, "demo cache, minute by minute", has the whole curve.
 */
export const WARMUP_RISE = 0.01;

export type CacheWarmth =
  /** No cached read since the warm-up began: nothing to warm (or not yet known). */
  | { state: 'no-cache' }
  /** Not two full windows of seconds yet, or still rising. */
  | { state: 'warming'; hitRate: number | null; rise: number | null }
  | { state: 'steady'; hitRate: number };

/** Hits over requests of the cached reads in `snapshots`; null without any. */
function hitRateOf(snapshots: readonly TelemetrySnapshot[]): number | null {
  let requests = 0;
  let hits = 0;
  for (const snapshot of snapshots) {
    requests += snapshot.cache?.requests ?? 0;
    hits += snapshot.cache?.hits ?? 0;
  }
  return requests === 0 ? null : hits / requests;
}

/**
 * The cache's warmth from the snapshots after `sinceAt` (oldest first, one a second), comparing the newest
 * WARMUP_WINDOW_SECONDS with the ones before them.
 */
export function cacheWarmth(snapshots: readonly TelemetrySnapshot[], sinceAt: number): CacheWarmth {
  const seconds = snapshots.filter((s) => s.at > sinceAt);
  if (seconds.length < 2 * WARMUP_WINDOW_SECONDS) {
    const hitRate = hitRateOf(seconds);
    // Two windows in and still not one cached read: the workload does not use the cache.
    return hitRate === null && seconds.length >= WARMUP_WINDOW_SECONDS ? { state: 'no-cache' } : { state: 'warming', hitRate, rise: null };
  }
  const last = hitRateOf(seconds.slice(-WARMUP_WINDOW_SECONDS));
  const before = hitRateOf(seconds.slice(-2 * WARMUP_WINDOW_SECONDS, -WARMUP_WINDOW_SECONDS));
  if (last === null && before === null) return { state: 'no-cache' };
  if (last === null || before === null) return { state: 'warming', hitRate: last ?? before, rise: null };
  const rise = last - before;
  return rise < WARMUP_RISE ? { state: 'steady', hitRate: last } : { state: 'warming', hitRate: last, rise };
}
