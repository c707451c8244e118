import { describe, expect, it } from 'vitest';
import { checkRedisTopologyFlags, redisUrlOfFlags } from '../../../app/cli/redis-topology-options.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';

describe('--redis-tls', () => {
  it('makes rediss+sentinel:// and rediss+cluster:// URLs that parse as TLS topologies', () => {
    const sentinel = { redisSentinels: 's1,s2:26380', redisMaster: 'mymaster', redisTls: true };
    checkRedisTopologyFlags(sentinel);
    expect(redisUrlOfFlags(sentinel)).toBe('rediss+sentinel://s1:26379,s2:26380/mymaster');
    expect(parseRedisUrl(redisUrlOfFlags(sentinel)!).topology).toMatchObject({ kind: 'sentinel', tls: {} });
    const cluster = { redisCluster: 'r1:7000', redisTls: true };
    checkRedisTopologyFlags(cluster);
    expect(redisUrlOfFlags(cluster)).toBe('rediss+cluster://r1:7000');
    expect(redisUrlOfFlags({ redisCluster: 'r1:7000' })).toBe('redis+cluster://r1:7000');
  });

  it.each([
    [{ redisTls: true }, '--redis-tls is for --redis-sentinels or --redis-cluster.', '--redis rediss://'],
    [{ redis: 'redis://h', redisTls: true }, '--redis-tls is for --redis-sentinels or --redis-cluster.', 'rediss://host:6379'],
  ])('refuses %j, pointing at the URL form', (flags, message, hint) => {
    expect(() => checkRedisTopologyFlags(flags)).toThrow(
      expect.objectContaining({ code: 'bad-arguments', message, hint: expect.stringContaining(hint) }),
    );
  });
});
