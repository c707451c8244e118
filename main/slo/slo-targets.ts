import { SLO_DEFINITIONS, type SloDefinition, type SloId } from '../contract/slo.ts';
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

/** A metric's definition (from the contract) and how to take its second from a snapshot. */
export interface SloTarget extends SloDefinition {
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

/** The contract's definition of `id`, with its sampling. */
function define(id: SloId, sample: (snapshot: TelemetrySnapshot, target: SloDefinition) => SloSample): SloTarget {
  const definition = SLO_DEFINITIONS.find((d) => d.id === id)!;
  return { ...definition, sample: (snapshot) => sample(snapshot, definition) };
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
const latency = (id: 'p50' | 'p95' | 'p99') =>
  define(id, (snapshot, target) => {
    const workload = running(snapshot);
    if (!workload) return ABSENT;
    const all = workload.templates.find((t) => t.template === WHOLE_WORKLOAD);
    if (!all || all.latency.count === 0) return IDLE;
    return judged(target, all.latency[id]);
  });

/** Successful completions per second; a second that shed requests fails whatever its rate (shedding is not serving). */
const throughput = define('throughput', (snapshot, target) => {
  const workload = running(snapshot);
  if (!workload) return ABSENT;
  const shed = workload.templates.find((t) => t.template === WHOLE_WORKLOAD)?.shed ?? 0;
  return judged(target, workload.achievedRate, shed > 0 ? `${shed} requests shed` : null);
});

/** The share of cached-template reads some tier answered; idle while the workload read nothing cached. */
const cacheHitRate = define('cache-hit-rate', (snapshot, target) => {
  if (!running(snapshot) || !snapshot.cache) return ABSENT;
  return snapshot.cache.hitRate === null ? IDLE : judged(target, snapshot.cache.hitRate);
});

/** See main/pool/pool-metrics.ts (UtilisationMeter); idle while nobody used the pool (e.g. every read a cache hit). */
const poolEfficiency = define('pool-efficiency', (snapshot, target) => {
  if (!running(snapshot) || !snapshot.pool) return ABSENT;
  return snapshot.pool.efficiency === null ? IDLE : judged(target, snapshot.pool.efficiency);
});

/**
 * max(RSS / budget, machine memory in use), what the memory manager decides its levels on. Judged whether or not a
 * workload runs: the engine holds memory either way.
 */
const memory = define('memory', (snapshot, target) => (snapshot.memory ? judged(target, snapshot.memory.usage) : ABSENT));

/** The machine's CPU load over all cores, whether or not a workload runs; idle where the host cannot read it. */
const cpu = define('cpu', (snapshot, target) => {
  const load = snapshot.memory?.machine.cpuLoadPercent;
  if (load === undefined) return ABSENT;
  return load === null ? IDLE : judged(target, load / 100);
});

/** The seed's eight success metrics, in the seed's order (SLO_IDS). */
export const SLO_TARGETS: readonly SloTarget[] = [
  latency('p50'),
  latency('p95'),
  latency('p99'),
  throughput,
  cacheHitRate,
  poolEfficiency,
  memory,
  cpu,
];
