/**
 * What every tier stores for a key: the value plus when it stops being fresh and when it may no longer
 * be served even stale. Keeping the times inside the entry (not only in each tier's TTL) lets a value
 * promoted from L3 to L1 keep its original deadline, and lets stale-while-revalidate / stale-if-error
 * find a stale value in any tier. Times are epoch ms, so instances sharing Redis agree on them as far
 * as their clocks agree.
 */
export interface CacheEntry {
  /** The cached value (never undefined: undefined is the miss). */
  v: unknown;
  /** Fresh until this instant. */
  f: number;
  /** Physically kept (servable as stale) until this instant; ≥ f. */
  s: number;
  /** Encoded size of the entry in bytes when written: placement and L1 accounting without re-encoding. */
  n: number;
}

export function isEntry(candidate: unknown): candidate is CacheEntry {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const entry = candidate as Partial<CacheEntry>;
  return (
    entry.v !== undefined && typeof entry.f === 'number' && typeof entry.s === 'number' && typeof entry.n === 'number' && entry.s >= entry.f
  );
}

export function isFresh(entry: CacheEntry, now: number): boolean {
  return now < entry.f;
}

/** Milliseconds a tier must keep the entry from now; ≤ 0 means it is already gone. */
export function remainingLife(entry: CacheEntry, now: number): number {
  return entry.s - now;
}
