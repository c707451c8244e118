import type { CacheInterval } from '../../main/contract/cache.ts';
import type { TelemetrySnapshot } from '../../main/contract/telemetry.ts';
import { bucketize, bucketSecondsFor, meanOf } from './telemetry-series.ts';

/** One point of the cache charts; null is "not measured in that second" (a gap, not a zero). */
export interface CachePoint {
  at: number;
  /** Percent of cache requests some tier answered. */
  overall: number | null;
  /** Percent of the lookups that reached each tier and found a fresh value there. */
  l1: number | null;
  l2: number | null;
  l3: number | null;
  /** The L1's contents and its budget, in MiB. */
  l1MiB: number | null;
  budgetMiB: number | null;
  /** Thousands of entries in the L1. */
  l1Entries: number | null;
  /** Per second. */
  evictions: number | null;
  loads: number | null;
}

const MiB = 1024 * 1024;
const percent = (rate: number | null | undefined): number | null => (rate === null || rate === undefined ? null : rate * 100);

export function cachePointFromSnapshot(at: number, cache: CacheInterval | null): CachePoint {
  const l1 = cache?.tiers.l1 ?? null;
  return {
    at,
    overall: percent(cache?.hitRate),
    l1: percent(l1?.hitRate),
    l2: percent(cache?.tiers.l2?.hitRate),
    l3: percent(cache?.tiers.l3?.hitRate),
    l1MiB: l1?.bytes == null ? null : l1.bytes / MiB,
    budgetMiB: cache?.l1MaxBytes == null ? null : cache.l1MaxBytes / MiB,
    l1Entries: l1?.entries == null ? null : l1.entries / 1000,
    evictions: l1?.evictions ?? null,
    loads: cache ? cache.loads : null,
  };
}

const KEYS = ['overall', 'l1', 'l2', 'l3', 'l1MiB', 'budgetMiB', 'l1Entries', 'evictions', 'loads'] as const;

/** The cache chart series of one window ending at the newest snapshot; long windows are averaged into buckets. */
export function buildCacheSeries(snapshots: readonly TelemetrySnapshot[], windowSeconds: number): CachePoint[] {
  const newest = snapshots[snapshots.length - 1];
  if (!newest) return [];
  const from = newest.at - windowSeconds * 1000;
  const points = snapshots.filter((s) => s.at > from).map((s) => cachePointFromSnapshot(s.at, s.cache));
  return bucketize(points, bucketSecondsFor(windowSeconds), (bucket) => {
    const merged = {} as Omit<CachePoint, 'at'>;
    for (const key of KEYS) merged[key] = meanOf(bucket.map((p) => p[key]));
    return merged;
  });
}
