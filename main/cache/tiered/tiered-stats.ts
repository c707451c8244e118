import type { L1Stats } from '../l1/l1-cache.ts';
import type { TierName } from './placement.ts';

/** One tier as the tiered cache saw it: a stale find is neither a hit (not served as fresh) nor a miss. */
export interface TierCounters {
  hits: number;
  /** Found, but past its freshness (usable only for stale-while-revalidate or stale-if-error). */
  stale: number;
  misses: number;
  /** hits / (hits + stale + misses); 0 before any lookup reached this tier. */
  hitRate: number;
}

export interface TieredStats {
  /** Requests answered with a fresh value from some tier. */
  hits: number;
  /** Requests answered with a stale value (stale-while-revalidate or stale-if-error). */
  staleHits: number;
  /** Requests that found nothing servable (the loader ran, or `get` returned undefined). */
  misses: number;
  /** (hits + staleHits) / requests: the share the origin did not have to answer; 0 before any request. */
  hitRate: number;
  /** Loader calls, foreground and background. */
  loads: number;
  loadErrors: number;
  /** getOrLoad callers that shared a call already running for their key instead of starting one. */
  singleFlightJoined: number;
  backgroundRefreshes: number;
  /** Loader failures answered with a stale value. */
  staleIfErrorServed: number;
  /** Invalidations from other instances applied to this L1. */
  busInvalidationsApplied: number;
  /** Invalidation messages not sent because too many were already waiting on the bus (Redis slow or away). */
  busPublishesDropped?: number;
  tiers: Partial<Record<TierName, TierCounters & { store?: unknown }>> & { l1?: TierCounters & { store: L1Stats } };
}

export class TierCounter {
  hits = 0;
  stale = 0;
  misses = 0;

  snapshot(): TierCounters {
    const lookups = this.hits + this.stale + this.misses;
    return { hits: this.hits, stale: this.stale, misses: this.misses, hitRate: lookups === 0 ? 0 : this.hits / lookups };
  }
}

export class TieredCounters {
  hits = 0;
  staleHits = 0;
  misses = 0;
  loads = 0;
  loadErrors = 0;
  backgroundRefreshes = 0;
  staleIfErrorServed = 0;
  busInvalidationsApplied = 0;
  readonly tier: Record<TierName, TierCounter> = { l1: new TierCounter(), l2: new TierCounter(), l3: new TierCounter() };

  count(outcome: 'hit' | 'stale' | 'miss'): void {
    if (outcome === 'hit') this.hits += 1;
    else if (outcome === 'stale') this.staleHits += 1;
    else this.misses += 1;
  }

  overall(): Pick<
    TieredStats,
    | 'hits'
    | 'staleHits'
    | 'misses'
    | 'hitRate'
    | 'loads'
    | 'loadErrors'
    | 'backgroundRefreshes'
    | 'staleIfErrorServed'
    | 'busInvalidationsApplied'
  > {
    const requests = this.hits + this.staleHits + this.misses;
    return {
      hits: this.hits,
      staleHits: this.staleHits,
      misses: this.misses,
      hitRate: requests === 0 ? 0 : (this.hits + this.staleHits) / requests,
      loads: this.loads,
      loadErrors: this.loadErrors,
      backgroundRefreshes: this.backgroundRefreshes,
      staleIfErrorServed: this.staleIfErrorServed,
      busInvalidationsApplied: this.busInvalidationsApplied,
    };
  }
}
