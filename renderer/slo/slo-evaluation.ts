import type { CacheInterval } from '../../main/contract/cache.ts';
import type { MemoryInterval } from '../../main/contract/memory.ts';
import type { PoolInterval } from '../../main/contract/pool.ts';
import type { WorkloadInterval } from '../../main/contract/telemetry.ts';
import { formatMs, formatRate, formatShare } from '../format/units.ts';
import { ALL_TEMPLATES } from '../state/telemetry-series.ts';

export type SloVerdict = 'pass' | 'fail' | 'waiting';

export interface SloResult {
  id: string;
  /** What is measured, e.g. "p99 latency". */
  label: string;
  /** The goal, e.g. "< 100 ms". */
  target: string;
  verdict: SloVerdict;
  /** The measured value with its unit; null when there is none. */
  value: string | null;
}

interface MeasuredSlo {
  id: string;
  label: string;
  target: string;
  /** The measured value, or null when the interval has nothing to measure. */
  measure(interval: WorkloadInterval): number | null;
  passes(value: number): boolean;
  format(value: number): string;
}

const overall = (interval: WorkloadInterval) => interval.templates.find((t) => t.template === ALL_TEMPLATES);
const latency = (key: 'p50' | 'p95' | 'p99') => (interval: WorkloadInterval) => {
  const all = overall(interval);
  return all && all.latency.count > 0 ? all.latency[key] : null;
};

/** The seed's success metrics that the workload measures today. */
const MEASURED: readonly MeasuredSlo[] = [
  { id: 'p50', label: 'p50 latency', target: '< 10 ms', measure: latency('p50'), passes: (v) => v < 10, format: formatMs },
  { id: 'p95', label: 'p95 latency', target: '< 50 ms', measure: latency('p95'), passes: (v) => v < 50, format: formatMs },
  { id: 'p99', label: 'p99 latency', target: '< 100 ms', measure: latency('p99'), passes: (v) => v < 100, format: formatMs },
  {
    id: 'throughput',
    label: 'Throughput',
    target: '> 10,000 req/s',
    measure: (i) => i.achievedRate,
    passes: (v) => v > 10_000,
    format: formatRate,
  },
];

/**
 * Pass or fail of each target against the newest second of the workload. A warm-up
 * second does not count (its latencies include connection set-up), and with no
 * workload interval at all a tile waits for data rather than claiming a verdict.
 */
export function evaluateSlos(
  interval: WorkloadInterval | null,
  cache: CacheInterval | null = null,
  pool: PoolInterval | null = null,
  memory: MemoryInterval | null = null,
): SloResult[] {
  const usable = interval && !interval.warmup ? interval : null;
  const measured = MEASURED.map((slo): SloResult => {
    const value = usable ? slo.measure(usable) : null;
    if (value === null) return { id: slo.id, label: slo.label, target: slo.target, verdict: 'waiting', value: null };
    return { id: slo.id, label: slo.label, target: slo.target, verdict: slo.passes(value) ? 'pass' : 'fail', value: slo.format(value) };
  });
  return [...measured, evaluateCacheHitRate(cache), evaluatePoolEfficiency(pool), evaluateMemory(memory), evaluateCpu(memory)];
}

/** The share of cached-template reads some tier answered in the newest second; waits while none were read. */
function evaluateCacheHitRate(cache: CacheInterval | null): SloResult {
  const slo = { id: 'cache-hit-rate', label: 'Cache hit rate', target: '> 80%' };
  if (cache === null || cache.hitRate === null) return { ...slo, verdict: 'waiting', value: null };
  return { ...slo, verdict: cache.hitRate > 0.8 ? 'pass' : 'fail', value: formatShare(cache.hitRate) };
}

export const VERDICT_TEXT: Record<SloVerdict, string> = {
  pass: 'Pass',
  fail: 'Fail',
  waiting: 'Waiting for data',
};

/**
 * Pool efficiency in the newest second: of the connection-time while callers waited, the share spent running
 * queries. A second in which nobody waited passes: idle connections then cost no caller anything.
 */
function evaluatePoolEfficiency(pool: PoolInterval | null): SloResult {
  const slo = { id: 'pool-efficiency', label: 'Pool efficiency', target: '> 90%' };
  if (pool === null) return { ...slo, verdict: 'waiting', value: null };
  if (pool.efficiency === null) return { ...slo, verdict: 'pass', value: 'no waits' };
  return { ...slo, verdict: pool.efficiency > 0.9 ? 'pass' : 'fail', value: formatShare(pool.efficiency) };
}

/**
 * Memory in use, as the memory manager decides its levels on it: max(RSS / budget, machine memory in use). Measured
 * whether or not a workload runs (the engine uses memory either way); waits until the manager's first reading.
 */
function evaluateMemory(memory: MemoryInterval | null): SloResult {
  const slo = { id: 'memory', label: 'Memory', target: '< 80%' };
  if (memory === null) return { ...slo, verdict: 'waiting', value: null };
  return { ...slo, verdict: memory.usage < 0.8 ? 'pass' : 'fail', value: formatShare(memory.usage) };
}

/** The machine's CPU load (all cores); waits where the host cannot read it. */
function evaluateCpu(memory: MemoryInterval | null): SloResult {
  const slo = { id: 'cpu', label: 'CPU', target: '< 70%' };
  const load = memory?.machine.cpuLoadPercent ?? null;
  if (load === null) return { ...slo, verdict: 'waiting', value: null };
  // Rounded down: a load of 69.6% passes and must not read "70%" beside its Pass.
  return { ...slo, verdict: load < 70 ? 'pass' : 'fail', value: `${Math.floor(load)}%` };
}
