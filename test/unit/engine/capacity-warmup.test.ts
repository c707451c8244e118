import { describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { cacheWarmth, WARMUP_RISE, WARMUP_WINDOW_SECONDS } from '../../../main/engine/capacity-warmup.ts';

/** One second's snapshot with `requests` cached reads of which `hits` hit (no cache section when requests is null). */
function second(at: number, requests: number | null, hits = 0): TelemetrySnapshot {
  const cache =
    requests === null
      ? null
      : {
          requests,
          hits,
          hitRate: requests === 0 ? null : hits / requests,
          loads: 0,
          loadErrors: 0,
          l1MaxBytes: null,
          tiers: { l1: null, l2: null, l3: null },
        };
  return { at, workload: null, cache, pool: null, memory: null };
}

/** `count` seconds from `from`, each with 1,000 cached reads and the hit rate `hitRate(i)`. */
function seconds(from: number, count: number, hitRate: (i: number) => number): TelemetrySnapshot[] {
  return Array.from({ length: count }, (_, i) => second(from + i, 1000, Math.round(1000 * hitRate(i))));
}

describe('cacheWarmth', () => {
  it('is warming until two windows of seconds have passed since the warm-up began', () => {
    const early = seconds(1, 2 * WARMUP_WINDOW_SECONDS - 1, () => 0.9);
    expect(cacheWarmth(early, 0)).toMatchObject({ state: 'warming', hitRate: 0.9, rise: null });
  });

  it('is warming while the last window rose by a point or more over the one before, steady below that', () => {
    const w = WARMUP_WINDOW_SECONDS;
    const rising = [...seconds(1, w, () => 0.7), ...seconds(1 + w, w, () => 0.7 + WARMUP_RISE + 0.01)];
    expect(cacheWarmth(rising, 0)).toMatchObject({ state: 'warming', hitRate: 0.72, rise: expect.closeTo(0.02, 6) });
    const flat = [...seconds(1, w, () => 0.9), ...seconds(1 + w, w, () => 0.905)];
    expect(cacheWarmth(flat, 0)).toEqual({ state: 'steady', hitRate: 0.905 });
    // Falling is steady too: the cache will not get warmer by waiting.
    const falling = [...seconds(1, w, () => 0.9), ...seconds(1 + w, w, () => 0.85)];
    expect(cacheWarmth(falling, 0)).toEqual({ state: 'steady', hitRate: 0.85 });
  });

  it('counts only the seconds after sinceAt, and weighs each second by its reads', () => {
    const w = WARMUP_WINDOW_SECONDS;
    const before = seconds(1, 2 * w, () => 0.2);
    const after = [...seconds(1000, w, () => 0.9), ...seconds(1000 + w, w - 1, () => 0.9), second(1000 + 2 * w, 1000, 0)];
    const warmth = cacheWarmth([...before, ...after], 999);
    // The last window: w - 1 seconds of 1,000 reads at 90% and one of 1,000 reads at 0%.
    expect(warmth).toMatchObject({ state: 'steady', hitRate: expect.closeTo(((w - 1) * 900) / (w * 1000), 6) });
  });

  it('says no-cache when a window passed without one cached read', () => {
    const none = Array.from({ length: WARMUP_WINDOW_SECONDS }, (_, i) => second(i + 1, i % 2 === 0 ? null : 0));
    expect(cacheWarmth(none, 0)).toEqual({ state: 'no-cache' });
    expect(cacheWarmth(none.slice(1), 0)).toMatchObject({ state: 'warming', hitRate: null });
  });
});
