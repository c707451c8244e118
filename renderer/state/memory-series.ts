import type { MemoryActionPayload, MemoryInterval, PressureLevelPayload } from '../../main/contract/memory.ts';
import type { TelemetrySnapshot } from '../../main/contract/telemetry.ts';
import { bucketize, bucketSecondsFor, maxOf, meanOf } from './telemetry-series.ts';

/** The pressure level as a number, so a chart can draw it: 0 normal, 1 moderate, 2 aggressive. */
export type LevelValue = 0 | 1 | 2;
export const LEVEL_VALUES: Record<PressureLevelPayload, LevelValue> = { normal: 0, moderate: 1, aggressive: 2 };
export const LEVEL_NAMES: readonly PressureLevelPayload[] = ['normal', 'moderate', 'aggressive'];

/** One point of the memory charts; null is "not measured in that second" (a gap, not a zero). */
export interface MemoryPoint {
  at: number;
  /** The engine process: resident set and V8 heap in use, in MiB. */
  rssMiB: number | null;
  heapMiB: number | null;
  /** What the L1 cache holds, in MiB (null without a cache). */
  l1MiB: number | null;
  /** The memory budget RSS is measured against, in MiB. */
  budgetMiB: number | null;
  /** Percent of the machine's memory in use (not available). */
  machineUsedPercent: number | null;
  /** top-style percent: 100 = one core busy, so it may exceed 100. */
  processCpu: number | null;
  /** Percent of all cores; null where the host cannot tell. */
  machineCpu: number | null;
  /** Event-loop delay p99, in ms. */
  loopP99Ms: number | null;
  level: LevelValue | null;
}

const MiB = 1024 * 1024;

export function memoryPointFromSnapshot(at: number, memory: MemoryInterval | null): MemoryPoint {
  if (!memory) {
    return {
      at,
      rssMiB: null,
      heapMiB: null,
      l1MiB: null,
      budgetMiB: null,
      machineUsedPercent: null,
      processCpu: null,
      machineCpu: null,
      loopP99Ms: null,
      level: null,
    };
  }
  const { totalBytes, availableBytes } = memory.machine;
  return {
    at,
    rssMiB: memory.process.rssBytes / MiB,
    heapMiB: memory.process.heapUsedBytes / MiB,
    l1MiB: memory.l1Bytes === null ? null : memory.l1Bytes / MiB,
    budgetMiB: memory.budgetBytes / MiB,
    machineUsedPercent: totalBytes > 0 ? ((totalBytes - availableBytes) / totalBytes) * 100 : null,
    processCpu: memory.process.cpuPercent,
    machineCpu: memory.machine.cpuLoadPercent,
    loopP99Ms: memory.eventLoop.delayP99Ms,
    level: LEVEL_VALUES[memory.level],
  };
}

const MEAN_KEYS = ['rssMiB', 'heapMiB', 'l1MiB', 'machineUsedPercent', 'processCpu', 'machineCpu'] as const;

/**
 * The memory chart series of one window. Sizes and CPU are averaged per bucket; the budget, the loop delay
 * and the level keep the bucket's maximum, so a stall or a short spell of pressure is not averaged away.
 */
export function buildMemorySeries(snapshots: readonly TelemetrySnapshot[], windowSeconds: number): MemoryPoint[] {
  const newest = snapshots[snapshots.length - 1];
  if (!newest) return [];
  const from = newest.at - windowSeconds * 1000;
  const points = snapshots.filter((s) => s.at > from).map((s) => memoryPointFromSnapshot(s.at, s.memory));
  return bucketize(points, bucketSecondsFor(windowSeconds), (bucket) => {
    const merged = {} as Omit<MemoryPoint, 'at'>;
    for (const key of MEAN_KEYS) merged[key] = meanOf(bucket.map((p) => p[key]));
    merged.budgetMiB = maxOf(bucket.map((p) => p.budgetMiB));
    merged.loopP99Ms = maxOf(bucket.map((p) => p.loopP99Ms));
    merged.level = maxOf(bucket.map((p) => p.level)) as LevelValue | null;
    return merged;
  });
}

/** The actions (cleanups and restorations) taken within the window, oldest first. Each snapshot carries its own once. */
export function memoryActionsInWindow(snapshots: readonly TelemetrySnapshot[], windowSeconds: number): MemoryActionPayload[] {
  const newest = snapshots[snapshots.length - 1];
  if (!newest) return [];
  const from = newest.at - windowSeconds * 1000;
  return snapshots
    .filter((s) => s.at > from)
    .flatMap((s) => s.memory?.actions ?? [])
    .filter((a) => a.at > from)
    .sort((a, b) => a.at - b.at);
}

/** RSS and heap an action gave back, summed over its steps (either may be negative: the process grew meanwhile). */
export function freedBy(action: MemoryActionPayload): { rssBytes: number; heapBytes: number } {
  let rssBytes = 0;
  let heapBytes = 0;
  for (const step of action.steps) {
    rssBytes += step.freedBytes;
    heapBytes += step.freedHeapBytes;
  }
  return { rssBytes, heapBytes };
}
