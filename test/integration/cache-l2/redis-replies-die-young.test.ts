import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisClient, DEFAULT_CONNECTION_TUNING } from '../../../main/cache/l2/redis-connection.ts';
import type { RedisClient } from '../../../main/cache/l2/redis-connection.ts';
import { oldGenerationGrowth } from '../../support/old-generation-growth.ts';

const url = inject('redisUrl');
const clients: RedisClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

describe("the cache's Redis client", () => {
  // ioredis' auto-pipelining kept each batch and its replies reachable from the old generation until the next full
  // collection (see createRedisClient): under load that promoted everything the cache's calls touched.
  it('leaves nothing of finished commands for the young generation to promote', async () => {
    const client = createRedisClient({ kind: 'standalone', url }, DEFAULT_CONNECTION_TUNING);
    clients.push(client);
    // No offline queue (createRedisClient): a command before the connection is up fails at once.
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const key = `hotpath-test:young:${randomUUID()}`;
    const value = 'v'.repeat(1024);
    await client.set(key, value, 'PX', 60_000);
    // Bursts of 20 calls issued in one tick, as cache misses come; 2 MB of replies in all, each dropped once read.
    // Few at a time, so that a young collection in the middle finds little in flight, however small the young
    // generation is.
    const burst = async (): Promise<void> => {
      let wrong = 0;
      for (let round = 0; round < 100; round++) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            if ((await client.get(key)) !== value) wrong += 1;
          }),
        );
      }
      expect(wrong).toBe(0);
    };
    await burst(); // the client's own lasting state (command tables, buffers) is made on first use
    const grown = await oldGenerationGrowth(burst);
    expect(grown).toBeLessThan(2_000 * 1024 * 0.25);
  });
});
