import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import '../../support/provided.ts';

const MiB = 1024 * 1024;

/** The memory manager through the engine's contract: what the Memory page and /metrics rely on. */
describe('the engine memory manager', () => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-engine-memory-'));
    engine = new Engine({ dataDir, workloadSeed: 2, memoryBudgetBytes: 4096 * MiB, cache: { l1Bytes: 32 * MiB, l3: { kind: 'off' } } });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    await engine.call('stack.connect', { pgUrl: db.url, redisUrl: inject('redisUrl') });
    await engine.call('demo.seed', { chunks: 2000 });
    await engine.call('workload.start', { profile: 'demo', rate: 200 });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports process and machine resources and the pressure level in every snapshot, and in /metrics', async () => {
    const memory = await waitFor('a snapshot with a memory reading and L1 contents', () => {
      const m = snapshots.at(-1)?.memory;
      return m && (m.l1Bytes ?? 0) > 0 ? m : undefined;
    });
    expect(memory.process.rssBytes).toBeGreaterThan(memory.process.heapUsedBytes);
    expect(memory.machine.totalBytes).toBeGreaterThan(memory.machine.availableBytes);
    expect(memory).toMatchObject({ level: 'normal', budgetBytes: 4096 * MiB, usageSource: expect.stringMatching(/budget|machine/) });
    expect(memory.usage).toBeGreaterThan(0);
    const text = await engine.metrics.text();
    expect(text).toMatch(/hotpath_memory_pressure 0/);
    expect(text).toMatch(/hotpath_memory_budget_bytes 4294967296/);
  });

  it('runs an operator cleanup: the L1 shrinks, every step is reported with what it freed, the action reaches the timeline once', async () => {
    const before = (await engine.call('cache.status', {})).l1!;
    expect(before.bytes).toBeGreaterThan(0);
    const action = await engine.call('memory.cleanup', { level: 'aggressive' });
    expect(action).toMatchObject({ kind: 'cleanup', level: 'aggressive', trigger: 'operator' });
    expect(action.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['emptyL1']));
    expect(action.steps.every((s) => typeof s.freedHeapBytes === 'number' && s.tookMs >= 0 && s.detail.length > 0)).toBe(true);
    const after = (await engine.call('cache.status', {})).l1!;
    expect(after.maxBytes).toBeLessThan(before.maxBytes);
    const onTimeline = await waitFor('the action on the telemetry timeline', () =>
      snapshots.flatMap((s) => s.memory?.actions ?? []).find((a) => a.at === action.at),
    );
    expect(onTimeline.reason).toBe(action.reason);
    expect(snapshots.flatMap((s) => s.memory?.actions ?? []).filter((a) => a.at === action.at)).toHaveLength(1);
    const status = await engine.call('memory.status', {});
    expect(status.cleanups.aggressive).toBe(1);
    expect(status.actions.find((a) => a.at === action.at)).toMatchObject({ trigger: 'operator', kind: 'cleanup' });
    // The workload never failed through it.
    expect(snapshots.reduce((n, s) => n + (s.workload?.templates.find((t) => t.template === 'all')?.errors ?? 0), 0)).toBe(0);
  });

  it('sets the budget, refuses one larger than the machine, and pauses and resumes automatic cleanups', async () => {
    expect((await engine.call('memory.setBudget', { bytes: 512 * MiB })).budgetBytes).toBe(512 * MiB);
    await expect(engine.call('memory.setBudget', { bytes: 1024 ** 4 })).rejects.toMatchObject({
      code: 'budget-too-large',
      hint: expect.any(String),
    });
    await expect(engine.call('memory.setBudget', { bytes: 1 })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('at least 64 MiB'),
    });
    expect((await engine.call('memory.setAutomatic', { enabled: false })).paused).toBe(true);
    expect((await engine.call('memory.setAutomatic', { enabled: true })).paused).toBe(false);
  });
});
