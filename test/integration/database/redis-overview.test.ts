import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readStackRedisOverview } from '../../../main/engine/redis-overview-client.ts';
import { parseRedisUrl } from '../../../main/stack/index.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';

/** The overview as the engine reads it: the URL parsed as the stack does, the client built as the cache's L2 builds its own. */
const readRedisOverview = (url: string, displayUrl: string, options: { keys: number; scanBudget: number }) =>
  readStackRedisOverview({ ...parseRedisUrl(url), displayUrl }, options);

describe('Redis overview: INFO figures, SLOWLOG, biggest keys (a private redis-server)', () => {
  let server: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    // Every command goes to the slow log, so the test's own commands are there to find.
    server = await startPrivateRedis(['--slowlog-log-slower-than', '0', '--slowlog-max-len', '1000']);
    redis = new Redis(server.url);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`small:${i}`, 'x');
    pipeline.set('big:blob', 'y'.repeat(200_000));
    pipeline.rpush('big:list', ...Array.from({ length: 2000 }, (_, i) => `item-${i}-${'z'.repeat(20)}`));
    await pipeline.exec();
    await redis.get('small:1'); // a hit
    await redis.get('small:1');
    await redis.get('missing:1'); // a miss
    await redis.set('secret:key', 'the-value-that-must-not-show', 'EX', 600);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('reads memory, hit ratio and evictions from INFO, and the slow log with commands and keys but no values', async () => {
    const overview = await readRedisOverview(server.url, 'redis://127.0.0.1:****', { keys: 5, scanBudget: 10_000 });
    expect(overview).toMatchObject({ available: true, reason: null });
    const s = overview.server!;
    expect(s.usedMemoryBytes).toBeGreaterThan(200_000);
    expect(s.keys).toBe(503);
    expect(s.hits).toBe(2);
    expect(s.misses).toBe(1);
    expect(s.hitRatio).toBeCloseTo(2 / 3, 12);
    expect(s.evictedKeys).toBe(0);
    expect(s.version).toMatch(/^\d+\.\d+/);
    expect(s.displayUrl).toBe('redis://127.0.0.1:****');

    expect(overview.slowlog.error).toBeNull();
    const set = overview.slowlog.entries.find((e) => e.command === 'SET' && e.key === 'secret:key');
    expect(set).toMatchObject({ moreArgs: 3, durationMicros: expect.any(Number) });
    expect(JSON.stringify(overview)).not.toContain('the-value-that-must-not-show');
  });

  it('finds the biggest keys by MEMORY USAGE over the whole keyspace when the budget allows', async () => {
    const { bigKeys } = await readRedisOverview(server.url, 'r', { keys: 3, scanBudget: 10_000 });
    expect(bigKeys).toMatchObject({ scanned: 503, complete: true, error: null });
    expect(bigKeys.keys.map((k) => [k.key, k.type])).toEqual([
      ['big:blob', 'string'],
      ['big:list', 'list'],
      [expect.stringMatching(/^(small|secret):/), 'string'],
    ]);
    expect(bigKeys.keys[0]!.bytes).toBeGreaterThan(200_000);
  });

  it('stops the SCAN at the budget and says it looked at a sample', async () => {
    const { bigKeys } = await readRedisOverview(server.url, 'r', { keys: 3, scanBudget: 100 });
    expect(bigKeys.scanned).toBe(100);
    expect(bigKeys.complete).toBe(false);
  });

  it('tells a user without the ACL permissions which ones are missing, and still shows what it may read', async () => {
    await redis.call('ACL', 'SETUSER', 'watcher', 'on', '>watcher-pw', '~*', '+info', '+dbsize', '+scan', '+type');
    const url = `redis://watcher:watcher-pw@127.0.0.1:${server.port}`;
    const overview = await readRedisOverview(url, 'r', { keys: 3, scanBudget: 1000 });
    expect(overview.available).toBe(true);
    expect(overview.server!.keys).toBe(503);
    expect(overview.slowlog).toEqual({ entries: [], error: expect.stringContaining('ACL SETUSER <user> +slowlog') });
    expect(overview.bigKeys.error).toContain('ACL SETUSER <user> +scan +type +memory');
    expect(overview.bigKeys.error).toContain('NOPERM');

    await redis.call('ACL', 'SETUSER', 'nobody-much', 'on', '>n-pw', '~*', '+ping');
    const refused = await readRedisOverview(`redis://nobody-much:n-pw@127.0.0.1:${server.port}`, 'r', { keys: 3, scanBudget: 1000 });
    expect(refused).toMatchObject({ available: false, server: null, reason: expect.stringContaining('+info +dbsize') });
  });

  it('says why when the server or the sentinels cannot be reached', async () => {
    expect(
      await readRedisOverview('redis+sentinel://127.0.0.1:1/mymaster', 'redis+sentinel://127.0.0.1:1/mymaster', {
        keys: 3,
        scanBudget: 100,
      }),
    ).toMatchObject({
      available: false,
      reason: expect.stringContaining('Could not read Redis at redis+sentinel://127.0.0.1:1/mymaster'),
    });
    const closed = await readRedisOverview('redis://127.0.0.1:1', 'redis://127.0.0.1:1', { keys: 3, scanBudget: 100 });
    expect(closed).toMatchObject({ available: false, reason: expect.stringContaining('Could not read Redis at redis://127.0.0.1:1') });
  });
});
