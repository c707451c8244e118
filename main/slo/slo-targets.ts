import type { SloId, SloUnit } from '../contract/slo.ts';
import type { TelemetrySnapshot, WorkloadInterval } from '../contract/telemetry.ts';

/**
 * One metric in one second, as the window sees it:
 * - `absent`: its source is not there (no workload running, or its warm-up; no stack; no memory reading yet). A
 *   sustained figure is over one continuous run, so an absent second ends the window and the next one starts anew.
 * - `idle`: the source is there but had nothing to measure (no request completed, no cached read, nobody used the
 *   pool, the host cannot read its CPU load). Neither passes nor fails; the window goes on through it.
 * - `judged`: a value, and whether it met the target (a second can fail whatever its value, e.g. when it shed).
 */
export type SloSample = { kind: 'absent' } | { kind: 'idle' } | { kind: 'judged'; value: number; passed: boolean; note: string | null };

export interface SloTarget {
  id: SloId;
  label: string;
  target: string;
  threshold: number;
  /** below: a second passes when its value is below the threshold; above: when it is above. */
  direction: 'below' | 'above';
  unit: SloUnit;
  /** This metric's second in the snapshot the engine publishes. */
  sample(snapshot: TelemetrySnapshot): SloSample;
}

const ABSENT: SloSample = { kind: 'absent' };
const IDLE: SloSample = { kind: 'idle' };

/** The interval of the whole workload (the contract lists it after the templates). */
const WHOLE_WORKLOAD = 'all';

/**
 * The workload's second when it counts: a workload runs and is past its warm-up (whose latencies include opening
 * connections and a cold cache). The workload-driven metrics (latency, throughput, cache, pool) share this rule, so
 * they start and restart together.
 */
function running(snapshot: TelemetrySnapshot): WorkloadInterval | null {
  return snapshot.workload && !snapshot.workload.warmup ? snapshot.workload : null;
}

function judged(target: Pick<SloTarget, 'threshold' | 'direction'>, value: number, note: string | null = null): SloSample {
  const meets = target.direction === 'below' ? value < target.threshold : value > target.threshold;
  return { kind: 'judged', value, passed: meets && note === null, note };
}

/**
 * Latency of the requests that completed in the second. A second without a completed request is idle: a stall
 * fails throughput at once, and latency when the late requests complete (latency counts from each request's
 * intended start, so their whole delay is in it).
 */
function latencyTarget(id: 'p50' | 'p95' | 'p99', thresholdMs: number): SloTarget {
  const target: SloTarget = {
    id,
    label: `${id} latency`,
    target: `< ${thresholdMs} ms`,
    threshold: thresholdMs,
    direction: 'below',
    unit: 'ms',
    sample(snapshot) {
      const workload = running(snapshot);
      if (!workload) return ABSENT;
      const all = workload.templates.find((t) => t.template === WHOLE_WORKLOAD);
      if (!all || all.latency.count === 0) return IDLE;
      return judged(target, all.latency[id]);
    },
  };
  return target;
}

const throughput: SloTarget = {
  id: 'throughput',
  label: 'Throughput',
  target: '> 10,000 req/s',
  threshold: 10_000,
  direction: 'above',
  unit: 'requests-per-second',
  /** Successful completions per second; a second that shed requests fails whatever its rate (shedding is not serving). */
  sample(snapshot) {
    const workload = running(snapshot);
    if (!workload) return ABSENT;
    const shed = workload.templates.find((t) => t.template === WHOLE_WORKLOAD)?.shed ?? 0;
    return judged(throughput, workload.achievedRate, shed > 0 ? `${shed} requests shed` : null);
  },
};

const cacheHitRate: SloTarget = {
  id: 'cache-hit-rate',
  label: 'Cache hit rate',
  target: '> 80%',
  threshold: 0.8,
  direction: 'above',
  unit: 'ratio',
  /** The share of cached-template reads some tier answered; idle while the workload read nothing cached. */
  sample(snapshot) {
    if (!running(snapshot) || !snapshot.cache) return ABSENT;
    return snapshot.cache.hitRate === null ? IDLE : judged(cacheHitRate, snapshot.cache.hitRate);
  },
};

const poolEfficiency: SloTarget = {
  id: 'pool-efficiency',
  label: 'Pool efficiency',
  target: '> 90%',
  threshold: 0.9,
  direction: 'above',
  unit: 'ratio',
  /** See main/pool/pool-metrics.ts (UtilisationMeter); idle while nobody used the pool (e.g. every read a cache hit). */
  sample(snapshot) {
    if (!running(snapshot) || !snapshot.pool) return ABSENT;
    return snapshot.pool.efficiency === null ? IDLE : judged(poolEfficiency, snapshot.pool.efficiency);
  },
};

const memory: SloTarget = {
  id: 'memory',
  label: 'Memory',
  target: '< 80%',
  threshold: 0.8,
  direction: 'below',
  unit: 'ratio',
  /**
   * max(RSS / budget, machine memory in use), what the memory manager decides its levels on. Judged whether or not a
   * workload runs: the engine holds memory either way.
   */
  sample(snapshot) {
    return snapshot.memory ? judged(memory, snapshot.memory.usage) : ABSENT;
  },
};

const cpu: SloTarget = {
  id: 'cpu',
  label: 'CPU',
  target: '< 70%',
  threshold: 0.7,
  direction: 'below',
  unit: 'ratio',
  /** The machine's CPU load over all cores, whether or not a workload runs; idle where the host cannot read it. */
  sample(snapshot) {
    const load = snapshot.memory?.machine.cpuLoadPercent;
    if (load === undefined) return ABSENT;
    return load === null ? IDLE : judged(cpu, load / 100);
  },
};

/** The seed's eight success metrics, in the seed's order (SLO_IDS). */
export const SLO_TARGETS: readonly SloTarget[] = [
  latencyTarget('p50', 10),
  latencyTarget('p95', 50),
  latencyTarget('p99', 100),
  throughput,
  cacheHitRate,
  poolEfficiency,
  memory,
  cpu,
];
