import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { sentinelRedisUrl } from '../../../main/stack/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { getCalls, infoField, redisCommand, startSentinelGroup, type SentinelGroup } from '../cache-l2/private-redis-topologies.ts';

const MiB = 1024 * 1024;

// The engine's L2 and invalidation bus on a Sentinel-managed Redis (a master, a replica, one sentinel with quorum 1),
// under the demo workload: a SENTINEL FAILOVER, then the new master killed. Callers see no failed request (reads
// fall through to PostgreSQL while Redis is away), and the L2 reads from whichever server the sentinel names master.
// One PostgreSQL suffices: what is tested is the Redis side.
describe('the engine on Redis Sentinel: failovers under load', () => {
  let group: SentinelGroup;
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    group = await startSentinelGroup('hotpath-failover');
    await group.replicasInSync();
    db = await createTestDatabase('pg18');
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-sentinel-failover-'));
    // A small L1, so cached templates keep reading L2.
    engine = new Engine({ dataDir, workloadSeed: 7, cache: { l1Bytes: 1 * MiB, l3: { kind: 'off' } } });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    const redisUrl = sentinelRedisUrl([{ host: '127.0.0.1', port: group.sentinelPort }], group.masterName);
    // The console's "Test connection" first, as a user would.
    expect(await engine.call('stack.test', { pgUrl: db.url, redisUrl })).toMatchObject({ redis: true });
    await engine.call('stack.connect', { pgUrl: db.url, redisUrl });
    await engine.call('demo.seed', { chunks: 2000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await group?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Waits until the L2's GETs reach the server the sentinel names master now. */
  async function l2ReadsFromTheMaster(what: string): Promise<number> {
    const master = await group.masterPort();
    const before = await getCalls(master);
    await waitFor(
      `${what}: L2 reads answered by the master on ${master}`,
      async () => ((await getCalls(master)) > before + 50 ? true : undefined),
      60_000,
    );
    return master;
  }

  it('goes on through SENTINEL FAILOVER and a killed master; L2 comes back on each new master; /metrics shows the breaker', async () => {
    const status = engine.status();
    expect(status.stack?.redisUrl).toBe(`redis+sentinel://127.0.0.1:${group.sentinelPort}/hotpath-failover`);
    expect((await engine.call('cache.status', {})).tiers.find((t) => t.tier === 'l2')?.location).toContain('redis+sentinel://');

    await engine.call('workload.start', { profile: 'demo', rate: 200 });
    const first = await l2ReadsFromTheMaster('before any failover');

    // A planned failover: the replica is promoted, Sentinel reconfigures the old master and drops its clients.
    expect(await redisCommand(group.sentinelPort, 'SENTINEL', 'FAILOVER', group.masterName)).toBe('OK');
    await waitFor('the sentinel to name the replica master', async () => ((await group.masterPort()) !== first ? true : undefined), 60_000);
    const second = await l2ReadsFromTheMaster('after SENTINEL FAILOVER');
    expect(second).not.toBe(first);
    expect(await infoField(second, 'role')).toBe('master');

    // An unplanned one: the new master is killed; the sentinel promotes the old master (now its replica).
    await group.replicasInSync();
    const outageBefore = await engine.call('cache.status', {});
    await group.servers.find((s) => s.port === second)!.kill();
    await waitFor(
      'the sentinel to promote the other server',
      async () => ((await group.masterPort()) !== second ? true : undefined),
      60_000,
    );
    const third = await l2ReadsFromTheMaster('after the master was killed');
    expect(third).toBe(first);
    const after = await engine.call('cache.status', {});
    expect(after.l2!.topology).toBe('sentinel');
    // The outage was met (calls failed or were refused by the breaker) and is over.
    expect(after.l2!.errors + after.l2!.shortCircuited).toBeGreaterThan(outageBefore.l2!.errors + outageBefore.l2!.shortCircuited);
    await waitFor('the breaker closed', async () =>
      (await engine.call('cache.status', {})).l2!.breakerState === 'closed' ? true : undefined,
    );
    await engine.call('workload.stop', {});

    const all = snapshots.flatMap((s) => s.workload?.templates.filter((t) => t.template === 'all') ?? []);
    expect(all.reduce((n, t) => n + t.count, 0)).toBeGreaterThan(0);
    expect(all.reduce((n, t) => n + t.errors, 0)).toBe(0);

    // One more tick, so /metrics has seen the last state.
    const ticks = snapshots.length;
    await waitFor('a telemetry tick', () => (snapshots.length > ticks ? true : undefined));
    const metrics = await engine.metrics.text();
    expect(metrics).toMatch(/^hotpath_l2_breaker_state\{state="closed"\} 1$/m);
    expect(metrics).toMatch(/^hotpath_l2_breaker_state\{state="open"\} 0$/m);
    const counted = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(counted('hotpath_l2_errors_total') + counted('hotpath_l2_short_circuited_total')).toBeGreaterThan(0);
  }, 300_000);
});
