import { describe, expect, it } from 'vitest';
import type { L1Stats } from '../../../main/cache/l1/l1-cache.ts';
import type { TieredStats } from '../../../main/cache/tiered/tiered-stats.ts';
import { cacheInterval } from '../../../main/cache/cache-interval.ts';

function l1Store(overrides: Partial<L1Stats> = {}): L1Stats {
  return {
    hits: 0,
    misses: 0,
    hitRate: 0,
    evictions: 0,
    expirations: 0,
    entries: 0,
    bytes: 0,
    maxBytes: 1000,
    windowBytes: 10,
    ...overrides,
  };
}

function stats(overrides: Partial<TieredStats> = {}): TieredStats {
  return {
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
    ...overrides,
  };
}

describe('cacheInterval', () => {
  it('turns cumulative counters into the deltas of one interval, with sizes at its end', () => {
    const before = stats({
      hits: 10,
      misses: 5,
      loads: 5,
      tiers: {
        l1: { hits: 8, stale: 0, misses: 7, hitRate: 0, store: l1Store({ evictions: 3, bytes: 500, entries: 5 }) },
        l2: { hits: 2, stale: 0, misses: 5, hitRate: 0, store: { errors: 1, shortCircuited: 0 } },
      },
    });
    const now = stats({
      hits: 40,
      staleHits: 5,
      misses: 15,
      loads: 14,
      loadErrors: 1,
      tiers: {
        l1: { hits: 38, stale: 1, misses: 16, hitRate: 0, store: l1Store({ evictions: 10, bytes: 900, entries: 9 }) },
        l2: { hits: 4, stale: 0, misses: 13, hitRate: 0, store: { errors: 3, shortCircuited: 4 } },
      },
    });
    expect(cacheInterval(before, now)).toEqual({
      requests: 45,
      hits: 35,
      hitRate: 35 / 45,
      loads: 9,
      loadErrors: 1,
      l1MaxBytes: 1000,
      tiers: {
        l1: { hits: 30, misses: 10, hitRate: 0.75, bytes: 900, entries: 9, evictions: 7, errors: 0 },
        l2: { hits: 2, misses: 8, hitRate: 0.2, bytes: null, entries: null, evictions: null, errors: 6 },
        l3: null,
      },
    });
  });

  it('has null hit rates when nothing was asked, and counts from zero for the first interval', () => {
    const first = cacheInterval(null, stats({ tiers: { l1: { hits: 0, stale: 0, misses: 0, hitRate: 0, store: l1Store() } } }));
    expect(first.hitRate).toBeNull();
    expect(first.tiers.l1?.hitRate).toBeNull();
    expect(cacheInterval(null, stats({ hits: 3, misses: 1 }))).toMatchObject({ requests: 4, hits: 3, hitRate: 0.75 });
  });
});
