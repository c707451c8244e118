import type { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram, recordMicros } from '../util/latency-histogram.ts';
import { LANES, zeroCounts, type Lane, type LaneCounts } from './lanes.ts';

/**
 * The pool's metrics (HikariCP's set: acquire time, usage time, timeouts, total/idle/active/pending, plus
 * lanes and efficiency). Histograms and counters cover the interval since the previous snapshot; the engine
 * takes one per second.
 *
 * **Efficiency**: of the connection-time during which callers were waiting for a connection, the share spent
 * running queries. While nobody waits, idle connections cost nothing and the figure is `null`; while callers
 * wait, every connection that is opening, idle (held back for another lane), held by a caller between queries,
 * or being checked is capacity the waiting callers could have used. `busyShare` is the same share over the
 * whole interval, waiting or not.
 */
export class UtilisationMeter {
  private last: number;
  private open = 0;
  private running = 0;
  private waiting = 0;
  private openMs = 0;
  private runningMs = 0;
  private saturatedMs = 0;
  private saturatedOpenMs = 0;
  private saturatedRunningMs = 0;

  constructor(now: number) {
    this.last = now;
  }

  /** Records that the counts change by these amounts at `now` (connections open or opening, queries running, callers waiting). */
  change(now: number, open: number, running: number, waiting: number): void {
    this.advance(now);
    this.open += open;
    this.running += running;
    this.waiting += waiting;
  }

  private advance(now: number): void {
    const dt = now - this.last;
    if (dt <= 0) return;
    this.last = now;
    this.openMs += dt * this.open;
    this.runningMs += dt * this.running;
    if (this.waiting > 0) {
      this.saturatedMs += dt;
      this.saturatedOpenMs += dt * this.open;
      this.saturatedRunningMs += dt * this.running;
    }
  }

  /** The shares since the previous call, then starts a new interval. */
  take(now: number): { efficiency: number | null; busyShare: number; saturatedMs: number } {
    this.advance(now);
    const result = {
      efficiency: this.saturatedOpenMs > 0 ? Math.min(1, this.saturatedRunningMs / this.saturatedOpenMs) : null,
      busyShare: this.openMs > 0 ? Math.min(1, this.runningMs / this.openMs) : 0,
      saturatedMs: this.saturatedMs,
    };
    this.openMs = this.runningMs = this.saturatedMs = this.saturatedOpenMs = this.saturatedRunningMs = 0;
    return result;
  }
}

export interface LatencyFigures {
  count: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
}

export function figures(histogram: Histogram): LatencyFigures {
  if (histogram.totalCount === 0) return { count: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 };
  return {
    count: histogram.totalCount,
    p50Us: histogram.getValueAtPercentile(50),
    p95Us: histogram.getValueAtPercentile(95),
    p99Us: histogram.getValueAtPercentile(99),
    maxUs: histogram.maxValue,
  };
}

export interface PoolCounters {
  acquires: LaneCounts;
  timeouts: LaneCounts;
  cancellations: number;
  /** Queries that failed (server errors and broken connections). */
  errors: number;
  /** Connections found broken (by an error, a failed check or the server closing them). */
  brokenConnections: number;
  connectFailures: number;
  created: number;
  closed: number;
  leaks: number;
}

function zeroCounters(): PoolCounters {
  return {
    acquires: zeroCounts(),
    timeouts: zeroCounts(),
    cancellations: 0,
    errors: 0,
    brokenConnections: 0,
    connectFailures: 0,
    created: 0,
    closed: 0,
    leaks: 0,
  };
}

export interface PoolSnapshot {
  /** Length of the interval these counters and histograms cover, in ms. */
  intervalMs: number;
  connections: { total: number; idle: number; active: number; opening: number; activeByLane: LaneCounts };
  waiting: LaneCounts;
  /** The concurrency limit in force (max, or the adaptive limit below it). */
  limit: number;
  counters: PoolCounters;
  acquireWaitUs: Record<Lane, LatencyFigures>;
  /**
   * The interval's acquire waits as recorded (µs), for /metrics to add into its histogram buckets. Valid until the
   * next snapshot, which clears them: read them, do not keep them.
   */
  acquireWaitHistograms: Readonly<Record<Lane, Histogram>>;
  usageUs: LatencyFigures;
  /** See `UtilisationMeter`: null when no caller waited during the interval. */
  efficiency: number | null;
  busyShare: number;
  /** ms of the interval during which at least one caller waited. */
  saturatedMs: number;
}

/** Interval histograms and counters; the pool manager feeds it, `take` empties it. */
export class PoolMetrics {
  readonly meter: UtilisationMeter;
  counters = zeroCounters();
  private acquireWait: Record<Lane, Histogram>;
  /** The set the previous snapshot handed out; recording switches to it (cleared) at the next one. No allocation. */
  private handedAcquireWait: Record<Lane, Histogram>;
  private readonly usage = newLatencyHistogram();
  private intervalStart: number;

  constructor(now: number) {
    this.meter = new UtilisationMeter(now);
    this.intervalStart = now;
    this.acquireWait = { high: newLatencyHistogram(), normal: newLatencyHistogram(), low: newLatencyHistogram() };
    this.handedAcquireWait = { high: newLatencyHistogram(), normal: newLatencyHistogram(), low: newLatencyHistogram() };
  }

  acquired(lane: Lane, waitMs: number): void {
    this.counters.acquires[lane] += 1;
    recordMicros(this.acquireWait[lane], waitMs * 1000);
  }

  released(heldMs: number): void {
    recordMicros(this.usage, heldMs * 1000);
  }

  take(now: number, gauges: Pick<PoolSnapshot, 'connections' | 'waiting' | 'limit'>): PoolSnapshot {
    const shares = this.meter.take(now);
    const snapshot: PoolSnapshot = {
      intervalMs: now - this.intervalStart,
      ...gauges,
      counters: this.counters,
      acquireWaitUs: { high: figures(this.acquireWait.high), normal: figures(this.acquireWait.normal), low: figures(this.acquireWait.low) },
      acquireWaitHistograms: this.acquireWait,
      usageUs: figures(this.usage),
      ...shares,
    };
    const next = this.handedAcquireWait;
    for (const lane of LANES) next[lane].reset();
    this.handedAcquireWait = this.acquireWait;
    this.acquireWait = next;
    this.usage.reset();
    this.counters = zeroCounters();
    this.intervalStart = now;
    return snapshot;
  }
}
