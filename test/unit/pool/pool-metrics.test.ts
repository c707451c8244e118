import { describe, expect, it } from 'vitest';
import { PoolMetrics, UtilisationMeter } from '../../../main/pool/pool-metrics.ts';

describe('UtilisationMeter (efficiency)', () => {
  it('is null when no connection was held or wanted, and busyShare is the running share of open connection-time', () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 4, 0, 0); // 4 connections open, nobody uses them
    expect(meter.take(1000)).toEqual({ efficiency: null, busyShare: 0, saturatedMs: 0 });
  });

  it('passes queries run back to back on checked-out connections, however large the idle pool around them', () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 20, 0, 0); // 20 connections open, nobody waits
    for (let t = 0; t < 1000; t += 10) {
      meter.change(t, 0, 0, 0, 1); // checked out
      meter.change(t, 0, 1, 0); // the query runs at once
      meter.change(t + 9.5, 0, -1, 0); // and 0.5 ms pass before it is given back
      meter.change(t + 10, 0, 0, 0, -1);
    }
    const shares = meter.take(1000);
    expect(shares.efficiency).toBeCloseTo(0.95);
    expect(shares.efficiency!).toBeGreaterThan(0.9);
    expect(shares.busyShare).toBeCloseTo(950 / 20_000);
  });

  it('fails a caller that holds a connection between queries, although nobody waited', () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 2, 0, 0);
    meter.change(0, 0, 0, 0, 1); // held for the whole second
    meter.change(100, 0, 1, 0); // runs 200 ms of queries in it
    meter.change(300, 0, -1, 0);
    const shares = meter.take(1000);
    expect(shares.saturatedMs).toBe(0);
    expect(shares.efficiency).toBeCloseTo(200 / 1000);
  });

  it("counts the callers' wait for a connection, whatever kept them waiting", () => {
    const meter = new UtilisationMeter(0);
    meter.change(0, 2, 2, 0, 2); // 2 open, both checked out and running
    meter.change(100, 0, 0, 3); // 3 callers start waiting at 100 ms
    meter.change(200, 0, -1, 0); // one holder sits between queries from 200 to 250 ms
    meter.change(250, 0, 1, 0);
    meter.change(300, 1, 0, 0); // a third connection opening from 300 ms
    meter.change(400, 0, 1, -1, 1); // handed to a waiter at 400 ms, running at once
    meter.change(500, 0, 0, -2); // the other two give up at 500 ms
    meter.change(1000, 0, -3, 0, -3); // all three run until 1000 ms and are given back
    const shares = meter.take(1000);
    // Held: 2 × 1000 + 1 × 600 = 2600 ms; waited: 3 × 300 + 2 × 100 = 1100 ms; ran: 2600 - 50 = 2550 ms.
    expect(shares.saturatedMs).toBe(400);
    expect(shares.efficiency).toBeCloseTo(2550 / 3700);
    // A new interval starts empty.
    expect(meter.take(2000).saturatedMs).toBe(0);
  });

  it('fails a pool too small for its callers, and passes one that serves them at once', () => {
    const small = new UtilisationMeter(0);
    small.change(0, 4, 4, 4, 4); // 4 connections busy all second while 4 more callers queue for them
    expect(small.take(1000).efficiency).toBeCloseTo(4000 / 8000);
    const enough = new UtilisationMeter(0);
    enough.change(0, 10, 8, 0, 8); // 8 busy, 2 idle (say, reserved for the high lane), nobody waits
    expect(enough.take(1000).efficiency).toBe(1);
  });
});

describe('PoolMetrics', () => {
  it('reports acquire-wait percentiles per lane and usage, then starts a new interval', () => {
    const metrics = new PoolMetrics(0);
    for (let i = 1; i <= 100; i++) metrics.acquired('high', i / 10, 0); // 0.1 … 10 ms
    metrics.acquired('low', 50, 0);
    metrics.released(2, 0);
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
    for (let i = 1; i <= 10; i++) metrics.acquired('normal', i, 0);
    const first = metrics.take(1000, gauges);
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(10);
    expect(first.acquireWaitHistograms.normal.maxValue).toBeGreaterThanOrEqual(10_000);
    // Recording goes on into the other set: what was handed out still holds its interval.
    metrics.acquired('normal', 1, 1000);
    metrics.acquired('high', 1, 1000);
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(10);
    const second = metrics.take(2000, gauges);
    expect(second.acquireWaitHistograms.normal.totalCount).toBe(1);
    expect(second.acquireWaitHistograms.high.totalCount).toBe(1);
    // The first set is cleared then, and recorded into again: the two sets alternate, nothing is allocated.
    expect(first.acquireWaitHistograms.normal.totalCount).toBe(0);
    expect(metrics.take(3000, gauges).acquireWaitHistograms.normal).toBe(first.acquireWaitHistograms.normal);
  });
});
