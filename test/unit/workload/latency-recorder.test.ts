import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../../main/workload/latency-recorder.ts';

describe('LatencyRecorder', () => {
  it('reports per-template and overall percentiles in ms, ordered p50 <= p95 <= p99 <= max', () => {
    const recorder = new LatencyRecorder(['fast', 'slow']);
    for (let i = 1; i <= 100; i += 1) recorder.recordSuccess(0, i * 10, 1, 5);
    for (let i = 1; i <= 100; i += 1) recorder.recordSuccess(1, i * 1000, 2, 900);
    const [fast, slow, all] = recorder.rotate(true);
    expect(fast!.latency.p50).toBeCloseTo(0.5, 2);
    expect(slow!.latency.p99).toBeCloseTo(99, 0);
    expect(all!.count).toBe(200);
    for (const s of [fast!, slow!, all!]) {
      expect(s.latency.p50).toBeLessThanOrEqual(s.latency.p95);
      expect(s.latency.p95).toBeLessThanOrEqual(s.latency.p99);
      expect(s.latency.p99).toBeLessThanOrEqual(s.latency.max);
    }
    expect(slow!.serverP99).toBeCloseTo(0.9, 2);
  });

  it('starts each interval empty and keeps a sliding window of closed ones', () => {
    const recorder = new LatencyRecorder(['t'], 3);
    for (let second = 1; second <= 5; second += 1) {
      recorder.recordSuccess(0, second * 1000, 0, 0);
      const [t] = recorder.rotate(true);
      expect(t!.count).toBe(1);
    }
    // Window of 3: seconds 3, 4 and 5.
    const recent = recorder.recentSummaries().get('t')!;
    expect(recent.count).toBe(3);
    expect(recent.max).toBeCloseTo(5, 1);
    expect(recorder.cumulativeSummaries().get('t')!.count).toBe(5);
  });

  it('reaches back further than the window for a measurement when told to keep more intervals', () => {
    const recorder = new LatencyRecorder(['t'], 2, 4);
    for (let second = 1; second <= 6; second += 1) {
      recorder.recordSuccess(0, second * 1000, 0, 0);
      recorder.rotate(true);
    }
    expect(recorder.recentSummaries().get('t')!.count).toBe(2);
    const measured = recorder.recentSummaries(4).get('t')!;
    expect(measured.count).toBe(4);
    expect(measured.p50).toBeCloseTo(4, 1); // seconds 3, 4, 5 and 6
    // Never more than it keeps.
    expect(recorder.recentSummaries(10).get('t')!.count).toBe(4);
    expect(() => new LatencyRecorder(['t'], 5, 4)).toThrow(/keptIntervals/);
  });

  it('refuses a template named like the overall series', () => {
    expect(() => new LatencyRecorder(['all'])).toThrow(/cannot be named "all"/);
  });
});
