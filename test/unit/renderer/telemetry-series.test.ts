import { describe, expect, it } from 'vitest';
import {
  bucketSecondsFor,
  buildSeries,
  downsample,
  pointFromSnapshot,
  templateNames,
  MAX_CHART_POINTS,
  type ChartPoint,
} from '../../../renderer/state/telemetry-series.ts';
import { idleSnapshot, snapshot } from './fixtures.ts';

const point = (n: number, p99: number | null, achieved: number | null): ChartPoint => ({
  at: n * 1000,
  p50: p99,
  p95: p99,
  p99,
  target: 500,
  achieved,
  errors: 0,
  shed: 0,
});

describe('chart points', () => {
  it('takes the overall figures, with the target, for `all`', () => {
    const p = pointFromSnapshot(snapshot(1, 7), 'all');
    expect(p).toMatchObject({ at: 1000, p99: 7, target: 500, achieved: 500, errors: 0, shed: 0 });
  });

  it('takes one template’s latency and its own rate, without a target', () => {
    const p = pointFromSnapshot(snapshot(1, 7), 'chunk_by_id');
    expect(p).toMatchObject({ p99: 14, target: null, achieved: 100 });
  });

  it('leaves a gap (nulls) for a second without workload', () => {
    expect(pointFromSnapshot(idleSnapshot(3), 'all')).toEqual({
      at: 3000,
      p50: null,
      p95: null,
      p99: null,
      target: null,
      achieved: null,
      errors: null,
      shed: null,
    });
  });

  it('lists template names without `all`', () => {
    expect(templateNames(snapshot(1))).toEqual(['chunk_by_id']);
    expect(templateNames(idleSnapshot(1))).toEqual([]);
  });
});

describe('downsampling', () => {
  it('keeps 1-second resolution for the 1-minute window and caps longer windows', () => {
    expect(bucketSecondsFor(60)).toBe(1);
    expect(900 / bucketSecondsFor(900)).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(300 / bucketSecondsFor(300)).toBeLessThanOrEqual(MAX_CHART_POINTS);
  });

  it('keeps the worst latency of a bucket (a stall must not be averaged away) and averages rates', () => {
    const points = [point(1, 2, 400), point(2, 90, 100), point(3, 3, 400), point(4, 2, 500)];
    const out = downsample(points, 2);
    // Buckets are aligned to the clock: seconds 1–2 and 3–4.
    expect(out.map((p) => [p.at, p.p99, p.achieved])).toEqual([
      [2000, 90, 250],
      [4000, 3, 450],
    ]);
  });

  it('keeps a bucket without any workload as a gap', () => {
    const gap: ChartPoint = { at: 3000, p50: null, p95: null, p99: null, target: null, achieved: null, errors: null, shed: null };
    const out = downsample([point(1, 2, 400), point(2, 2, 400), gap, { ...gap, at: 4000 }], 2);
    expect(out[1]).toMatchObject({ p99: null, achieved: null });
  });

  it('builds a window ending at the newest snapshot, whatever the local clock says', () => {
    const snapshots = Array.from({ length: 900 }, (_, i) => snapshot(i + 1));
    const minute = buildSeries(snapshots, 60, 'all');
    expect(minute).toHaveLength(60);
    expect(minute[0]!.at).toBe(841_000);
    expect(minute.at(-1)!.at).toBe(900_000);
    const quarter = buildSeries(snapshots, 900, 'all');
    expect(quarter.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(quarter.at(-1)!.at).toBe(900_000);
  });
});
