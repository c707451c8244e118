import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CacheInterval } from '../../../main/contract/cache.ts';
import type { PoolInterval } from '../../../main/contract/pool.ts';
import type { WorkloadInterval } from '../../../main/contract/telemetry.ts';
import { registerMemoryMetrics } from '../../../main/memory/memory-metrics.ts';
import type { MemoryMetricsSource } from '../../../main/memory/memory-metrics.ts';
import { PoolMetrics } from '../../../main/pool/pool-metrics.ts';
import { PrometheusMetrics } from '../../../main/telemetry/prometheus-metrics.ts';
import { LatencyRecorder } from '../../../main/workload/latency-recorder.ts';
import { expositionProblems, histogramQuantile, histogramSeries, metricValue, parseExposition } from '../../support/prometheus-text.ts';

const TEMPLATES = ['lookup', 'scan'];

function workloadInterval(templates: WorkloadInterval['templates'], achievedRate: number): WorkloadInterval {
  return {
    at: 0,
    durationMs: 1000,
    warmup: false,
    targetRate: 200,
    achievedRate,
    sent: 0,
    inFlight: 3,
    schedulerLagMs: 0,
    saturated: false,
    templates,
  };
}

const cacheInterval: CacheInterval = {
  requests: 10,
  hits: 7,
  hitRate: 0.7,
  loads: 3,
  loadErrors: 0,
  l1MaxBytes: 1024,
  tiers: {
    l1: { hits: 7, misses: 3, hitRate: 0.7, bytes: 512, entries: 4, evictions: 1, errors: 0 },
    l2: null,
    l3: null,
  },
};

const latency = { count: 1, p50: 1, p95: 1, p99: 1 };
const poolInterval: PoolInterval = {
  connections: { total: 4, idle: 1, active: 3, opening: 0 },
  activeByLane: { high: 0, normal: 3, low: 0 },
  waitingByLane: { high: 0, normal: 2, low: 0 },
  limit: 8,
  min: 1,
  max: 8,
  acquiresByLane: { high: 0, normal: 4, low: 0 },
  timeoutsByLane: { high: 0, normal: 1, low: 0 },
  errors: 2,
  brokenConnections: 0,
  leaks: 0,
  acquireWaitByLane: { high: latency, normal: latency, low: latency },
  usage: latency,
  efficiency: 2 / 3,
  busyShare: 0.5,
};

/** The memory manager's read-only side, as the memory metrics read it at scrape time. */
const memory = {
  status: () => ({ level: 'normal', cleanups: { moderate: 0, aggressive: 0 }, reading: null, budgetBytes: 4 * 1024 ** 3 }),
} as unknown as MemoryMetricsSource;

/** One engine's metrics after two intervals of a workload recorded into the real latency recorder. */
async function scrape(): Promise<{ text: string; recorder: LatencyRecorder }> {
  const recorder = new LatencyRecorder(TEMPLATES);
  const metrics = new PrometheusMetrics(() => recorder.lastClosedHistograms());
  registerMemoryMetrics(metrics.registry, memory);
  // Interval 1: lookups at 80 µs, 300 µs and 1.2 ms, one scan at 40 ms, a failed scan and a shed lookup.
  for (const us of [80, 300, 1200]) recorder.recordSuccess(0, us, 0, us);
  recorder.recordSuccess(1, 40_000, 0, 40_000);
  recorder.recordError(1, 'boom');
  recorder.recordShed(0);
  metrics.observeInterval(workloadInterval(recorder.rotate(true), 1000 / 3));
  // Interval 2: one more lookup; this interval's rate carries the noise of a division.
  recorder.recordSuccess(0, 90, 0, 90);
  metrics.observeInterval(workloadInterval(recorder.rotate(true), 0.1 + 0.2));
  metrics.observeCache(cacheInterval);
  // The pool's own interval metrics: four acquires on the normal lane, two of them without waiting.
  const pool = new PoolMetrics(0);
  for (const waitMs of [0, 0, 3, 120]) pool.acquired('normal', waitMs, 0);
  const taken = pool.take(1000, {
    connections: { ...poolInterval.connections, activeByLane: poolInterval.activeByLane },
    waiting: poolInterval.waitingByLane,
    limit: 8,
  });
  metrics.observePool(poolInterval, taken.acquireWaitHistograms);
  return { text: await metrics.text(), recorder };
}

