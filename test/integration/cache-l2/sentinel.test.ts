import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { startPrivateRedis, startPrivateSentinel } from './private-redis-server.ts';
import type { PrivateRedis } from './private-redis-server.ts';

// One private master and one Sentinel watching it: the tier must find the master through the Sentinel.
let master: PrivateRedis;
let sentinel: { port: number; stop: () => Promise<void> };

beforeAll(async () => {
  master = await startPrivateRedis();
  sentinel = await startPrivateSentinel(master.port, 'hotpath-l2');
});

afterAll(async () => {
  await sentinel?.stop();
  await master?.stop();
});

describe('RedisTier through Redis Sentinel', () => {
  it('connects to the master the Sentinel names, and sets, gets and deletes by prefix', async () => {
    const tier = new RedisTier({
      target: { kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'hotpath-l2' },
      keyPrefix: 'sentinel:',
      defaultTtlMs: 60_000,
    });
    try {
      expect(await tier.ready(10_000)).toBe(true);
      await tier.set('a', { via: 'sentinel' });
      expect(await tier.get('a')).toEqual({ via: 'sentinel' });
      expect(await tier.deleteByPrefix('')).toEqual({ deleted: 1, complete: true });
      expect(await tier.get('a')).toBeUndefined();
      expect(tier.stats()).toMatchObject({ hits: 1, misses: 1, errors: 0 });
    } finally {
      await tier.close();
    }
  });
});
