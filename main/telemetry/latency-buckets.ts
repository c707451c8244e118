import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/**
 * The `le` boundaries (seconds) of every latency histogram in /metrics: 25 µs to 10 s in 1-2.5-5 steps.
 *
 * Why these: the HDR histograms they are read from hold 1 µs to 60 s. On the demo most requests of a cached template
 * are L1 hits and most pool acquires find a connection free, both faster than the usual first boundary of a latency
 * histogram: the two lowest boundaries resolve them (docs/metrics.md has the scrape and its command). Lookups and
 * round trips take milliseconds, scans before Optimize tens of them, a stall seconds. `histogram_quantile`
 * interpolates inside one bucket, so its error is bounded by the bucket's width: 1-2.5-5 steps keep it within a
 * factor of 2.5 at every scale, with few series per template.
 * Changing them changes every stored series: treat them as part of the metric's name (docs/metrics.md).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The same boundaries in the HDR histograms' unit, microseconds (integers, so comparisons are exact). */
const BOUNDS_US = LATENCY_BUCKETS_SECONDS.map((seconds) => Math.round(seconds * 1_000_000));

/**
 * Cumulative bucket counts, sum and count of latencies, fed one closed HDR interval at a time: the requests were
 * recorded once, into the HDR histogram; this only reads its counts (one pass, once per interval).
 *
 * An HDR bucket counts toward a boundary when its highest equivalent value is at or below it. Below 2.048 ms an HDR
 * bucket is one microsecond wide, so the split is exact there; above, a value within HDR's precision (3 significant
 * digits) of a boundary may land in the next bucket up, never in a lower one. The sum adds each HDR bucket's
 * median-equivalent value, as HDR's own mean does; it is kept in integer microseconds, so the seconds shown are exact
 * decimals.
 */
export class LatencyBuckets {
  /** Per boundary, then one more for the values above the last: counts of this bucket alone (not cumulative). */
  private readonly counts = new Float64Array(BOUNDS_US.length + 1);
  private sumMicros = 0;
  private total = 0;

  add(histogram: Histogram): void {
    // Ours are all JsHistograms (latency-histogram.ts builds them with useWebAssembly: false); the index walk needs one.
    if (!(histogram instanceof hdr.JsHistogram)) throw new TypeError('LatencyBuckets reads JavaScript HDR histograms only.');
    const total = histogram.totalCount;
    let seen = 0;
    let bucket = 0;
    for (let i = 0; seen < total && i < histogram.countsArrayLength; i += 1) {
      const count = histogram.getCountAtIndex(i);
      if (count === 0) continue;
      seen += count;
      const value = histogram.valueFromIndex(i);
      const highest = histogram.highestEquivalentValue(value);
      while (bucket < BOUNDS_US.length && highest > BOUNDS_US[bucket]!) bucket += 1;
      this.counts[bucket]! += count;
      this.sumMicros += histogram.medianEquivalentValue(value) * count;
    }
    this.total += total;
  }

  get count(): number {
    return this.total;
  }

  get sumSeconds(): number {
    return this.sumMicros / 1_000_000;
  }

  /** Cumulative counts per boundary of LATENCY_BUCKETS_SECONDS, as Prometheus's `le` buckets (+Inf is `count`). */
  cumulative(): number[] {
    let running = 0;
    return BOUNDS_US.map((_, index) => (running += this.counts[index]!));
  }
}