describe('PrometheusMetrics', () => {
  it('keeps every promise of docs/metrics.md: names, units, _total counters, histogram buckets, no template="all"', async () => {
    const { text } = await scrape();
    expect(expositionProblems(text)).toEqual([]);
  });

  it('exposes latency as a histogram per template whose counts are the requests recorded once, into HDR', async () => {
    const { text } = await scrape();
    const families = parseExposition(text);
    expect(families.get('hotpath_request_duration_seconds')?.type).toBe('histogram');
    const series = histogramSeries(families, 'hotpath_request_duration_seconds', 'template');
    expect([...series.keys()].sort()).toEqual(TEMPLATES);
    const lookup = series.get('lookup')!;
    expect(lookup.count).toBe(4);
    expect(lookup.sum).toBe(0.00167);
    expect(lookup.buckets.find((b) => b.le === 0.0001)?.count).toBe(2);
    expect(lookup.buckets.find((b) => b.le === 0.0005)?.count).toBe(3);
    expect(lookup.buckets.find((b) => b.le === 0.0025)?.count).toBe(4);
    // 40 ms lies where an HDR bucket spans several µs: the sum is within HDR's precision (3 significant digits).
    expect(series.get('scan')!.count).toBe(1);
    expect(Math.abs(series.get('scan')!.sum - 0.04)).toBeLessThan(0.04 / 1000);
    // What histogram_quantile(0.5, …) gives: inside the bucket holding the second of four lookups.
    expect(histogramQuantile(0.5, lookup)).toBeGreaterThan(0);
    expect(histogramQuantile(0.5, lookup)).toBeLessThanOrEqual(0.0001);
    expect(histogramQuantile(0.99, lookup)).toBeLessThanOrEqual(0.0025);

    // _count per template is the ok requests of the same template: sum() over templates counts each request once.
    expect(text).toMatch(/^hotpath_workload_requests_total\{template="lookup",outcome="ok"\} 4$/m);
    expect(text).toMatch(/^hotpath_workload_requests_total\{template="scan",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^hotpath_workload_requests_total\{template="scan",outcome="error"\} 1$/m);
    expect(text).toMatch(/^hotpath_workload_requests_total\{template="lookup",outcome="shed"\} 1$/m);
  });

  it('leaves the pool efficiency out (not 0) for a second in which nobody used the pool', async () => {
    const metrics = new PrometheusMetrics(() => null);
    const pool = new PoolMetrics(0);
    const snapshot = {
      connections: { ...poolInterval.connections, activeByLane: poolInterval.activeByLane },
      waiting: poolInterval.waitingByLane,
      limit: 8,
    };
    metrics.observePool(poolInterval, pool.take(1000, snapshot).acquireWaitHistograms);
    expect(await metrics.text()).toMatch(/^hotpath_pool_efficiency_ratio 0\.667$/m);
    metrics.observePool({ ...poolInterval, efficiency: null }, pool.take(1000, snapshot).acquireWaitHistograms);
    const text = await metrics.text();
    expect(text).not.toMatch(/^hotpath_pool_efficiency_ratio /m);
    expect(expositionProblems(text)).toEqual([]);
  });

  it('reports rates and ratios in their units, rounded to what they measure', async () => {
    const { text } = await scrape();
    expect(metricValue(text, 'hotpath_workload_target_requests_per_second')).toBe(200);
    expect(text).toMatch(/^hotpath_workload_achieved_requests_per_second 0\.3$/m);
    expect(text).toMatch(/^hotpath_pool_efficiency_ratio 0\.667$/m);
    expect(metricValue(text, 'hotpath_workload_requests_in_flight')).toBe(3);
    expect(metricValue(text, 'hotpath_pool_connection_limit')).toBe(8);
    expect(text).toMatch(/^hotpath_pool_acquires_total\{lane="normal"\} 4$/m);
    expect(text).toMatch(/^hotpath_pool_waiting_callers\{lane="normal"\} 2$/m);
    expect(text).toMatch(/^hotpath_cache_requests_total\{result="hit"\} 7$/m);
    expect(text).toMatch(/^hotpath_cache_requests_total\{result="miss"\} 3$/m);
  });

  it("exposes the wait for a pool connection as a histogram per lane, from the pool's HDR histograms", async () => {
    const { text } = await scrape();
    const families = parseExposition(text);
    expect(families.get('hotpath_pool_acquire_wait_seconds')?.type).toBe('histogram');
    const lanes = histogramSeries(families, 'hotpath_pool_acquire_wait_seconds', 'lane');
    // Lanes without acquires have no series yet; the normal lane's count is its acquires.
    expect([...lanes.keys()]).toEqual(['normal']);
    const normal = lanes.get('normal')!;
    expect(normal.count).toBe(4);
    expect(normal.buckets.find((b) => b.le === 0.0001)?.count).toBe(2);
    expect(normal.buckets.find((b) => b.le === 0.005)?.count).toBe(3);
    expect(normal.buckets.find((b) => b.le === 0.1)?.count).toBe(3);
    expect(normal.buckets.find((b) => b.le === 0.25)?.count).toBe(4);
  });

  it("says which build runs: package.json's version and the Node.js running it", async () => {
    const { text } = await scrape();
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const build = parseExposition(text).get('hotpath_build_info')!;
    expect(build.type).toBe('gauge');
    expect(build.samples).toEqual([expect.objectContaining({ labels: { version, node: process.versions.node }, value: 1 })]);
  });

  it('finds what the naming guide forbids in an exposition that breaks it', () => {
    const broken = [
      '# HELP hotpath_latency_seconds x',
      '# TYPE hotpath_latency_seconds gauge',
      'hotpath_latency_seconds{template="all",quantile="0.5"} 0.30000000000000004',
      '# HELP hotpath_hits x',
      '# TYPE hotpath_hits counter',
      'hotpath_hits 3',
      '# HELP hotpath_wait_seconds x',
      '# TYPE hotpath_wait_seconds histogram',
      'hotpath_wait_seconds_bucket{le="0.1"} 5',
      'hotpath_wait_seconds_bucket{le="1"} 4',
      'hotpath_wait_seconds_bucket{le="+Inf"} 6',
      'hotpath_wait_seconds_sum 1',
      'hotpath_wait_seconds_count 7',
      '',
    ].join('\n');
    const problems = expositionProblems(broken).join('\n');
    expect(problems).toMatch(/template="all"/);
    expect(problems).toMatch(/quantile label/);
    expect(problems).toMatch(/0\.30000000000000004 is not a short decimal/);
    expect(problems).toMatch(/hotpath_hits: a counter not named _total/);
    expect(problems).toMatch(/bucket counts decrease at le=1/);
    expect(problems).toMatch(/\+Inf 6 ≠ _count 7/);
    expect(problems).toMatch(/hotpath_build_info\{version,node\} 1 missing/);
  });

  it('registers on a registry of its own, so two engines in one process do not collide', () => {
    const a = new PrometheusMetrics(() => null);
    const b = new PrometheusMetrics(() => null);
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry).toBeInstanceOf(Registry);
  });
});
