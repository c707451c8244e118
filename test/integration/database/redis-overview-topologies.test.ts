import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { readStackRedisOverview } from '../../../main/engine/redis-overview-client.ts';
import { clusterRedisUrl, parseRedisUrl, sentinelRedisUrl } from '../../../main/stack/index.ts';
import {
  infoField,
  redisCommand,
  startPrivateCluster,
  startSentinelGroup,
  type PrivateCluster,
  type SentinelGroup,
} from '../cache-l2/private-redis-topologies.ts';
import { waitFor } from '../../support/wait-for.ts';
import { makeTlsFiles, startTlsRedis, tlsCommand, tlsQuery, type TlsFiles, type TlsRedis } from '../cache-l2/private-tls-redis.ts';

// The Database page's Redis section on every topology, read the way the engine reads it: the URL parsed as the stack
// parses it, the client built from the topology as the cache's L2 builds its own (readStackRedisOverview).

const overviewOf = (url: string, options = { keys: 3, scanBudget: 10_000 }) => readStackRedisOverview(parseRedisUrl(url), options);

/** True when `port` owns `key`'s slot: any other master answers a GET with MOVED. */
async function owns(port: number, key: string): Promise<boolean> {
  try {
    await redisCommand(port, 'GET', key);
    return true;
  } catch (error) {
    if (/MOVED/.test((error as Error).message)) return false;
    throw error;
  }
}

