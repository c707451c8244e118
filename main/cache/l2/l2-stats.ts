import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../../contract/telemetry.ts';
import { newLatencyHistogram, recordMicros, summarize } from '../../util/latency-histogram.ts';
import type { BreakerState } from './circuit-breaker.ts';

export interface L2StatsSnapshot {
  hits: number;
  misses: number;
  /** Hits / (hits + misses); 0 before any get. */
  hitRate: number;
  sets: number;
  deletes: number;
  /** Calls that reached Redis and failed (timeout, connection lost, server error). */
  errors: number;
  /** Calls the open breaker answered without touching Redis. */
  shortCircuited: number;
  /** Values found but unreadable (unknown format byte, corrupt payload); also counted as misses. */
  decodeErrors: number;
  bytesWritten: number;
  bytesRead: number;
  breakerState: BreakerState;
  breakerTransitions: number;
  /** Calls sent to Redis, failed and timed-out ones included (short-circuited ones are not: they would flatter the tail). */
  latency: LatencySummary;
}

/** Counters for the tier; the histogram is in microseconds like every other latency in Hotpath. */
export class L2Stats {
  hits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;
  errors = 0;
  shortCircuited = 0;
  decodeErrors = 0;
  bytesWritten = 0;
  bytesRead = 0;
  readonly latency: Histogram = newLatencyHistogram();

  recordLatency(startMs: number, endMs: number): void {
    recordMicros(this.latency, (endMs - startMs) * 1000);
  }

  snapshot(breakerState: BreakerState, breakerTransitions: number): L2StatsSnapshot {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups === 0 ? 0 : this.hits / lookups,
      sets: this.sets,
      deletes: this.deletes,
      errors: this.errors,
      shortCircuited: this.shortCircuited,
      decodeErrors: this.decodeErrors,
      bytesWritten: this.bytesWritten,
      bytesRead: this.bytesRead,
      breakerState,
      breakerTransitions,
      latency: summarize(this.latency),
    };
  }
}
