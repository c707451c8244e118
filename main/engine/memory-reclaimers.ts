/**
 * Adapters from the engine's real cache and pools to the small interfaces the cleanup steps use, so the
 * manager and its steps know nothing of TieredCache or pg beyond these few calls.
 */
import type { PoolManager } from '../pool/index.ts';
import type { TieredCache } from '../cache/index.ts';
import type { ReclaimableCache, ReclaimablePool } from '../memory/index.ts';

/**
 * A TieredCache's L1. `configuredMaxBytes` is what the L1 returns to after pressure: a number, or a function
 * when the operator can change it at run time (cache.resize), so a restore never undoes the operator's choice.
 */
export function tieredCacheReclaimer(cache: TieredCache, configuredMaxBytes: number | (() => number)): ReclaimableCache {
  return {
    l1Bytes: () => cache.l1Usage()?.bytes ?? 0,
    l1MaxBytes: () => cache.l1Usage()?.maxBytes ?? 0,
    l1ConfiguredBytes: typeof configuredMaxBytes === 'function' ? configuredMaxBytes : () => configuredMaxBytes,
    resizeL1: (bytes) => cache.resizeL1(bytes),
    purgeExpiredL1: () => cache.purgeExpiredL1(),
    flushL1: async () => (await cache.flush('l1')).removed.l1 ?? 0,
  };
}

/**
 * The engine's pool manager, looked up at each call (the pool changes with the connected stack). Shrinking sets
 * the pool's maximum to its minimum through resize() (validated like an operator's resize; callers beyond it
 * wait in their lanes rather than fail) and restore() puts the maximum it had back.
 */
export function poolManagerReclaimer(current: () => PoolManager | null): ReclaimablePool {
  let held: { pool: PoolManager; max: number } | null = null;
  return {
    trimIdle: async () => current()?.trimIdle() ?? 0,
    async shrinkToMinimum() {
      const pool = current();
      if (!pool) return 0;
      const { min, max } = pool.size();
      if (held?.pool !== pool) held = { pool, max };
      const closed = pool.trimIdle();
      if (max > Math.max(1, min)) await pool.resize({ max: Math.max(1, min) });
      return closed;
    },
    async restore() {
      const restoring = held;
      held = null;
      if (restoring && restoring.pool === current()) await restoring.pool.resize({ max: restoring.max });
    },
  };
}
