/**
 * The memory manager's cleanup steps, each measured: RSS and heap before and after, and the time it took.
 * A step frees what it can and reports honestly: freeing cache entries lowers RSS only once V8 collects them,
 * so `freedBytes` of a cache step is often about 0 and the collection that follows shows the drop; a negative
 * figure (the process grew meanwhile) is reported as it is. Steps never throw: a failure is a result.
 * Only this process is touched: nothing here needs root, drops the OS's caches or signals another program.
 */
import { performance } from 'node:perf_hooks';
import { formatBytes } from './memory-budget.ts';
import type { BackgroundWork } from './background-gate.ts';

export type CleanupStepName =
  | 'purgeExpiredL1'
  | 'shrinkL1'
  | 'emptyL1'
  | 'restoreL1'
  | 'trimPool'
  | 'poolToMinimum'
  | 'restorePool'
  | 'collectGarbage'
  | 'releasePlannerCaches'
  | 'pauseBackground'
  | 'resumeBackground';

export interface CleanupStepResult {
  step: CleanupStepName;
  /** skipped: nothing to do, or not possible here (the detail says why); failed: the detail has the error. */
  status: 'done' | 'skipped' | 'failed';
  /** RSS before − after, in bytes; ≤ 0 when nothing came back to the OS during the step. */
  freedBytes: number;
  /** heapUsed before − after, in bytes. */
  freedHeapBytes: number;
  tookMs: number;
  detail: string;
}

/** The cache as the memory manager reaches it; `tieredCacheReclaimer` adapts a TieredCache. */
export interface ReclaimableCache {
  /** Bytes the L1 holds now (its own accounting of entry sizes). */
  l1Bytes(): number;
  /** The L1's current byte budget. */
  l1MaxBytes(): number;
  /** The budget the L1 is configured with (what a restore returns to). */
  l1ConfiguredBytes(): number;
  resizeL1(bytes: number): void;
  /** Drops expired entries now; returns how many. */
  purgeExpiredL1(): number;
  /** Empties the L1; returns how many entries it held. */
  flushL1(): Promise<number>;
}

/** A connection pool as the memory manager reaches it. */
export interface ReclaimablePool {
  /** Closes idle connections above the pool's minimum; returns how many. */
  trimIdle(): Promise<number>;
  /** Closes every connection above the minimum and keeps the pool there until restore(); returns how many. */
  shrinkToMinimum(): Promise<number>;
  /** Lets the pool grow to its configured size again. */
  restore(): Promise<void>;
}

/** The plan selector's thread as the memory manager reaches it: caches it rebuilds as queries need them. */
export interface ReclaimablePlanner {
  /** Drops them; returns the bytes they held (0 when the selector is not running). */
  releaseCaches(): Promise<number>;
}

export interface MemoryFigures {
  rssBytes: number;
  heapUsedBytes: number;
}

export interface StepEnvironment {
  /** RSS and heap now; default process.memoryUsage(). */
  measure?: () => MemoryFigures;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
  /** V8's collector; default globalThis.gc, which exists only when Node was started with --expose-gc. */
  gc?: (() => void) | undefined;
}

type Outcome = { status: CleanupStepResult['status']; detail: string };

const processFigures = (): MemoryFigures => {
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
};

