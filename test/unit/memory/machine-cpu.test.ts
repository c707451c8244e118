import { describe, expect, it } from 'vitest';
import { cpuTimesNow, loadPercentBetween } from '../../../main/memory/machine-cpu.ts';

describe('machine CPU load from the cores’ counters', () => {
  it('is the share of time not idle between two readings, over all cores', () => {
    // Two cores for one second: 2,000 ms in all, 500 of them busy.
    expect(loadPercentBetween({ busyMs: 1_000, totalMs: 10_000 }, { busyMs: 1_500, totalMs: 12_000 })).toBe(25);
    expect(loadPercentBetween({ busyMs: 0, totalMs: 0 }, { busyMs: 2_000, totalMs: 2_000 })).toBe(100);
  });

  it('is null when no time passed or the counters went back (a reading across a reboot, a wrapped counter)', () => {
    expect(loadPercentBetween({ busyMs: 5, totalMs: 10 }, { busyMs: 5, totalMs: 10 })).toBeNull();
    expect(loadPercentBetween({ busyMs: 5, totalMs: 10 }, { busyMs: 4, totalMs: 20 })).toBeNull();
  });

  it('reads counters that only grow, and a load between 0 and 100 while this process spins', () => {
    const earlier = cpuTimesNow();
    const until = Date.now() + 60;
    while (Date.now() < until) Math.sqrt(Math.random());
    const later = cpuTimesNow();
    expect(later.totalMs).toBeGreaterThanOrEqual(earlier.totalMs);
    expect(later.busyMs).toBeGreaterThan(earlier.busyMs);
    const load = loadPercentBetween(earlier, later);
    expect(load).toBeGreaterThan(0);
    expect(load).toBeLessThanOrEqual(100);
  });
});
