/**
 * The memory manager's plain data: what it reports (status, snapshot, actions) and how it is configured.
 * Plain objects only, so the engine can mirror them in its zod contract and send them over any transport.
 */
import type { BackgroundWork } from './background-gate.ts';
import type { CleanupStepResult, ReclaimableCache, ReclaimablePlanner, ReclaimablePool, StepEnvironment } from './cleanup-steps.ts';
import type { L1TargetSettings } from './l1-targets.ts';
import { formatBytes } from './memory-budget.ts';
import type { PressureLevel, PressureThresholds } from './pressure-levels.ts';
import type { ResourceReading, ResourceSource } from './resource-sampler.ts';

export type CleanupLevel = Exclude<PressureLevel, 'normal'>;
export type MemoryLogLevel = 'info' | 'warn';

export interface MemoryAction {
  /** Epoch ms. */
  at: number;
  /** The level the action belongs to: a cleanup's level, or the level pressure fell to for a restoration. */
  level: PressureLevel;
  kind: 'cleanup' | 'restore';
  trigger: 'automatic' | 'operator';
  /** Why, with the numbers: "entered aggressive: RSS 612 MiB is 91% of the 672 MiB budget". */
  reason: string;
  steps: CleanupStepResult[];
}

export interface MemoryStatus {
  /** The latest reading; null before the first. */
  reading: ResourceReading | null;
  level: PressureLevel;
  /** max(budget share, machine share) of the latest reading, 0..1+; null before the first. */
  usage: number | null;
  usageSource: 'budget' | 'machine' | null;
  budgetBytes: number;
  /** Automatic cleanups paused by the operator (restorations still run). */
  paused: boolean;
  backgroundPaused: boolean;
  l1: { bytes: number; maxBytes: number; configuredBytes: number } | null;
  cleanups: Record<CleanupLevel, number>;
}

export interface MemorySnapshot extends MemoryStatus {
  /** Actions since the previous snapshot() call, oldest first: each is returned exactly once. */
  newActions: MemoryAction[];
}

export interface MemoryManagerOptions {
  budgetBytes: number;
  sampler: ResourceSource;
  cache?: ReclaimableCache;
  pool?: ReclaimablePool;
  /** Aggressive pressure drops its caches too. */
  planner?: ReclaimablePlanner;
  background?: BackgroundWork;
  log: (level: MemoryLogLevel, message: string) => void;
  /** Epoch ms, for action times and the repeat/restore delays (default Date.now). */
  clock?: () => number;
  /** Default 2,000 ms. */
  intervalMs?: number;
  /** Default true; false starts with automatic cleanups paused. */
  autoCleanup?: boolean;
  thresholds?: Partial<PressureThresholds>;
  /** A level's steps run again at most this often while it lasts (default 30,000 ms). */
  repeatAfterMs?: number;
  /** The L1 grows back after this long at normal (default 60,000 ms). */
  restoreAfterMs?: number;
  l1Targets?: Partial<L1TargetSettings>;
  /** Actions kept (default 200). */
  logCapacity?: number;
  /** Measurement and GC for the steps (tests inject these). */
  stepEnvironment?: StepEnvironment;
}

/** One line per action: "memory: aggressive cleanup (automatic) — reason; emptyL1 done, freed 120 MiB RSS in 4 ms (…); …". */
export function describeAction(action: MemoryAction): string {
  const what = action.kind === 'cleanup' ? `${action.level} cleanup` : 'restore';
  const parts = action.steps.map(
    (s) =>
      `${s.step} ${s.status}, freed ${formatBytes(s.freedBytes)} RSS / ${formatBytes(s.freedHeapBytes)} heap in ${s.tookMs.toFixed(0)} ms (${s.detail})`,
  );
  return `memory: ${what} (${action.trigger}) — ${action.reason}; ${parts.join('; ')}`;
}
