import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { waitFor } from '../../support/wait-for.ts';
import { freePort, startPrivateRedis } from './private-redis-server.ts';
import type { PrivateRedis } from './private-redis-server.ts';

// Three private masters joined into a Redis Cluster (no replicas: the tier's behaviour, not failover).
const run = promisify(execFile);
const servers: PrivateRedis[] = [];

/** A free port whose cluster bus port (port + 10000) is free and valid too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    try {
      await freePort(port + 10_000);
      return port;
    } catch {
      // the bus port is taken: try another
    }
  }
}

async function clusterState(port: number): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    const info = String(await client.call('CLUSTER', 'INFO'));
    return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    servers.push(
      await startPrivateRedis(
        ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
        await clusterPort(),
      ),
    );
  }
  await run('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes']);
  for (const s of servers) {
    await waitFor(`cluster_state:ok on ${s.port}`, async () => ((await clusterState(s.port)) === 'ok' ? true : undefined), 30_000);
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('RedisTier on a 3-master Redis Cluster', () => {
  it('sets and gets across slots, and deleteByPrefix empties every master of our keys only', async () => {
    const tier = new RedisTier({
      target: { kind: 'cluster', nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })) },
      keyPrefix: 'hotpath:l2:',
      defaultTtlMs: 60_000,
      deleteBatchSize: 50,
    });
    const direct = servers.map((s) => new Redis(s.port, '127.0.0.1'));
    const outsider = new Cluster(servers.map((s) => ({ host: '127.0.0.1', port: s.port })));
    try {
      expect(await tier.ready(15_000)).toBe(true);
      const n = 600;
      await Promise.all(Array.from({ length: n }, (_, i) => tier.set(`item:${i}`, { i, tags: [`t${i % 7}`] })));
      await Promise.all(Array.from({ length: 5 }, (_, i) => tier.set(`other:${i}`, i)));
      const values = await Promise.all(Array.from({ length: n }, (_, i) => tier.get(`item:${i}`)));
      expect(values.every((value, i) => (value as { i: number }).i === i)).toBe(true);

      // The keys really are spread: every master holds some.
      const perMaster = await Promise.all(direct.map((client) => client.dbsize()));
      expect(perMaster.every((count) => count > 0)).toBe(true);
      expect(perMaster.reduce((a, b) => a + b, 0)).toBe(n + 5);
      // A key outside our prefix (another application's), routed to whichever master owns its slot.
      await outsider.set('someone-else:1', 'theirs');

      expect(await tier.deleteByPrefix('item:')).toEqual({ deleted: n, complete: true });
      expect((await Promise.all(Array.from({ length: n }, (_, i) => tier.get(`item:${i}`)))).every((value) => value === undefined)).toBe(
        true,
      );
      expect(await tier.get('other:4')).toBe(4);
      expect(tier.stats()).toMatchObject({ errors: 0, breakerState: 'closed' });

      expect(await tier.deleteByPrefix('')).toEqual({ deleted: 5, complete: true });
      expect((await Promise.all(direct.map((client) => client.dbsize()))).reduce((a, b) => a + b, 0)).toBe(1);
      expect(await outsider.get('someone-else:1')).toBe('theirs');
    } finally {
      await tier.close();
      for (const client of direct) client.disconnect();
      outsider.disconnect();
    }
  });

  it('a master killed under load: no call rejects; restarted, it rejoins and the tier answers from it again', async () => {
    const tier = new RedisTier({
      target: { kind: 'cluster', nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })) },
      keyPrefix: 'hotpath:failover:',
      defaultTtlMs: 60_000,
      connection: { commandTimeoutMs: 1_000, connectTimeoutMs: 500, maxReconnectDelayMs: 200 },
      breaker: { consecutiveFailures: 5, coolDownMs: 300 },
    });
    const victim = servers[1]!;
    const victimClient = () =>
      new Redis(victim.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    let running = true;
    let rejected = 0;
    let calls = 0;
    const loop = async (id: number) => {
      for (let round = 0; running; round += 1) {
        const key = `k:${(id * 31 + round) % 500}`;
        await Promise.all([tier.get(key), tier.set(key, { id, round })]).catch(() => {
          rejected += 1;
        });
        calls += 2;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      expect(await tier.ready(15_000)).toBe(true);
      const loops = Array.from({ length: 100 }, (_, id) => loop(id));
      await waitFor('hits before the kill', () => (tier.stats().hits > 2_000 ? true : undefined), 30_000);
      await victim.kill();
      const errorsAtKill = tier.stats().errors + tier.stats().shortCircuited;
      await waitFor(
        'failed calls to the dead master, answered as misses',
        () => (tier.stats().errors + tier.stats().shortCircuited > errorsAtKill ? true : undefined),
        20_000,
      );
      const callsAtKill = calls;
      await waitFor('calls to keep settling while a master is down', () => (calls > callsAtKill + 5_000 ? true : undefined), 30_000);

      await victim.restart();
      await waitFor(
        'cluster_state:ok after the restart',
        async () => ((await clusterState(victim.port)) === 'ok' ? true : undefined),
        60_000,
      );
      // The restarted master is empty; the load's own sets refill it, and its keys are read back from it.
      await waitFor(
        'keys on the restarted master again',
        async () => {
          const client = victimClient();
          try {
            await client.connect();
            return (await client.dbsize()) > 0 ? true : undefined;
          } finally {
            client.disconnect();
          }
        },
        30_000,
      );
      const hitsAfter = tier.stats().hits;
      await waitFor('hits after the restart', () => (tier.stats().hits > hitsAfter + 2_000 ? true : undefined), 30_000);
      running = false;
      await Promise.all(loops);
    } finally {
      running = false;
      await tier.close();
    }
    expect(rejected).toBe(0);
  });
});
