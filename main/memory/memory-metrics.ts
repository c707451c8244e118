/**
 * The memory manager's Prometheus metrics. Everything is read from the manager at scrape time (collect
 * hooks), so the manager does no metric work of its own; scrapes use status(), never snapshot(), so they
 * never take the new actions the engine's timeline is waiting for.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CleanupLevel, MemoryManager } from './memory-manager.ts';
import { PRESSURE_LEVELS } from './pressure-levels.ts';

/** What the metrics read: the manager, or anything shaped like its read-only parts (tests). */
export type MemoryMetricsSource = Pick<MemoryManager, 'status'>;

const CLEANUP_LEVELS: readonly CleanupLevel[] = ['moderate', 'aggressive'];

export function registerMemoryMetrics(registry: Registry, manager: MemoryMetricsSource): void {
  const registers = [registry];
  new Gauge({
    name: 'hotpath_memory_pressure',
    help: 'Memory pressure level: 0 normal, 1 moderate, 2 aggressive.',
    registers,
    collect() {
      this.set(PRESSURE_LEVELS.indexOf(manager.status().level));
    },
  });
  const reported: Record<CleanupLevel, number> = { moderate: 0, aggressive: 0 };
  new Counter({
    name: 'hotpath_memory_cleanups_total',
    help: 'Cleanups the memory manager ran (automatic and operator), by level.',
    labelNames: ['level'],
    registers,
    collect() {
      const counts = manager.status().cleanups;
      for (const level of CLEANUP_LEVELS) {
        // Counters only go up: add what happened since the previous scrape.
        const delta = counts[level] - reported[level];
        this.inc({ level }, Math.max(0, delta));
        reported[level] = Math.max(reported[level], counts[level]);
      }
    },
  });
  new Gauge({
    name: 'hotpath_memory_rss_bytes',
    help: "Resident memory of the engine process at the memory manager's latest reading (0 before the first).",
    registers,
    collect() {
      this.set(manager.status().reading?.process.rssBytes ?? 0);
    },
  });
  new Gauge({
    name: 'hotpath_memory_budget_bytes',
    help: "The engine's memory budget (RSS above 85% of it is moderate pressure, 90% aggressive).",
    registers,
    collect() {
      this.set(manager.status().budgetBytes);
    },
  });
  new Gauge({
    name: 'hotpath_memory_heap_used_bytes',
    help: "V8 heap in use at the memory manager's latest reading (0 before the first).",
    registers,
    collect() {
      this.set(manager.status().reading?.process.heapUsedBytes ?? 0);
    },
  });
}
