import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { expositionProblems, histogramSeries, parseExposition } from '../../support/prometheus-text.ts';
import { waitFor } from '../../support/wait-for.ts';

/** The workload pool through the engine's contract: what the Pool page and `hotpath` hosts rely on. */
describe.each(TEST_SERVERS)('the engine workload pool (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(server);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-engine-pool-'));
    engine = new Engine({ dataDir, workloadSeed: 5, workloadPoolSize: 4, cache: false });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is absent before a stack is connected', async () => {
    expect(await engine.call('pool.status', {})).toEqual({ enabled: false, size: null, settings: null, leaks: [] });
    await expect(engine.call('pool.resize', { max: 3 })).rejects.toMatchObject({ code: 'not-connected' });
  });

  it('opens with the size asked for, settings with reasons, and reports each second in telemetry', async () => {
    await engine.call('stack.connect', { pgUrl: db.url });
    const status = await engine.call('pool.status', {});
    expect(status.size).toMatchObject({ max: 4, serverMaxConnections: expect.any(Number) });
    expect(status.settings?.values.statementTimeoutMs).toBeGreaterThan(0);
    expect(Object.keys(status.settings?.reasons ?? {}).length).toBeGreaterThan(0);
    await engine.call('demo.seed', { chunks: 1000 });
    await engine.call('workload.start', { profile: 'demo', rate: 100 });
    const busy = await waitFor('a second with acquisitions on the normal lane', () => {
      const pool = snapshots.at(-1)?.pool;
      return pool && pool.acquiresByLane.normal > 0 ? pool : undefined;
    });
    expect(busy.max).toBe(4);
    expect(busy.connections.total).toBeLessThanOrEqual(4);
    expect(busy.acquireWaitByLane.normal.count).toBeGreaterThan(0);
    const metrics = await engine.metrics.text();
    expect(metrics).toMatch(/hotpath_pool_connections\{state="active"\}/);
    // The waits the snapshots counted are in /metrics' histogram, from the same HDR histograms.
    const waits = histogramSeries(parseExposition(metrics), 'hotpath_pool_acquire_wait_seconds', 'lane').get('normal');
    expect(waits?.count).toBeGreaterThan(0);
    expect(expositionProblems(metrics)).toEqual([]);
    await engine.call('workload.stop', {});
  });

  it('resizes within the server limits, and refuses an impossible size with a reason', async () => {
    const resized = await engine.call('pool.resize', { min: 1, max: 3 });
    expect(resized.size).toMatchObject({ min: 1, max: 3 });
    await expect(engine.call('pool.resize', { max: 100_000 })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(engine.call('pool.resize', { max: 5000 })).rejects.toMatchObject({ code: 'pool-invalid-size', hint: expect.any(String) });
  });

  it("checks, applies and reverts a session setting; a bad value fails with the server's reason and changes nothing", async () => {
    const before = (await engine.call('pool.status', {})).settings!.values;
    const proposed = await engine.call('pool.proposeSettings', { change: { lockTimeoutMs: 1234 } });
    expect(proposed.lockTimeoutMs).toBe(1234);
    expect((await engine.call('pool.status', {})).settings!.values.lockTimeoutMs).toBe(before.lockTimeoutMs);

    const applied = await engine.call('pool.applySettings', { change: { lockTimeoutMs: 1234 } });
    expect(applied.settings).toMatchObject({ values: { lockTimeoutMs: 1234 }, canRevert: true });

    await expect(
      engine.call('pool.applySettings', { change: { workMemKb: 64, planCacheMode: 'auto', statementTimeoutMs: 5, jit: false } }),
    ).resolves.toBeTruthy();
    await expect(engine.call('pool.applySettings', { change: { workMemKb: 2 * 1024 * 1024 } })).rejects.toMatchObject({
      code: expect.stringMatching(/^pool-invalid-setting$/),
    });

    const reverted = await engine.call('pool.revertSettings', {});
    expect(reverted.settings?.values.workMemKb).not.toBe(64);
  });
});
