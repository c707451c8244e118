import type { CacheInterval, CacheTierInterval } from '../contract/cache.ts';
import type { L1Stats } from './l1/l1-cache.ts';
import type { TieredStats } from './tiered/tiered-stats.ts';

/** What a store's own stats may carry; each tier reports a different subset. */
interface StoreCounters {
  errors?: number;
  shortCircuited?: number;
}

const ZERO: TieredStats = {
  hits: 0,
  staleHits: 0,
  misses: 0,
  hitRate: 0,
  loads: 0,
  loadErrors: 0,
  singleFlightJoined: 0,
  backgroundRefreshes: 0,
  staleIfErrorServed: 0,
  busInvalidationsApplied: 0,
  tiers: {},
};

const delta = (now: number, before: number | undefined): number => Math.max(0, now - (before ?? 0));

function storeErrors(store: unknown): number {
  const counters = (store ?? {}) as StoreCounters;
  return (counters.errors ?? 0) + (counters.shortCircuited ?? 0);
}

/**
 * One telemetry interval of the cache from two cumulative statistics snapshots: counts become deltas,
 * sizes are taken at the end. `previous` null means "since the cache was created".
 */
export function cacheInterval(previous: TieredStats | null, now: TieredStats): CacheInterval {
  const before = previous ?? ZERO;
  const hits = delta(now.hits + now.staleHits, before.hits + before.staleHits);
  const requests = hits + delta(now.misses, before.misses);
  const l1Store = now.tiers.l1?.store as L1Stats | undefined;
  return {
    requests,
    hits,
    hitRate: requests === 0 ? null : hits / requests,
    loads: delta(now.loads, before.loads),
    loadErrors: delta(now.loadErrors, before.loadErrors),
    l1MaxBytes: l1Store?.maxBytes ?? null,
    tiers: {
      l1: tierInterval('l1', before, now),
      l2: tierInterval('l2', before, now),
      l3: tierInterval('l3', before, now),
    },
  };
}

function tierInterval(tier: 'l1' | 'l2' | 'l3', before: TieredStats, now: TieredStats): CacheTierInterval | null {
  const current = now.tiers[tier];
  if (!current) return null;
  const previous = before.tiers[tier];
  const hits = delta(current.hits, previous?.hits);
  const misses = delta(current.misses + current.stale, (previous?.misses ?? 0) + (previous?.stale ?? 0));
  const l1 = tier === 'l1' ? (current.store as L1Stats) : undefined;
  const previousL1 = tier === 'l1' ? (previous?.store as L1Stats | undefined) : undefined;
  return {
    hits,
    misses,
    hitRate: hits + misses === 0 ? null : hits / (hits + misses),
    bytes: l1 ? l1.bytes : null,
    entries: l1 ? l1.entries : null,
    evictions: l1 ? delta(l1.evictions, previousL1?.evictions) : null,
    errors: delta(storeErrors(current.store), storeErrors(previous?.store)),
  };
}
