import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import type { TaskProgress } from '../../../main/contract/status.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import '../../support/provided.ts';

const MiB = 1024 * 1024;

/** The demo workload's cached templates reading through L1 (memory), L2 (the test Redis) and L3 (a folder). */
describe('the engine cache on the demo workload (pg18 + Redis)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-engine-cache-'));
    engine = new Engine({ dataDir, workloadSeed: 11, cache: { l1Bytes: 16 * MiB } });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    await engine.call('stack.connect', { pgUrl: db.url, redisUrl: inject('redisUrl') });
    await engine.call('demo.seed', { chunks: 2000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports the three tiers and, once the workload runs, which templates are cached', async () => {
    const idle = await engine.call('cache.status', {});
    expect(idle.tiers.map((t) => t.tier)).toEqual(['l1', 'l2', 'l3']);
    expect(idle.l1).toMatchObject({ maxBytes: 16 * MiB, entries: 0 });
    expect(idle.cachedTemplates).toEqual([]);

    await engine.call('workload.start', { profile: 'demo', rate: 300 });
    const status = await engine.call('cache.status', {});
    expect(status.cachedTemplates).toEqual([
      { template: 'chunk_by_id', ttlMs: 3_600_000 },
      { template: 'graph_neighbours', ttlMs: 3_600_000 },
    ]);
  });

  it('serves repeated keys from the cache: telemetry shows hits per tier and the Prometheus counters move', async () => {
    // Zipf-popular ids over 2,000 chunks repeat quickly, so the hit rate climbs within seconds.
    const hot = await waitFor('a second with a cache hit rate above 50%', () => {
      const last = snapshots.at(-1)?.cache;
      return last && last.hitRate !== null && last.hitRate > 0.5 ? last : undefined;
    });
    expect(hot.requests).toBeGreaterThan(0);
    expect(hot.tiers.l1).toMatchObject({ hits: expect.any(Number), entries: expect.any(Number) });
    expect(hot.tiers.l1!.hits).toBeGreaterThan(0);
    expect(hot.tiers.l1!.bytes).toBeGreaterThan(0);
    expect(hot.tiers.l2).not.toBeNull();
    expect(hot.tiers.l3).not.toBeNull();
    // Every miss of a cached request was one load from the database. A load is counted when it starts and its miss
    // when it answers, so the loads still running at the last snapshot (at most the requests in flight) are ahead.
    const loads = snapshots.reduce((n, s) => n + (s.cache?.loads ?? 0), 0);
    const misses = snapshots.reduce((n, s) => n + (s.cache ? s.cache.requests - s.cache.hits : 0), 0);
    expect(loads).toBeLessThanOrEqual(misses + (snapshots.at(-1)?.workload?.inFlight ?? 0));
    expect(loads).toBeGreaterThan(0);
    const text = await engine.metrics.text();
    expect(text).toMatch(/hotpath_cache_requests_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/hotpath_cache_lookups_total\{tier="l1",result="hit"\} [1-9]/);
  });

  it('after flushing L1, reads are answered by L2 and promoted back into L1', async () => {
    const flushed = await engine.call('cache.flush', { tier: 'l1' });
    expect(flushed.removed.l1).toBeGreaterThan(0);
    expect(flushed.complete).toBe(true);
    const fromL2 = await waitFor('a second where L2 answered', () => {
      const last = snapshots.at(-1)?.cache?.tiers.l2;
      return last && last.hits > 0 ? last : undefined;
    });
    expect(fromL2.hits).toBeGreaterThan(0);
  });

  it('flushes everything, then warms the hottest keys with progress, without counting warm-ups as traffic', async () => {
    await engine.call('workload.stop', {});
    await engine.call('cache.flush', { tier: 'all' });
    expect((await engine.call('cache.status', {})).l1?.entries).toBe(0);
    // The interval open when the workload stopped still holds its last requests: let it close first.
    const stoppedAt = snapshots.length;
    await waitFor('the interval of the stop to close', () => (snapshots.length > stoppedAt ? true : undefined));
    const before = snapshots.length;
    const progress: TaskProgress[] = [];
    const off = engine.subscribe('task.progress', (p) => p.task === 'warm' && progress.push(p));
    const warmed = await engine.call('cache.warm', { keys: 200 });
    off();
    expect(warmed.keys).toBe(200);
    expect(warmed.loaded).toBe(200);
    expect(warmed.failed).toBe(0);
    expect(progress.at(-1)).toMatchObject({ task: 'warm', done: 200, total: 200 });
    expect((await engine.call('cache.status', {})).l1?.entries).toBeGreaterThanOrEqual(200);
    await waitFor('two more snapshots', () => (snapshots.length >= before + 2 ? true : undefined));
    // No workload ran: the warm-ups did not count as cache requests.
    expect(snapshots.slice(before).every((s) => s.cache?.requests === 0)).toBe(true);

    const again = await engine.call('cache.warm', { keys: 200 });
    expect(again).toMatchObject({ loaded: 0, alreadyCached: 200 });
  });

  it('resizes the L1 at run time; shrinking evicts down to the new budget', async () => {
    const resized = await engine.call('cache.resize', { l1Bytes: 1 * MiB });
    expect(resized.l1!.maxBytes).toBe(1 * MiB);
    expect(resized.l1!.bytes).toBeLessThanOrEqual(1 * MiB);
    expect(resized.tiers.find((t) => t.tier === 'l1')?.location).toBe('memory, 1 MiB');
    await expect(engine.call('cache.resize', { l1Bytes: 1000 })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('at least 1 MiB'),
    });
  });
});

describe('the engine cache without Redis', () => {
  it('has no L2, says so when asked to flush it, and a turned-off cache says how to turn it on', async () => {
    const db = await createTestDatabase('pg15');
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-engine-cache-'));
    const engine = new Engine({ dataDir, cache: { l3: { kind: 'off' } } });
    const off = new Engine({ dataDir, cache: false });
    try {
      await engine.call('stack.connect', { pgUrl: db.url });
      expect((await engine.call('cache.status', {})).tiers.map((t) => t.tier)).toEqual(['l1']);
      await expect(engine.call('cache.flush', { tier: 'l2' })).rejects.toMatchObject({
        code: 'cache-tier-missing',
        hint: expect.stringContaining('Redis'),
      });
      await expect(engine.call('cache.warm', {})).rejects.toMatchObject({ code: 'nothing-to-warm' });

      expect((await off.call('cache.status', {})).enabled).toBe(false);
      await off.call('stack.connect', { pgUrl: db.url });
      expect((await off.call('cache.status', {})).enabled).toBe(false);
      await expect(off.call('cache.flush', { tier: 'all' })).rejects.toMatchObject({ code: 'cache-off' });
    } finally {
      await engine.stop();
      await off.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
