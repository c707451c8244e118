import { describe, expect, it } from 'vitest';
import { checkRedisTopologyFlags, redisUrlOfFlags } from '../../../app/cli/redis-topology-options.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';

describe('--redis-sentinels, --redis-master and --redis-cluster', () => {
  it.each([
    [{ redis: 'redis://h', redisCluster: 'a:1' }, 'Choose one way to reach Redis: --redis and --redis-cluster'],
    [{ redisSentinels: 's:26379', redisMaster: 'm', redisCluster: 'a:1' }, '--redis-sentinels and --redis-cluster'],
    [{ redisSentinels: 's:26379' }, '--redis-sentinels needs --redis-master'],
    [{ redisMaster: 'm' }, '--redis-master needs --redis-sentinels'],
    [{ redisSentinels: 's:26379', redisMaster: ' ' }, '--redis-master is empty'],
    [{ local: true, redisCluster: 'a:1' }, '--redis-cluster is for your own stack, with --pg'],
    [{ redisCluster: 'a:1,b:x' }, '--redis-cluster "a:1,b:x" is not a list of host:port'],
  ])('refuses %j with a hint', (flags, message) => {
    expect(() => checkRedisTopologyFlags(flags)).toThrow(
      expect.objectContaining({ code: 'bad-arguments', message: expect.stringContaining(message), hint: expect.any(String) }),
    );
  });

  it('makes the redis+sentinel:// or redis+cluster:// URL of the servers, or passes --redis through', () => {
    const sentinel = { redisSentinels: '10.0.0.1:26379, 10.0.0.2', redisMaster: 'mymaster' };
    checkRedisTopologyFlags(sentinel);
    expect(parseRedisUrl(redisUrlOfFlags(sentinel)!).topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      masterName: 'mymaster',
    });
    expect(parseRedisUrl(redisUrlOfFlags({ redisCluster: 'r1:7000,r2:7001' })!).topology).toMatchObject({ kind: 'cluster' });
    expect(redisUrlOfFlags({ redis: 'redis://h:6379' })).toBe('redis://h:6379');
    expect(redisUrlOfFlags({})).toBeUndefined();
  });
});
