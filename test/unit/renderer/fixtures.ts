import type { EngineStatus } from '../../../main/contract/status.ts';
import type { TelemetrySnapshot, TemplateIntervalStats, WorkloadInterval } from '../../../main/contract/telemetry.ts';
import type { CacheInterval, CacheTierInterval } from '../../../main/contract/cache.ts';
import type { PoolInterval, PoolLatency } from '../../../main/contract/pool.ts';
import type { MemoryInterval } from '../../../main/contract/memory.ts';
import type { ConnectionProfile } from '../../../main/contract/profiles.ts';

export function engineStatus(overrides: Partial<EngineStatus> = {}): EngineStatus {
  return {
    phase: 'disconnected',
    stack: null,
    profileId: null,
    host: 'headless',
    notices: [],
    workload: { running: false, profile: null, templates: [], targetRate: 0 },
    error: null,
    ...overrides,
  };
}

export function readyStatus(workload: Partial<EngineStatus['workload']> = {}): EngineStatus {
  return engineStatus({
    phase: 'ready',
    stack: {
      kind: 'local',
      pgDisplayUrl: 'postgres://postgres:****@127.0.0.1:5544/hotpath',
      redisUrl: null,
      serverVersion: 180001,
      pgStatStatements: true,
    },
    workload: { running: false, profile: null, templates: [], targetRate: 0, ...workload },
  });
}

export function templateStats(
  template: string,
  overrides: Partial<Omit<TemplateIntervalStats, 'latency'>> & { latency?: Partial<TemplateIntervalStats['latency']> } = {},
): TemplateIntervalStats {
  const { latency, ...rest } = overrides;
  return {
    template,
    count: 100,
    errors: 0,
    shed: 0,
    lastError: null,
    acquireP99: 0.1,
    serverP99: 1,
    ...rest,
    latency: { count: 100, p50: 1, p95: 2, p99: 3, max: 4, mean: 1.2, ...latency },
  };
}

export function workloadInterval(at: number, overrides: Partial<WorkloadInterval> = {}): WorkloadInterval {
  return {
    at,
    durationMs: 1000,
    warmup: false,
    targetRate: 500,
    achievedRate: 500,
    sent: 500,
    inFlight: 2,
    schedulerLagMs: 0.1,
    saturated: false,
    templates: [templateStats('chunk_by_id'), templateStats('all', { count: 500 })],
    ...overrides,
  };
}

/** A snapshot at second `n` (at = n × 1000 ms) with a workload whose overall p99 is `p99`. */
export function snapshot(
  n: number,
  p99 = 3,
  overrides: Partial<WorkloadInterval> = {},
  cache: CacheInterval | null = null,
  pool: PoolInterval | null = null,
  memory: MemoryInterval | null = null,
): TelemetrySnapshot {
  const at = n * 1000;
  return {
    at,
    cache,
    pool,
    memory,
    workload: workloadInterval(at, {
      templates: [templateStats('chunk_by_id', { latency: { p99: p99 * 2 } }), templateStats('all', { count: 500, latency: { p99 } })],
      ...overrides,
    }),
  };
}

export function cacheTier(overrides: Partial<CacheTierInterval> = {}): CacheTierInterval {
  return { hits: 90, misses: 10, hitRate: 0.9, bytes: null, entries: null, evictions: null, errors: 0, ...overrides };
}

/** One second of cache telemetry where `hitRate` of 100 requests hit (L1 answering all of those hits). */
export function cacheInterval(hitRate = 0.9, overrides: Partial<CacheInterval> = {}): CacheInterval {
  const hits = Math.round(hitRate * 100);
  return {
    requests: 100,
    hits,
    hitRate,
    loads: 100 - hits,
    loadErrors: 0,
    l1MaxBytes: 128 * 1024 * 1024,
    tiers: {
      l1: cacheTier({ hits, misses: 100 - hits, hitRate, bytes: 40 * 1024 * 1024, entries: 30_000, evictions: 5 }),
      l2: cacheTier({ hits: 0, misses: 100 - hits, hitRate: 0 }),
      l3: null,
    },
    ...overrides,
  };
}

function latency(p99: number, count = 100): PoolLatency {
  return { count, p50: p99 / 4, p95: p99 / 2, p99 };
}

/** One second of the workload pool: 8 connections, 6 busy, and its `efficiency`. */
export function poolInterval(efficiency: number | null = 0.95, overrides: Partial<PoolInterval> = {}): PoolInterval {
  return {
    connections: { total: 8, idle: 2, active: 6, opening: 0 },
    activeByLane: { high: 1, normal: 4, low: 1 },
    waitingByLane: { high: 0, normal: 3, low: 2 },
    limit: 8,
    min: 2,
    max: 8,
    acquiresByLane: { high: 10, normal: 480, low: 12 },
    timeoutsByLane: { high: 0, normal: 0, low: 1 },
    errors: 0,
    brokenConnections: 0,
    leaks: 0,
    acquireWaitByLane: { high: latency(0.2), normal: latency(4), low: latency(40) },
    usage: latency(2),
    efficiency,
    busyShare: 0.75,
    ...overrides,
  };
}

const MiB = 1024 * 1024;

/** Resources at `usage` of a 512 MiB budget, the machine 30% busy, with `actions` taken in the interval. */
export function memoryInterval(usage = 0.5, overrides: Partial<MemoryInterval> = {}): MemoryInterval {
  return {
    process: {
      rssBytes: usage * 512 * MiB,
      heapUsedBytes: 100 * MiB,
      heapLimitBytes: 4096 * MiB,
      externalBytes: 5 * MiB,
      arrayBuffersBytes: 2 * MiB,
      cpuPercent: 40,
    },
    eventLoop: { delayP50Ms: 1, delayP99Ms: 12, utilization: 0.3 },
    machine: { totalBytes: 24 * 1024 * MiB, availableBytes: 20 * 1024 * MiB, cpuLoadPercent: 30, cores: 2 },
    children: [{ name: 'postgres', rssBytes: 80 * MiB, cpuPercent: 20 }],
    level: usage >= 0.9 ? 'aggressive' : usage >= 0.85 ? 'moderate' : 'normal',
    usage,
    usageSource: 'budget',
    budgetBytes: 512 * MiB,
    l1Bytes: 64 * MiB,
    actions: [],
    ...overrides,
  };
}

export function idleSnapshot(n: number): TelemetrySnapshot {
  return { at: n * 1000, workload: null, cache: null, pool: null, memory: null };
}

export function profile(overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    id: 'p1',
    name: 'app on db.example.com',
    pgDisplayUrl: 'postgres://me:****@db.example.com:5432/app',
    redisDisplayUrl: null,
    secretSaved: false,
    secretAvailable: true,
    needsSecret: true,
    lastUsedAt: null,
    ...overrides,
  };
}
