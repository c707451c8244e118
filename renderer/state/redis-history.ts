import type { RedisOverview } from '../../main/contract/database.ts';

/** One Redis overview read, as the Database page charts it. */
export interface RedisHistoryPoint {
  at: number;
  usedMemoryMiB: number;
  opsPerSecond: number;
  /**
   * Hits over lookups between this read and the one before, as a percentage: INFO's own ratio counts since the
   * server started, so it barely moves. Null on the first read, with no lookup in between, or across a restart or
   * CONFIG RESETSTAT (the counters went back).
   */
  hitPercent: number | null;
  /** Keys evicted per minute between this read and the one before; null where hitPercent is. */
  evictionsPerMinute: number | null;
}

/** Half an hour of the overview's reads, every 30 s. */
export const REDIS_HISTORY_POINTS = 60;

interface Counters {
  at: number;
  hits: number;
  misses: number;
  evictedKeys: number;
}

/** The points with the counters each next point is computed from. */
export type RedisHistory = (RedisHistoryPoint & { counters: Counters })[];

/** The history with this read appended (oldest dropped past `max`); unchanged when the read had no figures. */
export function appendRedisPoint(history: RedisHistory, overview: RedisOverview, at: number, max = REDIS_HISTORY_POINTS): RedisHistory {
  const s = overview.server;
  if (!overview.available || !s) return [...history];
  const counters: Counters = { at, hits: s.hits, misses: s.misses, evictedKeys: s.evictedKeys };
  const before = history.at(-1)?.counters;
  const lookups = before ? counters.hits - before.hits + (counters.misses - before.misses) : -1;
  const evicted = before ? counters.evictedKeys - before.evictedKeys : -1;
  const minutes = before ? (at - before.at) / 60_000 : 0;
  const comparable =
    before !== undefined && counters.hits >= before.hits && counters.misses >= before.misses && evicted >= 0 && minutes > 0;
  const point = {
    at,
    usedMemoryMiB: s.usedMemoryBytes / (1024 * 1024),
    opsPerSecond: s.opsPerSecond,
    hitPercent: comparable && lookups > 0 ? (100 * (counters.hits - before.hits)) / lookups : null,
    evictionsPerMinute: comparable ? evicted / minutes : null,
    counters,
  };
  return [...history, point].slice(-max);
}
