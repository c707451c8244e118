import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';

// What an application sees through the whole cache while its Redis dies and returns: every read answered
// with the right value (from L1, L2 or the loader), none failed.
let server: PrivateRedis;

beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.stop();
});

interface ReadLoad {
  reads: number;
  failed: number;
  wrong: number;
  stop(): Promise<void>;
}

const KEYS = 3_000;
const valueOf = (key: string) => ({ key, payload: 'x'.repeat(600) });

/** Workers reading keys through getOrLoad; the loader is the "database", always right and always up. */
function startReads(cache: TieredCache, workers: number): ReadLoad {
  let running = true;
  const load: ReadLoad = { reads: 0, failed: 0, wrong: 0, stop: async () => undefined };
  const loop = async (id: number) => {
    for (let round = 0; running; round += 1) {
      const key = `item:${(id * 7919 + round * 104_729) % KEYS}`;
      try {
        const value = await cache.getOrLoad(key, async () => valueOf(key), { ttlMs: 60_000 });
        if ((value as { key: string }).key !== key) load.wrong += 1;
      } catch {
        load.failed += 1;
      }
      load.reads += 1;
      if (round % 8 === 0) await nextTurn();
    }
  };
  const loops = Array.from({ length: workers }, (_, id) => loop(id));
  load.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return load;
}

describe('TieredCache through a Redis outage', () => {
  it('kill -9 under load: no read fails or is wrong, the loader covers; after a restart L2 answers again', async () => {
    const l2 = new RedisTier({
      target: { kind: 'standalone', url: server.url },
      keyPrefix: 'tiered-outage:',
      defaultTtlMs: 60_000,
      connection: { commandTimeoutMs: 1_000, connectTimeoutMs: 500, maxReconnectDelayMs: 200 },
      breaker: { consecutiveFailures: 5, coolDownMs: 300 },
    });
    // An L1 far smaller than the key space, so most reads go down to Redis.
    const cache = new TieredCache({ l1: { maxBytes: 256 * 1024 }, l2, defaultTtlMs: 60_000 });
    expect(await l2.ready(5_000)).toBe(true);
    const load = startReads(cache, 200);
    const l2Hits = () => cache.stats().tiers.l2?.hits ?? 0;
    try {
      await waitFor('L2 hits before the outage', () => (l2Hits() > 2_000 ? true : undefined), 30_000);
      await server.kill();
      await waitFor('the breaker to open', () => ((l2.stats().breakerTransitions ?? 0) >= 1 ? true : undefined), 10_000);
      const readsAtKill = load.reads;
      const loadsAtKill = cache.stats().loads;
      await waitFor('reads to go on during the outage', () => (load.reads > readsAtKill + 5_000 ? true : undefined), 30_000);
      // With Redis gone, L1 misses went to the loader.
      expect(cache.stats().loads).toBeGreaterThan(loadsAtKill);

      await server.restart();
      await waitFor('the breaker to close', () => (l2.stats().breakerState === 'closed' ? true : undefined), 20_000);
      const hitsAfterRestart = l2Hits();
      await waitFor('L2 hits after the restart', () => (l2Hits() > hitsAfterRestart + 1_000 ? true : undefined), 30_000);
    } finally {
      await load.stop();
      await cache.close();
      await l2.close();
    }
    expect(load.failed).toBe(0);
    expect(load.wrong).toBe(0);
    expect(load.reads).toBeGreaterThan(10_000);
  });
});