/** Runs one step between two measurements. */
export async function measureStep(
  step: CleanupStepName,
  env: StepEnvironment,
  run: () => Outcome | Promise<Outcome>,
): Promise<CleanupStepResult> {
  const measure = env.measure ?? processFigures;
  const now = env.now ?? (() => performance.now());
  const before = measure();
  const started = now();
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    outcome = { status: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  const tookMs = now() - started;
  const after = measure();
  return {
    step,
    ...outcome,
    freedBytes: before.rssBytes - after.rssBytes,
    freedHeapBytes: before.heapUsedBytes - after.heapUsedBytes,
    tookMs,
  };
}

export function purgeExpiredL1(cache: ReclaimableCache, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('purgeExpiredL1', env, () => {
    const removed = cache.purgeExpiredL1();
    return {
      status: removed > 0 ? 'done' : 'skipped',
      detail: removed > 0 ? `dropped ${removed} expired L1 entries` : 'no expired L1 entries',
    };
  });
}

/** Lowers the L1's budget to `targetBytes` (evicting the coldest entries at once); never raises it. */
export function shrinkL1(cache: ReclaimableCache, targetBytes: number, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('shrinkL1', env, () => {
    const max = cache.l1MaxBytes();
    const target = Math.max(0, Math.floor(targetBytes));
    if (target >= max)
      return { status: 'skipped', detail: `L1 budget already ${formatBytes(max)}, at or below the ${formatBytes(target)} target` };
    const held = cache.l1Bytes();
    cache.resizeL1(target);
    return {
      status: 'done',
      detail: `L1 budget ${formatBytes(max)} → ${formatBytes(target)}; it held ${formatBytes(held)}, now ${formatBytes(cache.l1Bytes())}`,
    };
  });
}

/** Empties the L1 and holds its budget at `floorBytes`, so it does not refill while pressure lasts. */
export function emptyL1(cache: ReclaimableCache, floorBytes: number, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('emptyL1', env, async () => {
    const held = cache.l1Bytes();
    const floor = Math.max(0, Math.floor(Math.min(floorBytes, cache.l1MaxBytes())));
    // The floor first: loads finishing during the flush then land in a small L1, not a full-size one.
    cache.resizeL1(floor);
    await cache.flushL1();
    return { status: 'done', detail: `emptied the L1, which held ${formatBytes(held)}; budget held at ${formatBytes(floor)}` };
  });
}

/** Gives the L1 a larger budget again (after pressure has been gone for a while); never lowers it. */
export function restoreL1(cache: ReclaimableCache, bytes: number, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('restoreL1', env, () => {
    const max = cache.l1MaxBytes();
    const target = Math.floor(bytes);
    if (target <= max) return { status: 'skipped', detail: `L1 budget already ${formatBytes(max)}` };
    cache.resizeL1(target);
    return { status: 'done', detail: `L1 budget ${formatBytes(max)} → ${formatBytes(target)}` };
  });
}

export function trimPool(pool: ReclaimablePool, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('trimPool', env, async () => {
    const closed = await pool.trimIdle();
    return {
      status: closed > 0 ? 'done' : 'skipped',
      detail: closed > 0 ? `closed ${closed} idle pool connections above the minimum` : 'no idle connections above the minimum',
    };
  });
}

export function poolToMinimum(pool: ReclaimablePool, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('poolToMinimum', env, async () => {
    const closed = await pool.shrinkToMinimum();
    return { status: 'done', detail: `pool held at its minimum; closed ${closed} connections` };
  });
}

export function restorePool(pool: ReclaimablePool, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('restorePool', env, async () => {
    await pool.restore();
    return { status: 'done', detail: 'pool may grow to its configured size again' };
  });
}

/**
 * The plan selector's partial results (bounded by their own byte budget, in its thread's heap): dropped, they are
 * rebuilt by the queries that need them, so hybrid queries pay a little more for a while.
 */
export function releasePlannerCaches(planner: ReclaimablePlanner, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('releasePlannerCaches', env, async () => {
    const bytes = await planner.releaseCaches();
    return bytes > 0
      ? { status: 'done', detail: `dropped the plan selector's cached partial results (${formatBytes(bytes)}, in its own thread)` }
      : { status: 'skipped', detail: 'the plan selector holds no cached partial results' };
  });
}

/** A full collection when Node exposes one (--expose-gc); otherwise skipped: V8 then collects on its own schedule. */
export function collectGarbage(env: StepEnvironment = {}): Promise<CleanupStepResult> {
  const gc = 'gc' in env ? env.gc : (globalThis as { gc?: () => void }).gc;
  return measureStep('collectGarbage', env, () => {
    if (typeof gc !== 'function') {
      return {
        status: 'skipped',
        detail: 'global.gc is not exposed (start Node with --expose-gc to allow it); V8 collects on its own schedule',
      };
    }
    gc();
    return { status: 'done', detail: 'asked V8 for a full collection' };
  });
}

export function pauseBackground(work: BackgroundWork, reason: string, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('pauseBackground', env, () => {
    const was = work.paused;
    work.pause(reason);
    return {
      status: was ? 'skipped' : 'done',
      detail: was ? 'background work was already paused' : 'paused warming, seeding and background jobs',
    };
  });
}

export function resumeBackground(work: BackgroundWork, env: StepEnvironment = {}): Promise<CleanupStepResult> {
  return measureStep('resumeBackground', env, () => {
    if (!work.paused) return { status: 'skipped', detail: 'background work was not paused' };
    work.resume();
    return { status: 'done', detail: 'resumed warming, seeding and background jobs' };
  });
}
