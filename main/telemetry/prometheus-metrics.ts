import type { Histogram } from 'hdr-histogram-js';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheInterval } from '../contract/cache.ts';
import type { PoolInterval, PoolLane } from '../contract/pool.ts';
import type { SloReport } from '../contract/slo.ts';
import type { WorkloadInterval } from '../contract/telemetry.ts';
import { readBuildInfo } from './build-info.ts';
import { HdrHistogramMetric } from './hdr-histogram-metric.ts';
import { SloMetrics } from './slo-metrics.ts';

/**
 * Per template, the HDR histogram (µs) of the workload interval closed last, read right after it closes; null while
 * no workload runs.
 */
export type ClosedIntervalLatency = () => ReadonlyMap<string, Histogram> | null;

/** Per lane, the HDR histogram (µs) of the pool's acquire waits in the interval just taken. */
export type AcquireWaitHistograms = Readonly<Record<PoolLane, Histogram>>;

/** The interval's entry for the whole workload (the contract lists it after the templates); `sum()` gives it here. */
const WHOLE_WORKLOAD = 'all';

const LANES = ['high', 'normal', 'low'] as const;

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

/** The Redis breaker's state at a tick's end, and its calls counted since the previous tick. */
export interface L2BreakerInterval {
  breakerState: (typeof BREAKER_STATES)[number];
  errors: number;
  shortCircuited: number;
}

/** A rate measured over about a second of wall clock: more digits than this are timer jitter, not information. */
const measuredRate = (perSecond: number): number => Number(perSecond.toPrecision(4));

/** A share of connection time summed in milliseconds over about a second: three decimals are what it resolves. */
const measuredRatio = (ratio: number): number => Number(ratio.toFixed(3));

