/**
 * Adapters from the engine's real cache and pools to the small interfaces the cleanup steps use, so the
 * manager and its steps know nothing of TieredCache or pg beyond these few calls.
 */
import type pg from 'pg';
import type { TieredCache } from '../cache/tiered/tiered-cache.ts';
import type { ReclaimableCache, ReclaimablePool } from './cleanup-steps.ts';

/**
 * A TieredCache's L1. `configuredMaxBytes` is what the L1 returns to after pressure: a number, or a function
 * when the operator can change it at run time (cache.resize), so a restore never undoes the operator's choice.
 */
export function tieredCacheReclaimer(cache: TieredCache, configuredMaxBytes: number | (() => number)): ReclaimableCache {
  const l1 = () => cache.stats().tiers.l1?.store;
  return {
    l1Bytes: () => l1()?.bytes ?? 0,
    l1MaxBytes: () => l1()?.maxBytes ?? 0,
    l1ConfiguredBytes: typeof configuredMaxBytes === 'function' ? configuredMaxBytes : () => configuredMaxBytes,
    resizeL1: (bytes) => cache.resizeL1(bytes),
    purgeExpiredL1: () => cache.purgeExpiredL1(),
    flushL1: async () => (await cache.flush('l1')).removed.l1 ?? 0,
  };
}

/**
 * A node-postgres Pool (the workload and warming pools today). Its minimum is `options.min` (pg-pool keeps
 * that many open). Shrinking to the minimum lowers `options.max`, which pg-pool reads on every checkout, so
 * callers beyond it queue instead of opening connections; restore() puts the configured max back.
 */
export function pgPoolReclaimer(pool: pg.Pool): ReclaimablePool {
  const options = pool.options as pg.PoolOptions & { min?: number; max?: number };
  const configuredMax = options.max ?? 10;
  const min = () => Math.max(0, options.min ?? 0);

  /** Closes idle clients while the pool has more than `keep`: checking out an idle client and releasing it with destroy. */
  async function closeIdleAbove(keep: number): Promise<number> {
    let closed = 0;
    // idleCount is checked right before each connect(): with an idle client there, pg-pool hands that one
    // out synchronously instead of opening a new one.
    while (pool.totalCount > keep && pool.idleCount > 0) {
      const client = await pool.connect();
      client.release(true);
      closed += 1;
    }
    return closed;
  }

  return {
    trimIdle: () => closeIdleAbove(min()),
    async shrinkToMinimum() {
      options.max = Math.max(1, min());
      return await closeIdleAbove(min());
    },
    async restore() {
      options.max = configuredMax;
    },
  };
}
