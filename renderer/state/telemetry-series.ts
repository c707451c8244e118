import type { TelemetrySnapshot, TemplateIntervalStats } from '../../main/contract/telemetry.ts';

/** The overall figures of a workload interval carry this template name. */
export const ALL_TEMPLATES = 'all';

/**
 * One point of the live charts. `null` means "no workload in that second", which
 * recharts draws as a gap instead of a misleading line down to zero.
 */
export interface ChartPoint {
  /** End of the second (or of the downsampled bucket), ms since the epoch. */
  at: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Requests per second asked for; only known for the whole workload. */
  target: number | null;
  /** Successful completions per second. */
  achieved: number | null;
  errors: number | null;
  shed: number | null;
}

/** Longer windows are averaged into buckets so a chart never draws more than this many points. */
export const MAX_CHART_POINTS = 180;

function templateStats(snapshot: TelemetrySnapshot, template: string): TemplateIntervalStats | undefined {
  return snapshot.workload?.templates.find((t) => t.template === template);
}

export function pointFromSnapshot(snapshot: TelemetrySnapshot, template: string): ChartPoint {
  const workload = snapshot.workload;
  const stats = templateStats(snapshot, template);
  if (!workload || !stats)
    return { at: snapshot.at, p50: null, p95: null, p99: null, target: null, achieved: null, errors: null, shed: null };
  const seconds = workload.durationMs > 0 ? workload.durationMs / 1000 : 1;
  const overall = template === ALL_TEMPLATES;
  const hasLatency = stats.latency.count > 0;
  return {
    at: snapshot.at,
    p50: hasLatency ? stats.latency.p50 : null,
    p95: hasLatency ? stats.latency.p95 : null,
    p99: hasLatency ? stats.latency.p99 : null,
    target: overall ? workload.targetRate : null,
    achieved: overall ? workload.achievedRate : stats.count / seconds,
    errors: stats.errors / seconds,
    shed: stats.shed / seconds,
  };
}

export function maxOf(values: (number | null)[]): number | null {
  let out: number | null = null;
  for (const v of values) if (v !== null && (out === null || v > out)) out = v;
  return out;
}

export function meanOf(values: (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * Merges 1-second points into buckets of `bucketSeconds`, each merged by `merge` and stamped with its last
 * point's time. Buckets are aligned to the clock (not to the window's edge) so points do not shift as the
 * window slides.
 */
export function bucketize<P extends { at: number }>(
  points: readonly P[],
  bucketSeconds: number,
  merge: (bucket: readonly P[]) => Omit<P, 'at'>,
): P[] {
  if (bucketSeconds <= 1) return [...points];
  const bucketMs = bucketSeconds * 1000;
  const out: P[] = [];
  let bucket: P[] = [];
  let bucketKey: number | null = null;
  const flush = () => {
    if (bucket.length === 0) return;
    out.push({ ...merge(bucket), at: bucket[bucket.length - 1]!.at } as P);
    bucket = [];
  };
  for (const point of points) {
    const key = Math.floor((point.at - 1) / bucketMs);
    if (key !== bucketKey) {
      flush();
      bucketKey = key;
    }
    bucket.push(point);
  }
  flush();
  return out;
}

/**
 * Downsamples workload points. Latency percentiles keep the bucket's maximum: averaging would hide exactly
 * the stalls the open-loop measurement exists to show. Rates are averaged per second.
 */
export function downsample(points: readonly ChartPoint[], bucketSeconds: number): ChartPoint[] {
  return bucketize(points, bucketSeconds, (bucket) => {
    const pick = <K extends keyof ChartPoint>(key: K) => bucket.map((p) => p[key] as number | null);
    return {
      p50: maxOf(pick('p50')),
      p95: maxOf(pick('p95')),
      p99: maxOf(pick('p99')),
      target: meanOf(pick('target')),
      achieved: meanOf(pick('achieved')),
      errors: meanOf(pick('errors')),
      shed: meanOf(pick('shed')),
    };
  });
}

export function bucketSecondsFor(windowSeconds: number): number {
  return Math.max(1, Math.ceil(windowSeconds / MAX_CHART_POINTS));
}

/**
 * The chart series of one window, ending at the newest snapshot (engine time, so a
 * browser clock that disagrees with the engine's cannot empty the charts).
 */
export function buildSeries(snapshots: readonly TelemetrySnapshot[], windowSeconds: number, template: string): ChartPoint[] {
  const newest = snapshots[snapshots.length - 1];
  if (!newest) return [];
  const from = newest.at - windowSeconds * 1000;
  const points = snapshots.filter((s) => s.at > from).map((s) => pointFromSnapshot(s, template));
  return downsample(points, bucketSecondsFor(windowSeconds));
}

/** Template names of a snapshot's workload, without the overall `all` row. */
export function templateNames(snapshot: TelemetrySnapshot | undefined): string[] {
  return snapshot?.workload?.templates.map((t) => t.template).filter((name) => name !== ALL_TEMPLATES) ?? [];
}
