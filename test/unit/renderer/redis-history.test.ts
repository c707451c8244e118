import { describe, expect, it } from 'vitest';
import type { RedisOverview } from '../../../main/contract/database.ts';
import { appendRedisPoint, type RedisHistory } from '../../../renderer/state/redis-history.ts';

const overview = (figures: { hits: number; misses: number; evictedKeys: number; usedMemoryBytes?: number }): RedisOverview => ({
  available: true,
  reason: null,
  server: {
    displayUrl: 'redis://cache:6379',
    version: '7.2.4',
    uptimeSeconds: 60,
    usedMemoryBytes: figures.usedMemoryBytes ?? 64 * 1024 * 1024,
    peakMemoryBytes: 0,
    maxMemoryBytes: 0,
    evictionPolicy: 'noeviction',
    fragmentationRatio: null,
    hitRatio: null,
    hits: figures.hits,
    misses: figures.misses,
    evictedKeys: figures.evictedKeys,
    expiredKeys: 0,
    connectedClients: 1,
    opsPerSecond: 250,
    keys: 10,
  },
  slowlog: { entries: [], error: null },
  bigKeys: { keys: [], scanned: 0, complete: true, error: null },
});

describe('Redis figures over time', () => {
  it('charts the hit ratio and evictions between reads, not since the server started', () => {
    let history: RedisHistory = [];
    history = appendRedisPoint(history, overview({ hits: 9000, misses: 1000, evictedKeys: 40 }), 0);
    history = appendRedisPoint(
      history,
      overview({ hits: 9300, misses: 1700, evictedKeys: 70, usedMemoryBytes: 128 * 1024 * 1024 }),
      30_000,
    );
    expect(history[0]).toMatchObject({ hitPercent: null, evictionsPerMinute: null, usedMemoryMiB: 64 });
    // 300 hits of 1,000 lookups in the 30 s between reads (INFO's own ratio still reads 84%), 30 evictions.
    expect(history[1]).toMatchObject({ at: 30_000, usedMemoryMiB: 128, opsPerSecond: 250, hitPercent: 30, evictionsPerMinute: 60 });
  });

  it('has no ratio across a restart (the counters went back) or without lookups, and keeps only the newest points', () => {
    let history: RedisHistory = appendRedisPoint([], overview({ hits: 500, misses: 500, evictedKeys: 5 }), 0);
    history = appendRedisPoint(history, overview({ hits: 10, misses: 2, evictedKeys: 0 }), 30_000);
    expect(history[1]).toMatchObject({ hitPercent: null, evictionsPerMinute: null });
    history = appendRedisPoint(history, overview({ hits: 10, misses: 2, evictedKeys: 0 }), 60_000);
    expect(history[2]).toMatchObject({ hitPercent: null, evictionsPerMinute: 0 });
    const bounded = [90_000, 120_000, 150_000].reduce(
      (h, at) => appendRedisPoint(h, overview({ hits: 10, misses: 2, evictedKeys: 0 }), at, 4),
      history,
    );
    expect(bounded.map((p) => p.at)).toEqual([60_000, 90_000, 120_000, 150_000]);
  });

  it('adds nothing for a read without figures', () => {
    const unavailable: RedisOverview = {
      ...overview({ hits: 0, misses: 0, evictedKeys: 0 }),
      available: false,
      reason: 'no Redis',
      server: null,
    };
    expect(appendRedisPoint([], unavailable, 0)).toEqual([]);
  });
});