/**
 * The engine's Prometheus exposition, named per Prometheus's naming guide and documented in docs/metrics.md (the
 * names are an interface: dashboards and alerts depend on them). Counters and histograms advance once per closed
 * interval, not per request, which would put label hashing on the hot path; the latency histograms read the HDR
 * histograms the requests were recorded into, so no request is recorded twice.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'template' | 'outcome'>;
  private readonly requestDuration: HdrHistogramMetric<'template'>;
  private readonly targetRate: Gauge;
  private readonly achievedRate: Gauge;
  private readonly saturated: Gauge;
  private readonly inFlight: Gauge;
  private readonly cacheLookups: Counter<'tier' | 'result'>;
  private readonly cacheRequests: Counter<'result'>;
  private readonly cacheEvictions: Counter<'tier'>;
  private readonly cacheBytes: Gauge<'tier'>;
  private readonly cacheEntries: Gauge<'tier'>;
  private readonly l2BreakerState: Gauge<'state'>;
  private readonly l2Errors: Counter;
  private readonly l2ShortCircuited: Counter;
  private readonly poolConnections: Gauge<'state'>;
  private readonly poolLimit: Gauge;
  private readonly poolWaiting: Gauge<'lane'>;
  private readonly poolAcquires: Counter<'lane'>;
  private readonly poolAcquireWait: HdrHistogramMetric<'lane'>;
  private readonly poolTimeouts: Counter<'lane'>;
  private readonly poolErrors: Counter;
  private readonly poolEfficiency: Gauge;
  private readonly poolQueries: Counter<'server'>;
  private readonly poolUsage: HdrHistogramMetric<'server'>;
  private readonly replicaLagSeconds: Gauge<'server'>;
  private readonly replicaLagBytes: Gauge<'server'>;
  private readonly slo: SloMetrics;

  constructor(private readonly closedIntervalLatency: ClosedIntervalLatency) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const build = readBuildInfo();
    new Gauge({
      name: 'hotpath_build_info',
      help: "Always 1; the labels say which Hotpath (package.json's version) runs on which Node.js.",
      labelNames: ['version', 'node'],
      registers,
    }).set({ version: build.version, node: build.node }, 1);
    this.requests = new Counter({
      name: 'hotpath_workload_requests_total',
      help: 'Workload requests by template and outcome (ok, error, shed = not sent because too many were in flight).',
      labelNames: ['template', 'outcome'],
      registers,
    });
    this.requestDuration = new HdrHistogramMetric(
      'hotpath_request_duration_seconds',
      "Workload latency of successful requests, from each request's intended start (open loop), by template.",
      'template',
      this.registry,
    );
    this.targetRate = new Gauge({
      name: 'hotpath_workload_target_requests_per_second',
      help: 'Requests per second the running workload is asked for (0 when stopped).',
      registers,
    });
    this.achievedRate = new Gauge({
      name: 'hotpath_workload_achieved_requests_per_second',
      help: 'Successful requests per second in the last closed one-second interval (4 significant digits).',
      registers,
    });
    this.saturated = new Gauge({
      name: 'hotpath_workload_saturated',
      help: '1 when the last interval missed the target rate (backlog, shed requests or < 90% achieved), else 0.',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'hotpath_workload_requests_in_flight',
      help: 'Workload requests sent and not yet answered.',
      registers,
    });
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
    this.l2BreakerState = new Gauge({
      name: 'hotpath_l2_breaker_state',
      help: 'The Redis circuit breaker (shared by the L2 tier and the invalidation bus): 1 for its state (closed, open, half_open), 0 for the others; absent without a Redis.',
      labelNames: ['state'],
      registers,
    });
    this.l2Errors = new Counter({
      name: 'hotpath_l2_errors_total',
      help: 'Redis calls of the L2 tier and the invalidation bus that reached Redis and failed or got no answer in time.',
      registers,
    });
    this.l2ShortCircuited = new Counter({
      name: 'hotpath_l2_short_circuited_total',
      help: 'Redis calls the open breaker answered without touching Redis (reads then went to the next tier or the database).',
      registers,
    });
    this.poolConnections = new Gauge({
      name: 'hotpath_pool_connections',
      help: 'Workload pool connections by state (idle, active, opening).',
      labelNames: ['state'],
      registers,
    });
    this.poolLimit = new Gauge({
      name: 'hotpath_pool_connection_limit',
      help: 'Connections the workload pool may hold at once: its maximum, or the adaptive limit below it.',
      registers,
    });
    this.poolWaiting = new Gauge({
      name: 'hotpath_pool_waiting_callers',
      help: 'Callers waiting for a connection, by lane (high, normal, low).',
      labelNames: ['lane'],
      registers,
    });
    this.poolAcquires = new Counter({
      name: 'hotpath_pool_acquires_total',
      help: 'Connections handed to callers, by lane.',
      labelNames: ['lane'],
      registers,
    });
    this.poolAcquireWait = new HdrHistogramMetric(
      'hotpath_pool_acquire_wait_seconds',
      'Wait for a workload pool connection, by lane (0 when one was free).',
      'lane',
      this.registry,
    );
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
      name: 'hotpath_pool_efficiency_ratio',
      help: 'Of the time callers spent in the pool (waiting for a connection or holding one), the share (0..1) their queries ran, last second; absent when the pool was not used.',
      registers,
    });
    this.poolQueries = new Counter({
      name: 'hotpath_pool_queries_total',
      help: 'Queries the workload pools sent, by server (primary, replica-1, …): where the reads went.',
      labelNames: ['server'],
      registers,
    });
    this.poolUsage = new HdrHistogramMetric(
      'hotpath_pool_usage_seconds',
      "How long callers held a connection of a server's workload pool (a one-shot query: its round trip), by server (primary, replica-1, …).",
      'server',
      this.registry,
    );
    this.replicaLagSeconds = new Gauge({
      name: 'hotpath_replica_lag_seconds',
      help: "A read replica's replication lag as last measured (once a tick): 0 when it had replayed all the primary had written, else the age of the last transaction it replayed; absent when unknown.",
      labelNames: ['server'],
      registers,
    });
    this.replicaLagBytes = new Gauge({
      name: 'hotpath_replica_lag_bytes',
      help: 'WAL bytes the primary had written that a read replica had not replayed, as last measured (once a tick); absent when unknown.',
      labelNames: ['server'],
      registers,
    });
    this.slo = new SloMetrics(this.registry);
  }

  observeInterval(interval: WorkloadInterval): void {
    for (const stats of interval.templates) {
      if (stats.template === WHOLE_WORKLOAD) continue;
      const template = stats.template;
      if (stats.count > 0) this.requests.inc({ template, outcome: 'ok' }, stats.count);
      if (stats.errors > 0) this.requests.inc({ template, outcome: 'error' }, stats.errors);
      if (stats.shed > 0) this.requests.inc({ template, outcome: 'shed' }, stats.shed);
    }
    for (const [template, histogram] of this.closedIntervalLatency() ?? []) {
      if (template !== WHOLE_WORKLOAD) this.requestDuration.add(template, histogram);
    }
    this.targetRate.set(interval.targetRate);
    this.achievedRate.set(measuredRate(interval.achievedRate));
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

  /** The Redis breaker once per tick; null (no Redis, or not connected) removes the state series. */
  observeL2(interval: L2BreakerInterval | null): void {
    if (interval === null) {
      this.l2BreakerState.reset();
      return;
    }
    for (const state of BREAKER_STATES)
      this.l2BreakerState.set({ state: state.replace('-', '_') }, state === interval.breakerState ? 1 : 0);
    if (interval.errors > 0) this.l2Errors.inc(interval.errors);
    if (interval.shortCircuited > 0) this.l2ShortCircuited.inc(interval.shortCircuited);
  }

  observePool(interval: PoolInterval, acquireWait: AcquireWaitHistograms): void {
    for (const state of ['idle', 'active', 'opening'] as const) this.poolConnections.set({ state }, interval.connections[state]);
    this.poolLimit.set(interval.limit);
    for (const lane of LANES) {
      this.poolWaiting.set({ lane }, interval.waitingByLane[lane]);
      if (interval.acquiresByLane[lane] > 0) this.poolAcquires.inc({ lane }, interval.acquiresByLane[lane]);
      this.poolAcquireWait.add(lane, acquireWait[lane]);
      if (interval.timeoutsByLane[lane] > 0) this.poolTimeouts.inc({ lane }, interval.timeoutsByLane[lane]);
    }
    if (interval.errors > 0) this.poolErrors.inc(interval.errors);
    if (interval.efficiency === null)
      this.poolEfficiency.remove(); // absent, not 0: nobody used the pool, so there is no share to report
    else this.poolEfficiency.set(measuredRatio(interval.efficiency));
  }

  /** One server's workload pool over the interval just taken: its queries and how long its connections were held (µs). */
  observeServer(server: string, queries: number, usage: Histogram): void {
    this.poolQueries.inc({ server }, queries);
    this.poolUsage.add(server, usage);
  }

  /**
   * The read replicas' lag as last measured, once per tick: the series are set afresh, so a replica no longer
   * connected (another stack, fewer replicas) leaves none behind, and a null figure (unknown) has no series rather
   * than a claimed 0.
   */
  observeReplicaLag(lags: ReadonlyMap<string, { seconds: number | null; bytes: number | null }>): void {
    this.replicaLagSeconds.reset();
    this.replicaLagBytes.reset();
    for (const [server, lag] of lags) {
      if (lag.seconds !== null) this.replicaLagSeconds.set({ server }, lag.seconds);
      if (lag.bytes !== null) this.replicaLagBytes.set({ server }, lag.bytes);
    }
  }

  /** The success metrics judged over each window (see slo-metrics.ts), once per tick. */
  observeSlo(reports: readonly SloReport[]): void {
    this.slo.observe(reports);
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
