import { describe, expect, it } from 'vitest';
import { clusterRedisUrl, parseRedisUrl, redisTopologyOf, sentinelRedisUrl } from '../../../main/stack/redis-url.ts';
import { resolveRedisPassword } from '../../../main/stack/redis-password-sources.ts';

describe('parseRedisUrl: Sentinel and Cluster', () => {
  it('reads the sentinels, the master name, the database and both passwords, and masks them for display', () => {
    const parsed = parseRedisUrl('redis+sentinel://app:s%40cret@10.0.0.1:26380,[::1],s3/my-master/2?sentinelPassword=watch');
    expect(parsed.topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26380 },
        { host: '::1', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'my-master',
      username: 'app',
      password: 's@cret',
      sentinelPassword: 'watch',
      db: 2,
    });
    expect(parsed.db).toBe(2);
    expect(parsed.target).toEqual({ host: '10.0.0.1', port: 26380, database: '2' });
    expect(parsed.displayUrl).not.toContain('s%40cret');
    expect(parsed.displayUrl).not.toContain('watch');
    expect(parsed.displayUrl).toContain('10.0.0.1:26380,[::1],s3/my-master/2');
  });

  it("reads a Cluster's seed nodes (default port 6379) and a ?password= parameter", () => {
    expect(parseRedisUrl('redis+cluster://r1:7000,r2?password=pw').topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 6379 },
      ],
      password: 'pw',
    });
  });

  it('keeps a standalone URL as it is', () => {
    expect(parseRedisUrl('redis://:pw@h:6380/1').topology).toEqual({ kind: 'standalone', url: 'redis://:pw@h:6380/1' });
    expect(redisTopologyOf({ url: 'redis://h' })).toEqual({ kind: 'standalone', url: 'redis://h' });
  });

  it.each([
    ['redis+sentinel://s1:26379', 'names no master'],
    ['redis+sentinel://s1:26379/m/x', 'database number'],
    ['redis+sentinel:///m', 'names no sentinel'],
    ['redis+cluster://r1:6379,,r2:6379', 'empty'],
    ['redis+cluster://r1:70000', 'port "70000"'],
    ['redis+cluster://r1:6379/0', 'no path'],
    ['redis+cluster://a:b:c', 'several colons'],
  ])('rejects %j naming the problem', (url, expected) => {
    expect(() => parseRedisUrl(url)).toThrow(
      expect.objectContaining({ code: 'malformed-url', message: expect.stringContaining(expected) }),
    );
  });

  it('builds the URLs the CLI flags stand for, which parse back to the same servers', () => {
    const sentinels = [
      { host: 's1', port: 26379 },
      { host: '::1', port: 26380 },
    ];
    const url = sentinelRedisUrl(sentinels, 'cache master');
    expect(url).toBe('redis+sentinel://s1:26379,[::1]:26380/cache%20master');
    expect(parseRedisUrl(url).topology).toEqual({ kind: 'sentinel', sentinels, masterName: 'cache master' });
    expect(parseRedisUrl(clusterRedisUrl(sentinels)).topology).toEqual({ kind: 'cluster', nodes: sentinels });
  });

  it('takes REDISCLI_AUTH for the data servers when the URL has no password', () => {
    const resolved = resolveRedisPassword(parseRedisUrl('redis+cluster://r1:7000,r2:7001'), { REDISCLI_AUTH: 'from-env' });
    expect(parseRedisUrl(resolved.url).topology).toMatchObject({ kind: 'cluster', password: 'from-env' });
  });
});
