import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { cacheInterval, memoryInterval, poolInterval, templateStats, workloadInterval } from '../renderer/fixtures.ts';

/** What a healthy second looks like at the seed's goal: every one of the eight metrics passes. */
export interface SecondShape {
  p99?: number;
  rate?: number;
  shed?: number;
  completed?: number;
  warmup?: boolean;
  workload?: boolean;
  hitRate?: number | null;
  efficiency?: number | null;
  memory?: number | null;
  cpuPercent?: number | null;
}

/** The snapshot the engine would publish at second `n` (at = n × 1000 ms). */
export function second(n: number, shape: SecondShape = {}): TelemetrySnapshot {
  const at = n * 1000;
  const completed = shape.completed ?? 12_000;
  const all = templateStats('all', {
    count: completed,
    shed: shape.shed ?? 0,
    latency: { count: completed, p50: 2, p95: 8, p99: shape.p99 ?? 20 },
  });
  const workload =
    shape.workload === false
      ? null
      : workloadInterval(at, { achievedRate: shape.rate ?? 12_000, warmup: shape.warmup ?? false, templates: [all] });
  const memory =
    shape.memory === null
      ? null
      : memoryInterval(shape.memory ?? 0.5, {
          machine: { totalBytes: 1, availableBytes: 1, cores: 2, cpuLoadPercent: shape.cpuPercent === undefined ? 40 : shape.cpuPercent },
        });
  return {
    at,
    workload,
    cache: cacheInterval(0.9, { hitRate: shape.hitRate === undefined ? 0.9 : shape.hitRate }),
    pool: poolInterval(shape.efficiency === undefined ? 0.95 : shape.efficiency),
    memory,
  };
}
