import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary, TemplateIntervalStats } from '../contract/telemetry.ts';
import { newLatencyHistogram, recordMicros, summarize } from '../util/latency-histogram.ts';

/** Per template: the last `windowIntervals` one-second latency histograms, and a cumulative one. */
class TemplateSeries {
  readonly ring: Histogram[];
  head = 0;
  readonly cumulative = newLatencyHistogram();
  readonly acquire = newLatencyHistogram();
  readonly server = newLatencyHistogram();
  errors = 0;
  shed = 0;
  lastError: string | null = null;

  constructor(windowIntervals: number) {
    this.ring = Array.from({ length: windowIntervals }, newLatencyHistogram);
  }

  get current(): Histogram {
    return this.ring[this.head]!;
  }
}

export const ALL_TEMPLATES = 'all';

/** Only the p99 of the wait and server histograms is reported: one scan, not a whole summary. */
function p99Ms(histogram: Histogram): number {
  return histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(99) / 1000;
}

function recordInto(series: TemplateSeries, latencyUs: number, acquireUs: number, serverUs: number): void {
  recordMicros(series.current, latencyUs);
  recordMicros(series.acquire, acquireUs);
  recordMicros(series.server, serverUs);
}

/**
 * Records every request of a workload into HDR histograms: one set per template plus
 * `all`. Intervals are closed by `rotate()` once a second; the ring of recent
 * intervals gives the live charts' sliding-window quantiles, and each closed interval's counts feed the
 * `/metrics` histograms (`lastClosedHistograms`).
 */
export class LatencyRecorder {
  private readonly series: TemplateSeries[];
  private readonly names: string[];

  /**
   * @param windowIntervals the sliding window `recentSummaries` covers by default (the live charts)
   * @param keptIntervals how far back `recentSummaries(n)` can reach (before/after measurements), at least the window
   */
  constructor(
    templateNames: readonly string[],
    private readonly windowIntervals = 10,
    private readonly keptIntervals = windowIntervals,
  ) {
    if (templateNames.includes(ALL_TEMPLATES)) throw new Error(`A template cannot be named "${ALL_TEMPLATES}".`);
    if (!(keptIntervals >= windowIntervals))
      throw new RangeError(`keptIntervals (${keptIntervals}) must be at least windowIntervals (${windowIntervals}).`);
    this.names = [...templateNames, ALL_TEMPLATES];
    // One slot more than is kept: the slot being filled is not part of any window.
    this.series = this.names.map(() => new TemplateSeries(keptIntervals + 1));
  }

  get templateNames(): readonly string[] {
    return this.names;
  }

  /** Called once per request: records into the template's series and `all`, allocating nothing. */
  recordSuccess(template: number, latencyUs: number, acquireUs: number, serverUs: number): void {
    recordInto(this.series[template]!, latencyUs, acquireUs, serverUs);
    recordInto(this.series[this.series.length - 1]!, latencyUs, acquireUs, serverUs);
  }

  recordError(template: number, message: string): void {
    const all = this.series[this.series.length - 1]!;
    const series = this.series[template]!;
    series.errors += 1;
    series.lastError = message;
    all.errors += 1;
    all.lastError = message;
  }

  recordShed(template: number): void {
    this.series[template]!.shed += 1;
    this.series[this.series.length - 1]!.shed += 1;
  }

  /**
   * Closes the current interval and returns its statistics (the last entry is `all`).
   * `keep` = false leaves the interval out of the cumulative histograms (warm-up).
   */
  rotate(keep: boolean): TemplateIntervalStats[] {
    return this.series.map((series, index) => {
      const stats: TemplateIntervalStats = {
        template: this.names[index]!,
        count: series.current.totalCount,
        errors: series.errors,
        shed: series.shed,
        lastError: series.lastError,
        latency: summarize(series.current),
        acquireP99: p99Ms(series.acquire),
        serverP99: p99Ms(series.server),
      };
      if (keep) series.cumulative.add(series.current);
      series.head = (series.head + 1) % series.ring.length;
      series.current.reset();
      series.acquire.reset();
      series.server.reset();
      series.errors = 0;
      series.shed = 0;
      return stats;
    });
  }

  /**
   * Per template name (then `all`), the histogram of the interval `rotate()` closed last, as recorded: /metrics adds
   * its counts into its buckets. Valid until the next `rotate()`; read, never kept.
   */
  lastClosedHistograms(): Map<string, Histogram> {
    return new Map(
      this.series.map((series, index) => [this.names[index]!, series.ring[(series.head - 1 + series.ring.length) % series.ring.length]!]),
    );
  }

  /** Quantiles over the last `intervals` closed intervals (at most the kept ones), per template name. */
  recentSummaries(intervals = this.windowIntervals): Map<string, LatencySummary> {
    const merged = newLatencyHistogram();
    const result = new Map<string, LatencySummary>();
    this.series.forEach((series, index) => {
      merged.reset();
      const size = series.ring.length;
      for (let back = 1; back <= Math.min(intervals, this.keptIntervals); back += 1) {
        merged.add(series.ring[(series.head - back + size) % size]!);
      }
      result.set(this.names[index]!, summarize(merged));
    });
    return result;
  }

  cumulativeSummaries(): Map<string, LatencySummary> {
    return new Map(this.series.map((series, index) => [this.names[index]!, summarize(series.cumulative)]));
  }
}