describe('Redis overview on a Cluster of 3 masters', () => {
  let cluster: PrivateCluster;
  let masters: number[];
  let url: string;
  /** One big key per master, the first master's the smallest: [port, key, bytes of its value]. */
  const bigKeys: Array<{ port: number; key: string; size: number }> = [];

  beforeAll(async () => {
    cluster = await startPrivateCluster(3, 0);
    masters = cluster.servers.map((s) => s.port);
    url = clusterRedisUrl(masters.map((port) => ({ host: '127.0.0.1', port })));
    for (const [n, port] of masters.entries()) {
      let i = 0;
      while (!(await owns(port, `big:${i}`))) i++;
      bigKeys.push({ port, key: `big:${i}`, size: 100_000 * (n + 1) });
    }
    const client = new Cluster([{ host: '127.0.0.1', port: masters[0]! }]);
    try {
      await Promise.all(Array.from({ length: 300 }, (_, i) => client.set(`small:${i}`, 'x')));
      // Only the big keys' SETs go to the slow logs: everything logged while they are written, nothing after.
      for (const port of masters) {
        await redisCommand(port, 'SLOWLOG', 'RESET');
        await redisCommand(port, 'CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      }
      for (const big of bigKeys) await client.set(big.key, 'y'.repeat(big.size));
      for (const port of masters) {
        await redisCommand(port, 'CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
        await redisCommand(port, 'CONFIG', 'RESETSTAT');
      }
      for (const big of bigKeys) await client.get(big.key); // one hit on each master
      for (let i = 0; i < 4; i++) await client.get(`missing:${i}`); // four misses, wherever they fall
    } finally {
      client.disconnect();
    }
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reads every master and sums their figures: keys, hits and misses (hence the hit ratio), memory, evictions', async () => {
    const overview = await overviewOf(url);
    expect(overview).toMatchObject({ available: true, reason: null, topology: 'cluster' });
    const nodes = overview.nodes!;
    expect(nodes.map((n) => n.node).sort()).toEqual(masters.map((p) => `127.0.0.1:${p}`).sort());
    for (const big of bigKeys) expect(nodes.find((n) => n.node === `127.0.0.1:${big.port}`)).toMatchObject({ hits: 1 });
    const s = overview.server!;
    expect(s.keys).toBe(303);
    expect(nodes.reduce((sum, n) => sum + n.keys, 0)).toBe(303);
    expect(nodes.every((n) => n.keys > 0)).toBe(true);
    expect(s.hits).toBe(3);
    expect(s.misses).toBe(4);
    expect(s.hitRatio).toBeCloseTo(3 / 7, 12);
    expect(s.usedMemoryBytes).toBe(nodes.reduce((sum, n) => sum + n.usedMemoryBytes, 0));
    expect(s.usedMemoryBytes).toBeGreaterThan(600_000);
    expect(s.evictedKeys).toBe(nodes.reduce((sum, n) => sum + n.evictedKeys, 0));
    expect(s.maxMemoryBytes).toBe(0); // no master has a limit
  });

  it('finds the biggest keys on every master, each with its node', async () => {
    const { bigKeys: found } = await overviewOf(url);
    expect(found).toMatchObject({ scanned: 303, complete: true, error: null });
    expect(found.keys.map((k) => [k.key, k.node])).toEqual(
      [...bigKeys].reverse().map((b) => [b.key, `127.0.0.1:${b.port}`]), // the biggest (last master's) first
    );
  });

  it('splits the SCAN budget across the masters and says the result is a sample', async () => {
    const { bigKeys: found } = await overviewOf(url, { keys: 3, scanBudget: 30 });
    expect(found.scanned).toBe(30);
    expect(found.complete).toBe(false);
  });

  it('merges the slow logs of every master, newest first, each entry with its node', async () => {
    const { slowlog } = await overviewOf(url);
    expect(slowlog.error).toBeNull();
    for (const big of bigKeys) {
      expect(slowlog.entries).toContainEqual(expect.objectContaining({ command: 'SET', key: big.key, node: `127.0.0.1:${big.port}` }));
    }
    const times = slowlog.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('reports a refused part with the master that refused it, and still shows what the other masters answered', async () => {
    // ACLs are per node in a Cluster: one master refuses SLOWLOG, another MEMORY USAGE.
    const [first, second, third] = masters as [number, number, number];
    const user = ['ACL', 'SETUSER', 'watcher', 'on', '>watcher-pw', '~*', '+@all'];
    await redisCommand(first, ...user);
    await redisCommand(second, ...user, '-slowlog');
    await redisCommand(third, ...user, '-memory');
    const watcherUrl = url.replace('redis+cluster://', 'redis+cluster://watcher:watcher-pw@');
    const overview = await overviewOf(watcherUrl);
    expect(overview).toMatchObject({ available: true, server: { keys: 303 } });
    expect(overview.slowlog.error).toMatch(new RegExp(`^127\\.0\\.0\\.1:${second}: .*ACL SETUSER <user> \\+slowlog`));
    expect(new Set(overview.slowlog.entries.map((e) => e.node))).toEqual(new Set([`127.0.0.1:${first}`, `127.0.0.1:${third}`]));
    expect(overview.bigKeys.error).toMatch(new RegExp(`^127\\.0\\.0\\.1:${third}: .*ACL SETUSER <user> \\+scan \\+type \\+memory`));
    expect(overview.bigKeys.keys.map((k) => k.key).slice(0, 2)).toEqual([bigKeys[1]!.key, bigKeys[0]!.key]);
  });
});

describe('Redis overview on a Sentinel group', () => {
  let group: SentinelGroup;

  beforeAll(async () => {
    group = await startSentinelGroup('hotpath-overview');
    await group.replicasInSync();
    const master = await group.masterPort();
    await redisCommand(master, 'SET', 'one', 'x');
    await redisCommand(master, 'SET', 'two', 'y'.repeat(10_000));
    await redisCommand(master, 'GET', 'one');
    await redisCommand(master, 'GET', 'two');
    await redisCommand(master, 'GET', 'none');
  }, 60_000);
  afterAll(async () => {
    await group?.stop();
  });

  it('reads the master the sentinels name (not its replica) and says which node it is', async () => {
    const master = await group.masterPort();
    const overview = await overviewOf(sentinelRedisUrl([{ host: '127.0.0.1', port: group.sentinelPort }], group.masterName));
    expect(overview).toMatchObject({ available: true, topology: 'sentinel' });
    expect(overview.nodes).toEqual([expect.objectContaining({ node: `127.0.0.1:${master}`, hits: 2, misses: 1 })]);
    // The replica holds the same keys, but only the master answered the GETs.
    expect(overview.server).toMatchObject({ keys: 2, hits: 2, misses: 1 });
    expect(overview.bigKeys.keys.map((k) => [k.key, k.node])).toEqual([
      ['two', `127.0.0.1:${master}`],
      ['one', `127.0.0.1:${master}`],
    ]);
  });

  it('follows a failover: after SENTINEL FAILOVER it reads, and names, the promoted replica', async () => {
    const before = await group.masterPort();
    expect(await redisCommand(group.sentinelPort, 'SENTINEL', 'FAILOVER', group.masterName)).toBe('OK');
    const after = await waitFor(
      'the sentinel to name the replica master, and the replica to act as one',
      async () => {
        const port = await group.masterPort();
        return port !== before && (await infoField(port, 'role')) === 'master' ? port : undefined;
      },
      60_000,
    );
    const overview = await overviewOf(sentinelRedisUrl([{ host: '127.0.0.1', port: group.sentinelPort }], group.masterName));
    expect(overview).toMatchObject({ available: true, topology: 'sentinel', server: { keys: 2 } });
    expect(overview.nodes?.map((n) => n.node)).toEqual([`127.0.0.1:${after}`]);
  });
});

describe('Redis overview on a TLS server with rediss://…?tls_ca=…', () => {
  let files: TlsFiles;
  let server: TlsRedis;

  beforeAll(async () => {
    files = await makeTlsFiles();
    server = await startTlsRedis(files);
    await tlsCommand(files, server.port, 'SET', 'over-tls', 'z'.repeat(5_000));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (files) await rm(files.dir, { recursive: true, force: true });
  });

  it('connects with the certificates the URL names', async () => {
    const overview = await overviewOf(`rediss://127.0.0.1:${server.port}${tlsQuery(files)}`);
    expect(overview).toMatchObject({ available: true, reason: null, topology: 'standalone' });
    expect(overview.server!.keys).toBe(1);
    expect(overview.bigKeys.keys.map((k) => k.key)).toEqual(['over-tls']);
    expect(overview.nodes).toBeUndefined();
  });

  it('refuses a server its tls_ca did not sign', async () => {
    const overview = await overviewOf(`rediss://127.0.0.1:${server.port}${tlsQuery(files, files.otherCa)}`);
    expect(overview).toMatchObject({
      available: false,
      server: null,
      reason: expect.stringContaining('Could not read Redis at rediss://'),
    });
  });
});
