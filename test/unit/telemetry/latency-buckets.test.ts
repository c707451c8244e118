import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS, LatencyBuckets } from '../../../main/telemetry/latency-buckets.ts';

/** Built as the engine builds its latency histograms: µs, 3 significant digits, up to a minute. */
function histogramOf(micros: readonly number[]) {
  const histogram = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  for (const value of micros) histogram.recordValue(value);
  return histogram;
}

const bucketAt = (buckets: LatencyBuckets, le: number) => buckets.cumulative()[LATENCY_BUCKETS_SECONDS.indexOf(le)];

describe('LatencyBuckets', () => {
  it('counts each value under the first boundary at or above it, exactly where HDR is exact', () => {
    const buckets = new LatencyBuckets();
    // 100 µs is on the first boundary, 101 µs just above it; 1 ms on a boundary; 20 s above the last.
    buckets.add(histogramOf([50, 100, 101, 1000, 1001, 20_000_000]));
    expect(bucketAt(buckets, 0.000025)).toBe(0);
    expect(bucketAt(buckets, 0.00005)).toBe(1);
    expect(bucketAt(buckets, 0.0001)).toBe(2);
    expect(bucketAt(buckets, 0.00025)).toBe(3);
    expect(bucketAt(buckets, 0.001)).toBe(4);
    expect(bucketAt(buckets, 0.0025)).toBe(5);
    expect(bucketAt(buckets, 10)).toBe(5);
    expect(buckets.count).toBe(6);
  });

  it('keeps cumulative counts that never decrease and end at the count, across intervals', () => {
    const buckets = new LatencyBuckets();
    buckets.add(histogramOf([300, 4_000, 70_000]));
    buckets.add(histogramOf([]));
    buckets.add(histogramOf([300, 2_600_000]));
    const cumulative = buckets.cumulative();
    expect(cumulative).toHaveLength(LATENCY_BUCKETS_SECONDS.length);
    for (let i = 1; i < cumulative.length; i += 1) expect(cumulative[i]).toBeGreaterThanOrEqual(cumulative[i - 1]!);
    expect(cumulative.at(-1)).toBe(5);
    expect(buckets.count).toBe(5);
    expect(bucketAt(buckets, 0.0005)).toBe(2);
    expect(bucketAt(buckets, 0.005)).toBe(3);
    expect(bucketAt(buckets, 0.1)).toBe(4);
    expect(bucketAt(buckets, 2.5)).toBe(4);
    expect(bucketAt(buckets, 5)).toBe(5);
  });

  it('sums in seconds without float noise, exact for values HDR holds exactly', () => {
    const buckets = new LatencyBuckets();
    buckets.add(histogramOf([1, 2, 3, 1500, 1500]));
    expect(buckets.sumSeconds).toBe(0.003006);
    expect(String(buckets.sumSeconds)).toBe('0.003006');
    // Above 2.048 ms a bucket spans several µs: the sum is HDR's (median-equivalent values), within its precision.
    const wide = new LatencyBuckets();
    wide.add(histogramOf([123_457]));
    expect(Math.abs(wide.sumSeconds - 0.123457)).toBeLessThan(0.123457 / 1000);
    expect(String(wide.sumSeconds)).toMatch(/^0\.\d{1,6}$/);
  });

  it('refuses histograms whose counts it cannot walk', () => {
    const buckets = new LatencyBuckets();
    expect(() => buckets.add({ totalCount: 1 } as unknown as hdr.Histogram)).toThrow(TypeError);
  });
});
