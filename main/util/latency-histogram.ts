import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../contract/telemetry.ts';

/**
 * Latencies are recorded in microseconds with 3 significant digits, up to one minute
 * (a request slower than that is clamped, and still counted). Plain JS histograms: the
 * WebAssembly build would need an async init in every host for no gain at these rates.
 */
const HIGHEST_TRACKABLE_US = 60_000_000;

export function newLatencyHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function recordMicros(histogram: Histogram, micros: number): void {
  histogram.recordValue(Math.min(Math.max(1, Math.round(micros)), HIGHEST_TRACKABLE_US));
}

/** Percentiles in milliseconds, the unit every consumer shows. */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const ms = (us: number) => us / 1000;
  return {
    count,
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    mean: ms(meanOf(histogram)),
  };
}

/**
 * The histogram's mean, as `histogram.mean` computes it (each bucket's median-equivalent value × its count), in
 * one pass over the counts that stops at the last recorded value. The library's getter walks an iterator object
 * per bucket: at one summary per template a second it held the event loop for a visible part of a tick
 * (docs/measurements.md).
 */
export function meanOf(histogram: Histogram): number {
  // Ours are all JsHistograms (useWebAssembly: false); any other kind keeps the library's getter.
  if (!(histogram instanceof hdr.JsHistogram)) return histogram.mean;
  const total = histogram.totalCount;
  if (total === 0) return 0;
  let seen = 0;
  let sum = 0;
  for (let i = 0; seen < total && i < histogram.countsArrayLength; i += 1) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    seen += count;
    sum += histogram.medianEquivalentValue(histogram.valueFromIndex(i)) * count;
  }
  return sum / total;
}
