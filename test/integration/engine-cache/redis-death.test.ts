import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../main/contract/status.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { createTestDatabase, TEST_SERVERS, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';

const MiB = 1024 * 1024;

// The engine's Redis killed (SIGKILL) and restarted under the demo workload: the engine log says so once each
// way, cache.status shows the breaker and its errors, and no request fails meanwhile.
describe.each(TEST_SERVERS)('the engine when its Redis dies and comes back (%s)', (server) => {
  let redis: PrivateRedis;
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const logs: LogEntry[] = [];
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    db = await createTestDatabase(server);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-redis-death-'));
    // A small L1, so cached templates keep reading L2.
    engine = new Engine({ dataDir, workloadSeed: 5, cache: { l1Bytes: 1 * MiB, l3: { kind: 'off' } } });
    engine.subscribe('engine.log', (entry) => logs.push(entry));
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    await engine.call('stack.connect', { pgUrl: db.url, redisUrl: redis.url });
    await engine.call('demo.seed', { chunks: 2000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs one line when Redis stops answering and one when it is back; the status shows the breaker; no request fails', async () => {
    const l2Lookups = () => snapshots.reduce((n, s) => n + (s.cache?.tiers.l2?.hits ?? 0) + (s.cache?.tiers.l2?.misses ?? 0), 0);
    await engine.call('workload.start', { profile: 'demo', rate: 200 });
    await waitFor('lookups reaching L2', () => (l2Lookups() > 20 ? true : undefined), 30_000);
    const healthy = await engine.call('cache.status', {});
    expect(healthy.l2).toMatchObject({ breakerState: 'closed', breakerTransitions: 0 });

    await redis.kill();
    const down = await waitFor(
      'the log line saying Redis stopped answering',
      () => logs.find((l) => /stopped answering/.test(l.message)),
      20_000,
    );
    expect(down.level).toBe('warn');
    expect(down.message).toContain(`Redis at ${redis.url}`);
    const outage = await engine.call('cache.status', {});
    expect(outage.l2!.errors).toBeGreaterThan(0);
    expect(outage.l2!.lastError).not.toBeNull();
    expect(outage.l2!.breakerTransitions).toBeGreaterThan(0);
    // Several probes fail while it is down (one per cool-down): still one line.
    await waitFor(
      'requests to go on during the outage',
      async () => ((await engine.call('cache.status', {})).l2!.shortCircuited > 50 ? true : undefined),
      20_000,
    );

    await redis.restart();
    const up = await waitFor('the log line saying Redis is back', () => logs.find((l) => /answers again after/.test(l.message)), 30_000);
    expect(up.level).toBe('info');
    expect((await engine.call('cache.status', {})).l2!.breakerState).toBe('closed');
    await engine.call('workload.stop', {});

    expect(logs.filter((l) => /stopped answering/.test(l.message))).toHaveLength(1);
    expect(logs.filter((l) => /answers again after/.test(l.message))).toHaveLength(1);
    const errors = snapshots.reduce((n, s) => n + (s.workload?.templates.find((t) => t.template === 'all')?.errors ?? 0), 0);
    expect(errors).toBe(0);
  });
});
