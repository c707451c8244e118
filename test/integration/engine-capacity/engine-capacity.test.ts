import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../../main/contract/status.ts';
import { SLO_IDS } from '../../../main/contract/slo.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { createSeededDatabase, type SeededDatabase } from '../../support/seeded-database.ts';
import { waitFor } from '../../support/wait-for.ts';

/** The workload's rate before each search: the search must leave it there. */
const RESTING_RATE = 40;

/**
 * "Find capacity" through the engine's contract, on a real workload: tiny windows, and a last step (100,000
 * requests/s on a pool of one connection) far past what the engine serves, so the search ends at a failing step
 * whatever the machine does. Which metric fails, and whether the first step held (a busy machine fails CPU), is
 * the machine's business; the shape of the search is not. One server: the search reads the engine, not SQL.
 */
describe('the capacity search (pg15)', () => {
  let seeded: SeededDatabase;
  let engine: Engine;
  const progress: TaskProgress[] = [];

  beforeAll(async () => {
    seeded = await createSeededDatabase('pg15', { chunks: 1000, dataDirPrefix: 'hotpath-engine-capacity-' });
    engine = new Engine({ dataDir: seeded.dataDir, workloadSeed: 7, workloadPoolSize: 1 });
    engine.subscribe('task.progress', (p) => {
      if (p.task === 'capacity') progress.push(p);
    });
    await engine.call('stack.connect', { pgUrl: seeded.db.url });
  });
  afterAll(async () => {
    await engine?.stop();
    await seeded?.drop();
  });

  it('needs a running workload and a confirmation', async () => {
    await expect(engine.call('capacity.start', { confirm: true })).rejects.toMatchObject({ code: 'no-workload' });
    await expect(engine.call('capacity.start', {} as never)).rejects.toMatchObject({ code: 'bad-request' });
    expect(await engine.call('capacity.cancel', {})).toEqual({ cancelled: false });
  });

  it('ramps until a step fails, records each step, and puts the workload back at its rate', async () => {
    await engine.call('workload.start', { profile: 'demo', rate: RESTING_RATE });
    // Past the workload's warm-up, whose seconds the judge does not count.
    await waitFor('a second after the warm-up', async () =>
      (await engine.call('telemetry.history', { seconds: 1 }))[0]?.workload?.warmup === false ? true : undefined,
    );
    const result = await engine.call('capacity.start', {
      startRate: 50,
      step: 99_950,
      maxRate: 100_000,
      windowSeconds: 3,
      settleSeconds: 1,
      // A few seconds of warm-up, cut short: its reading of the cache, not a steady hit rate.
      warmupMaxSeconds: 3,
      confirm: true,
    });
    expect(result.warmup).toMatchObject({ seconds: 3, steady: false, hitRate: expect.any(Number) });
    expect(result.ended).toBe('step-failed');
    expect(result.steps.length).toBeGreaterThanOrEqual(1);
    const last = result.steps.at(-1)!;
    expect(last.verdict).toBe('fail');
    expect(last.failures.length).toBeGreaterThan(0);
    for (const failure of last.failures) expect(SLO_IDS).toContain(failure.id);
    // Every step before the failing one held all eight over a full window.
    for (const step of result.steps.slice(0, -1)) expect(step).toMatchObject({ verdict: 'pass', secondsJudged: 3, failures: [] });
    expect(result.highestPassingRate).toBe(result.steps.length === 2 ? 50 : null);
    expect(result.restoredRate).toBeCloseTo(RESTING_RATE);
    expect(engine.status().workload.running).toBe(true);
    expect(engine.status().workload.targetRate).toBeCloseTo(RESTING_RATE);
    expect(progress.some((p) => p.phase === 'fail')).toBe(true);
    expect(await engine.call('capacity.status', {})).toMatchObject({ running: false, defaults: { windowSeconds: 300 }, last: result });
  });

  it('refuses a second search and Optimize while one runs, and cancel ends it with the rate restored', async () => {
    // Settling for an hour: nothing can fail the step before the cancel.
    const running = engine.call('capacity.start', {
      startRate: 60,
      step: 10,
      maxRate: 100,
      windowSeconds: 900,
      settleSeconds: 3_600,
      warmupMaxSeconds: 0,
      confirm: true,
    });
    await waitFor('the search to start', async () => ((await engine.call('capacity.status', {})).running ? true : undefined));
    await expect(engine.call('capacity.start', { confirm: true })).rejects.toMatchObject({ code: 'busy' });
    // Optimize's before/after would measure the ramp: it waits (a plan that does not exist says so only after).
    await expect(engine.call('optimize.apply', { planId: 'any', confirm: true })).rejects.toMatchObject({
      code: 'busy',
      message: 'A capacity search is running.',
    });
    expect(engine.status().workload.targetRate).toBeCloseTo(60);
    expect(await engine.call('capacity.cancel', {})).toEqual({ cancelled: true });
    const result = await running;
    expect(result.ended).toBe('cancelled');
    expect(result.restoredRate).toBeCloseTo(RESTING_RATE);
    expect(engine.status().workload.targetRate).toBeCloseTo(RESTING_RATE);
    await engine.call('workload.stop', {});
  });
});
