import type { PoolInterval } from '../../main/contract/pool.ts';
import type { TelemetrySnapshot } from '../../main/contract/telemetry.ts';
import { bucketize, bucketSecondsFor, maxOf, meanOf } from './telemetry-series.ts';

/** One point of the pool charts; null is "not measured in that second" (a gap, not a zero). */
export interface PoolPoint {
  at: number;
  /** p99 wait for a connection per lane, in ms (null when that lane acquired nothing). */
  waitHigh: number | null;
  waitNormal: number | null;
  waitLow: number | null;
  active: number | null;
  idle: number | null;
  waiting: number | null;
  max: number | null;
  /** Percent; see the contract's PoolInterval.efficiency. */
  efficiency: number | null;
  busy: number | null;
}

const p99 = (latency: PoolInterval['usage']): number | null => (latency.count > 0 ? latency.p99 : null);

export function poolPointFromSnapshot(at: number, pool: PoolInterval | null): PoolPoint {
  if (!pool)
    return {
      at,
      waitHigh: null,
      waitNormal: null,
      waitLow: null,
      active: null,
      idle: null,
      waiting: null,
      max: null,
      efficiency: null,
      busy: null,
    };
  const waiting = pool.waitingByLane;
  return {
    at,
    waitHigh: p99(pool.acquireWaitByLane.high),
    waitNormal: p99(pool.acquireWaitByLane.normal),
    waitLow: p99(pool.acquireWaitByLane.low),
    active: pool.connections.active,
    idle: pool.connections.idle,
    waiting: waiting.high + waiting.normal + waiting.low,
    max: pool.max,
    efficiency: pool.efficiency === null ? null : pool.efficiency * 100,
    busy: pool.busyShare * 100,
  };
}

/**
 * The pool chart series of one window. Waits keep the bucket's worst p99 (an average would hide a stall);
 * counts and shares are averaged.
 */
export function buildPoolSeries(snapshots: readonly TelemetrySnapshot[], windowSeconds: number): PoolPoint[] {
  const newest = snapshots[snapshots.length - 1];
  if (!newest) return [];
  const from = newest.at - windowSeconds * 1000;
  const points = snapshots.filter((s) => s.at > from).map((s) => poolPointFromSnapshot(s.at, s.pool));
  return bucketize(points, bucketSecondsFor(windowSeconds), (bucket) => {
    const pick = (key: Exclude<keyof PoolPoint, 'at'>) => bucket.map((p) => p[key]);
    return {
      waitHigh: maxOf(pick('waitHigh')),
      waitNormal: maxOf(pick('waitNormal')),
      waitLow: maxOf(pick('waitLow')),
      active: meanOf(pick('active')),
      idle: meanOf(pick('idle')),
      waiting: meanOf(pick('waiting')),
      max: maxOf(pick('max')),
      efficiency: meanOf(pick('efficiency')),
      busy: meanOf(pick('busy')),
    };
  });
}
