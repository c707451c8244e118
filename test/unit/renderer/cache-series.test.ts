import { describe, expect, it } from 'vitest';
import { buildCacheSeries, cachePointFromSnapshot } from '../../../renderer/state/cache-series.ts';
import { cacheInterval, idleSnapshot, snapshot } from './fixtures.ts';

describe('cache chart series', () => {
  it('turns a cache interval into percentages, MiB and per-second counts; no cache is a gap, not zeros', () => {
    expect(cachePointFromSnapshot(5000, cacheInterval(0.9))).toEqual({
      at: 5000,
      overall: 90,
      l1: 90,
      l2: 0,
      l3: null,
      l1MiB: 40,
      budgetMiB: 128,
      l1Entries: 30,
      evictions: 5,
      loads: 10,
    });
    expect(cachePointFromSnapshot(5000, null)).toMatchObject({ overall: null, l1: null, l1MiB: null, evictions: null });
  });

  it('keeps the window and averages long windows into buckets', () => {
    const snapshots = Array.from({ length: 600 }, (_, i) => snapshot(i + 1, 3, {}, cacheInterval(i % 2 === 0 ? 0.8 : 1)));
    snapshots.push(idleSnapshot(601));
    const minute = buildCacheSeries(snapshots, 60);
    expect(minute).toHaveLength(60);
    expect(minute[0]!.at).toBe(542_000);
    const tenMinutes = buildCacheSeries(snapshots, 600);
    expect(tenMinutes.length).toBeLessThanOrEqual(180);
    expect(tenMinutes[1]!.overall).toBeCloseTo(90, 5);
  });
});
