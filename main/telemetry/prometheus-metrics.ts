import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheInterval } from '../contract/cache.ts';
import type { PoolInterval } from '../contract/pool.ts';
import type { LatencySummary, WorkloadInterval } from '../contract/telemetry.ts';

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

/** Where the latency gauges read from at scrape time: sliding-window summaries per template (or null when idle). */
export type RecentLatencySource = () => Map<string, LatencySummary> | null;

/**
 * The engine's Prometheus exposition. Counters advance once per closed interval (not per
 * request, which would put label hashing on the hot path); latency quantiles are computed
 * at scrape time over the last 10 s of HDR histograms.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'template' | 'outcome'>;
  private readonly targetRate: Gauge;
  private readonly achievedRate: Gauge;
  private readonly saturated: Gauge;
  private readonly inFlight: Gauge;
  private readonly cacheLookups: Counter<'tier' | 'result'>;
  private readonly cacheRequests: Counter<'result'>;
  private readonly cacheEvictions: Counter<'tier'>;
  private readonly cacheBytes: Gauge<'tier'>;
  private readonly cacheEntries: Gauge<'tier'>;
  private readonly poolConnections: Gauge<'state'>;
  private readonly poolWaiting: Gauge<'lane'>;
  private readonly poolAcquireWait: Gauge<'lane' | 'quantile'>;
  private readonly poolTimeouts: Counter<'lane'>;
  private readonly poolErrors: Counter;
  private readonly poolEfficiency: Gauge;

  constructor(recentLatency: RecentLatencySource) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'hotpath_workload_requests_total',
      help: 'Workload requests by template and outcome (ok, error, shed = not sent because too many were in flight).',
      labelNames: ['template', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'hotpath_workload_latency_seconds',
      help: 'Workload latency from each request\'s intended start (open loop), over the last 10 s; template="all" is the whole workload.',
      labelNames: ['template', 'quantile'],
      registers,
      collect() {
        this.reset();
        const summaries = recentLatency();
        if (!summaries) return;
        for (const [template, summary] of summaries) {
          if (summary.count === 0) continue;
          for (const [quantile, key] of QUANTILES) this.set({ template, quantile }, summary[key] / 1000);
        }
      },
    });
    this.targetRate = new Gauge({
      name: 'hotpath_workload_target_rate',
      help: 'Target requests per second of the running workload (0 when stopped).',
      registers,
    });
    this.achievedRate = new Gauge({
      name: 'hotpath_workload_achieved_rate',
      help: 'Successful requests per second in the last closed interval.',
      registers,
    });
    this.saturated = new Gauge({
      name: 'hotpath_workload_saturated',
      help: '1 when the last interval missed the target rate (backlog, shed requests or < 90% achieved).',
      registers,
    });
    this.inFlight = new Gauge({ name: 'hotpath_workload_in_flight', help: 'Workload requests sent and not yet answered.', registers });
    this.cacheRequests = new Counter({
      name: 'hotpath_cache_requests_total',
      help: 'Cache reads of cached templates by result (hit = some tier answered, miss = the database did).',
      labelNames: ['result'],
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'hotpath_cache_lookups_total',
      help: 'Lookups that reached a tier, by tier (l1, l2, l3) and result (hit, miss).',
      labelNames: ['tier', 'result'],
      registers,
    });
    this.cacheEvictions = new Counter({
      name: 'hotpath_cache_evictions_total',
      help: 'Entries a tier dropped to stay within its budget.',
      labelNames: ['tier'],
      registers,
    });
    this.cacheBytes = new Gauge({
      name: 'hotpath_cache_bytes',
      help: 'Bytes held by a tier (L1: estimated size in memory).',
      labelNames: ['tier'],
      registers,
    });
    this.cacheEntries = new Gauge({ name: 'hotpath_cache_entries', help: 'Entries held by a tier.', labelNames: ['tier'], registers });
    this.poolConnections = new Gauge({
      name: 'hotpath_pool_connections',
      help: 'Workload pool connections by state (idle, active, opening).',
      labelNames: ['state'],
      registers,
    });
    this.poolWaiting = new Gauge({
      name: 'hotpath_pool_waiting',
      help: 'Callers waiting for a connection, by lane (high, normal, low).',
      labelNames: ['lane'],
      registers,
    });
    this.poolAcquireWait = new Gauge({
      name: 'hotpath_pool_acquire_wait_seconds',
      help: 'Wait for a connection over the last second, by lane and quantile.',
      labelNames: ['lane', 'quantile'],
      registers,
    });
    this.poolTimeouts = new Counter({
      name: 'hotpath_pool_acquire_timeouts_total',
      help: 'Callers that gave up waiting for a connection, by lane.',
      labelNames: ['lane'],
      registers,
    });
    this.poolErrors = new Counter({
      name: 'hotpath_pool_errors_total',
      help: 'Queries that failed on the workload pool (server errors and broken connections).',
      registers,
    });
    this.poolEfficiency = new Gauge({
      name: 'hotpath_pool_efficiency',
      help: 'Share of connection-time spent running queries while callers waited, last second (absent when nobody waited).',
      registers,
    });
  }

  observeInterval(interval: WorkloadInterval): void {
    for (const stats of interval.templates) {
      const template = stats.template;
      if (stats.count > 0) this.requests.inc({ template, outcome: 'ok' }, stats.count);
      if (stats.errors > 0) this.requests.inc({ template, outcome: 'error' }, stats.errors);
      if (stats.shed > 0) this.requests.inc({ template, outcome: 'shed' }, stats.shed);
    }
    this.targetRate.set(interval.targetRate);
    this.achievedRate.set(interval.achievedRate);
    this.saturated.set(interval.saturated ? 1 : 0);
    this.inFlight.set(interval.inFlight);
  }

  observeCache(interval: CacheInterval): void {
    if (interval.hits > 0) this.cacheRequests.inc({ result: 'hit' }, interval.hits);
    if (interval.requests > interval.hits) this.cacheRequests.inc({ result: 'miss' }, interval.requests - interval.hits);
    for (const tier of ['l1', 'l2', 'l3'] as const) {
      const stats = interval.tiers[tier];
      if (!stats) continue;
      if (stats.hits > 0) this.cacheLookups.inc({ tier, result: 'hit' }, stats.hits);
      if (stats.misses > 0) this.cacheLookups.inc({ tier, result: 'miss' }, stats.misses);
      if (stats.evictions) this.cacheEvictions.inc({ tier }, stats.evictions);
      if (stats.bytes !== null) this.cacheBytes.set({ tier }, stats.bytes);
      if (stats.entries !== null) this.cacheEntries.set({ tier }, stats.entries);
    }
  }

  observePool(interval: PoolInterval): void {
    for (const state of ['idle', 'active', 'opening'] as const) this.poolConnections.set({ state }, interval.connections[state]);
    for (const lane of ['high', 'normal', 'low'] as const) {
      this.poolWaiting.set({ lane }, interval.waitingByLane[lane]);
      const wait = interval.acquireWaitByLane[lane];
      for (const [quantile, key] of QUANTILES) {
        if (wait.count > 0) this.poolAcquireWait.set({ lane, quantile }, wait[key] / 1000);
        else this.poolAcquireWait.remove({ lane, quantile });
      }
      if (interval.timeoutsByLane[lane] > 0) this.poolTimeouts.inc({ lane }, interval.timeoutsByLane[lane]);
    }
    if (interval.errors > 0) this.poolErrors.inc(interval.errors);
    if (interval.efficiency === null) this.poolEfficiency.reset();
    else this.poolEfficiency.set(interval.efficiency);
  }

  workloadStopped(): void {
    this.targetRate.set(0);
    this.achievedRate.set(0);
    this.inFlight.set(0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async text(): Promise<string> {
    return await this.registry.metrics();
  }
}
