import { describe, expect, it } from 'vitest';
import { meanOf, newLatencyHistogram, recordMicros, summarize } from '../../../main/util/latency-histogram.ts';
import { seededRandom } from '../../../main/util/random.ts';

describe('latency histogram summary', () => {
  it("computes the mean exactly as the library's getter does, over spread-out values", () => {
    const histogram = newLatencyHistogram();
    const random = seededRandom(3);
    // From a few µs to tens of seconds: many buckets, several magnitudes.
    for (let i = 0; i < 5_000; i += 1) recordMicros(histogram, Math.exp(random() * 17));
    expect(meanOf(histogram)).toBe(histogram.mean);
    expect(summarize(histogram).mean).toBe(histogram.mean / 1000);
  });

  it('is 0 for an empty histogram and the value itself for one value', () => {
    const histogram = newLatencyHistogram();
    expect(meanOf(histogram)).toBe(0);
    recordMicros(histogram, 1_234);
    expect(meanOf(histogram)).toBe(histogram.mean);
    expect(meanOf(histogram)).toBeCloseTo(1_234, -1);
  });
});
