import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { clusterRedisUrl } from '../../../main/stack/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clusterNodes, getCalls, startPrivateCluster, type PrivateCluster } from '../cache-l2/private-redis-topologies.ts';

const MiB = 1024 * 1024;

// The engine's L2 and invalidation bus on a Redis Cluster of 3 masters with one replica each, under the demo
// workload: a master is killed, its replica is promoted by the cluster, and callers see no failed request (reads
// fall through to PostgreSQL while the slots are away); the L2 then reads from the promoted replica.
// One PostgreSQL suffices: what is tested is the Redis side.
describe('the engine on a Redis Cluster: a master killed under load', () => {
  let cluster: PrivateCluster;
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    cluster = await startPrivateCluster(3, 1);
    db = await createTestDatabase('pg18');
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-cluster-failover-'));
    // A small L1, so cached templates keep reading L2.
    engine = new Engine({ dataDir, workloadSeed: 11, cache: { l1Bytes: 1 * MiB, l3: { kind: 'off' } } });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    // Two seed nodes are enough: the client reads the slot map from either.
    const redisUrl = clusterRedisUrl(cluster.servers.slice(0, 2).map((s) => ({ host: '127.0.0.1', port: s.port })));
    // The console's "Test connection" first, as a user would.
    expect(await engine.call('stack.test', { pgUrl: db.url, redisUrl })).toMatchObject({ redis: true });
    await engine.call('stack.connect', { pgUrl: db.url, redisUrl });
    await engine.call('demo.seed', { chunks: 2000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('goes on while a master is down, and reads from its promoted replica; /metrics shows the breaker', async () => {
    expect(engine.status().stack?.redisUrl).toMatch(/^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    await engine.call('workload.start', { profile: 'demo', rate: 200 });

    const nodes = await clusterNodes(cluster.servers[0]!.port);
    const masters = nodes.filter((n) => n.role === 'master');
    expect(masters).toHaveLength(3);
    // Every master serves the L2 before the kill: the keys are spread over the slots.
    for (const master of masters) {
      const before = await getCalls(master.port);
      await waitFor(
        `L2 reads on master ${master.port}`,
        async () => ((await getCalls(master.port)) > before + 20 ? true : undefined),
        60_000,
      );
    }

    const victim = masters[0]!;
    const heir = nodes.find((n) => n.masterId === victim.id)!;
    const witness = masters[1]!;
    const outageBefore = await engine.call('cache.status', {});
    await cluster.servers.find((s) => s.port === victim.port)!.kill();

    // The cluster promotes the victim's replica; then the L2's reads of those slots go to it.
    await cluster.settled(witness.port, 3, 0);
    expect((await clusterNodes(witness.port)).find((n) => n.port === heir.port)?.role).toBe('master');
    const heirBefore = await getCalls(heir.port);
    await waitFor(
      `L2 reads on the promoted replica ${heir.port}`,
      async () => ((await getCalls(heir.port)) > heirBefore + 20 ? true : undefined),
      60_000,
    );
    const after = await engine.call('cache.status', {});
    expect(after.l2!.topology).toBe('cluster');
    expect(after.l2!.errors + after.l2!.shortCircuited).toBeGreaterThan(outageBefore.l2!.errors + outageBefore.l2!.shortCircuited);
    await waitFor('the breaker closed', async () =>
      (await engine.call('cache.status', {})).l2!.breakerState === 'closed' ? true : undefined,
    );
    await engine.call('workload.stop', {});

    const all = snapshots.flatMap((s) => s.workload?.templates.filter((t) => t.template === 'all') ?? []);
    expect(all.reduce((n, t) => n + t.count, 0)).toBeGreaterThan(0);
    expect(all.reduce((n, t) => n + t.errors, 0)).toBe(0);

    const ticks = snapshots.length;
    await waitFor('a telemetry tick', () => (snapshots.length > ticks ? true : undefined));
    const metrics = await engine.metrics.text();
    expect(metrics).toMatch(/^hotpath_l2_breaker_state\{state="closed"\} 1$/m);
    const counted = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(counted('hotpath_l2_errors_total') + counted('hotpath_l2_short_circuited_total')).toBeGreaterThan(0);
  }, 300_000);
});
