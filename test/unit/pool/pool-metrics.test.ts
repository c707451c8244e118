import { describe, expect, it } from 'vitest';
import { PoolMetrics, UtilisationMeter } from '../../../main/pool/pool-metrics.ts';

describe('UtilisationMeter (efficiency)', () => {
  it('is null when no caller waited, and busyShare is the running share of open connection-time', () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 4, 0, 0); // 4 connections open
    meter.change(100, 0, 1, 0); // one query from 100 to 300 ms
    meter.change(300, 0, -1, 0);
    const shares = meter.take(1000);
    expect(shares.efficiency).toBeNull();
    expect(shares.busyShare).toBeCloseTo(200 / 4000);
    expect(shares.saturatedMs).toBe(0);
  });

  it('counts only the time callers wait: idle or opening connections then are lost capacity', () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 2, 2, 0); // 2 open, both running
    meter.change(100, 0, 0, 3); // 3 callers start waiting at 100 ms
    meter.change(200, 0, -1, 0); // one connection sits between queries from 200 to 250 ms
    meter.change(250, 0, 1, -1);
    meter.change(300, 1, 0, 0); // a third connection opening from 300 ms (counts as open, not running)
    meter.change(400, 0, 1, -1); // it runs from 400 ms
    meter.change(500, 0, 0, -1); // nobody waits after 500 ms
    const shares = meter.take(1000);
    // Saturated from 100 to 500 ms: open 2×200 + 3×200 = 1000 connection-ms; running 2×100 + 1×50 + 2×50 + 2×100 + 3×100 = 850.
    expect(shares.saturatedMs).toBe(400);
    expect(shares.efficiency).toBeCloseTo(850 / 1000);
    // A new interval starts empty.
    expect(meter.take(2000).saturatedMs).toBe(0);
  });
});

describe('PoolMetrics', () => {
  it('reports acquire-wait percentiles per lane and usage, then starts a new interval', () => {
    const metrics = new PoolMetrics(0);
    for (let i = 1; i <= 100; i++) metrics.acquired('high', i / 10); // 0.1 … 10 ms
    metrics.acquired('low', 50);
    metrics.released(2);
    metrics.counters.timeouts.low += 1;
    const gauges = {
      connections: { total: 2, idle: 1, active: 1, opening: 0, activeByLane: { high: 1, normal: 0, low: 0 } },
      waiting: { high: 0, normal: 0, low: 0 },
      limit: 2,
    };
    const snap = metrics.take(1000, gauges);
    expect(snap.intervalMs).toBe(1000);
    expect(snap.acquireWaitUs.high.count).toBe(100);
    expect(snap.acquireWaitUs.high.p50Us).toBeGreaterThanOrEqual(4990);
    expect(snap.acquireWaitUs.high.p50Us).toBeLessThanOrEqual(5010);
    expect(snap.acquireWaitUs.high.p99Us).toBeGreaterThanOrEqual(9900);
    expect(snap.acquireWaitUs.low.p50Us).toBeGreaterThanOrEqual(49_900);
    expect(snap.acquireWaitUs.normal.count).toBe(0);
    expect(snap.usageUs.count).toBe(1);
    expect(snap.counters.acquires).toEqual({ high: 100, normal: 0, low: 1 });
    expect(snap.counters.timeouts.low).toBe(1);
    const next = metrics.take(2000, gauges);
    expect(next.acquireWaitUs.high.count).toBe(0);
    expect(next.counters.acquires.high).toBe(0);
  });

  it("hands out the interval's acquire-wait histograms as recorded, untouched until the next snapshot", () => {
    const metrics = new PoolMetrics(0);
    const gauges = {
      connections: { total: 1, idle: 1, active: 0, opening: 0, activeByLane: { high: 0, normal: 0, low: 0 } },
      waiting: { high: 0, normal: 0, low: 0 },
      limit: 1,
    };
    for (let i = 1; i <= 10; i++) metrics.acquired('normal', i);
    const first = metrics.take(1000, gauges);
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(10);
    expect(first.acquireWaitHistograms.normal.maxValue).toBeGreaterThanOrEqual(10_000);
    // Recording goes on into the other set: what was handed out still holds its interval.
    metrics.acquired('normal', 1);
    metrics.acquired('high', 1);
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(10);
    const second = metrics.take(2000, gauges);
    expect(second.acquireWaitHistograms.normal.totalCount).toBe(1);
    expect(second.acquireWaitHistograms.high.totalCount).toBe(1);
    // The first set is cleared then, and recorded into again: the two sets alternate, nothing is allocated.
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(0);
    expect(metrics.take(3000, gauges).acquireWaitHistograms.normal).toBe(first.acquireWaitHistograms.normal);
  });
});
