import type { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram, recordMicros } from '../util/latency-histogram.ts';
import { LANES, zeroCounts, type Lane, type LaneCounts } from './lanes.ts';

/**
 * The pool's metrics (HikariCP's set: acquire time, usage time, timeouts, total/idle/active/pending, plus
 * lanes and efficiency). Histograms and counters cover the interval since the previous snapshot; the engine
 * takes one per second.
 *
 * **Efficiency** (the seed's "pool efficiency > 90%"): of the time callers spent in the pool, waiting for a
 * connection or holding one, the share their queries ran. Service time over time in the system, per caller: it fails
 * when callers queue for connections (a pool too small for the load, connections opening or being checked while
 * callers wait, a lane's cap) and when they hold connections without running queries (a transaction with think
 * time, work done while holding one, a leak); it passes when callers get a connection at once and use it. Idle
 * connections nobody waits for are not counted: they cost no caller anything, the pool closes those above `min`
 * after `idleTimeoutMs`, and utilisation is the wrong target (a pool run at 90% utilisation queues heavily: Erlang C
 * on 5 connections at ρ = 0.9, about three requests in four wait); `busyShare` (running over all open
 * connection-time) is reported beside it for sizing. Counting instead, while callers wait, every open connection
 * not checked out as lost would fail any saturated pool by its reserved high-lane share (1 of 5 connections,
 * lanes.ts): a policy, not waste. Null when nobody held or waited for a connection: nothing to
 * judge.
 */
export class UtilisationMeter {
  private last: number;
  private open = 0;
  private running = 0;
  private waiting = 0;
  private held = 0;
  private openMs = 0;
  private runningMs = 0;
  private heldMs = 0;
  /** Caller-ms spent waiting for a connection (two callers waiting 1 ms count 2 ms). */
  private waitingMs = 0;
  private saturatedMs = 0;

  constructor(now: number) {
    this.last = now;
  }

  /**
   * Records that the counts change by these amounts at `now`: connections open or opening, queries running, callers
   * waiting, connections checked out to callers.
   */
  change(now: number, open: number, running: number, waiting: number, held = 0): void {
    this.advance(now);
    this.open += open;
    this.running += running;
    this.waiting += waiting;
    this.held += held;
  }

  private advance(now: number): void {
    const dt = now - this.last;
    if (dt <= 0) return;
    this.last = now;
    this.openMs += dt * this.open;
    this.runningMs += dt * this.running;
    this.heldMs += dt * this.held;
    this.waitingMs += dt * this.waiting;
    if (this.waiting > 0) this.saturatedMs += dt;
  }

  /** The shares since the previous call, then starts a new interval. */
  take(now: number): { efficiency: number | null; busyShare: number; saturatedMs: number } {
    this.advance(now);
    const spent = this.heldMs + this.waitingMs;
    const result = {
      efficiency: spent > 0 ? Math.min(1, this.runningMs / spent) : null,
      busyShare: this.openMs > 0 ? Math.min(1, this.runningMs / this.openMs) : 0,
      saturatedMs: this.saturatedMs,
    };
    this.openMs = this.runningMs = this.heldMs = this.waitingMs = this.saturatedMs = 0;
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
  /** Queries sent to the server (failed ones included): per server, `hotpath_pool_queries_total`. */
  queries: number;
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
    queries: 0,
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
  /** The interval's connection-hold times as recorded (µs), for /metrics; valid until the next snapshot, like `acquireWaitHistograms`. */
  usageHistogram: Histogram;
  /** See `UtilisationMeter`: null when no connection was held or waited for during the interval. */
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
  private usage = newLatencyHistogram();
  /** The usage histogram the previous snapshot handed out; recording switches to it (cleared) at the next one. */
  private handedUsage = newLatencyHistogram();
  private intervalStart: number;

  constructor(now: number) {
    this.meter = new UtilisationMeter(now);
    this.intervalStart = now;
    this.acquireWait = { high: newLatencyHistogram(), normal: newLatencyHistogram(), low: newLatencyHistogram() };
    this.handedAcquireWait = { high: newLatencyHistogram(), normal: newLatencyHistogram(), low: newLatencyHistogram() };
  }

  /** A connection checked out to a caller at `now`, after waiting `waitMs`. */
  acquired(lane: Lane, waitMs: number, now: number): void {
    this.meter.change(now, 0, 0, 0, 1);
    this.counters.acquires[lane] += 1;
    recordMicros(this.acquireWait[lane], waitMs * 1000);
  }

  /** A connection given back at `now`, after the caller held it `heldMs`. */
  released(heldMs: number, now: number): void {
    this.meter.change(now, 0, 0, 0, -1);
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
      usageHistogram: this.usage,
      ...shares,
    };
    const next = this.handedAcquireWait;
    for (const lane of LANES) next[lane].reset();
    this.handedAcquireWait = this.acquireWait;
    this.acquireWait = next;
    const nextUsage = this.handedUsage;
    nextUsage.reset();
    this.handedUsage = this.usage;
    this.usage = nextUsage;
    this.counters = zeroCounters();
    this.intervalStart = now;
    return snapshot;
  }
}
