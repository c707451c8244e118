import { describe, expect, it } from 'vitest';
import { BackgroundGate } from '../../../main/memory/background-gate.ts';
import {
  collectGarbage,
  emptyL1,
  measureStep,
  pauseBackground,
  poolToMinimum,
  purgeExpiredL1,
  restoreL1,
  resumeBackground,
  shrinkL1,
  trimPool,
  type MemoryFigures,
  type StepEnvironment,
} from '../../../main/memory/cleanup-steps.ts';
import { FakeCache, FakePool, MiB } from './fakes.ts';

/** Measurements that return the given figures in turn, and a clock that advances 5 ms per call. */
function environment(figures: MemoryFigures[], gc?: () => void): StepEnvironment {
  let i = 0;
  let t = 0;
  return { measure: () => figures[Math.min(i++, figures.length - 1)]!, now: () => (t += 5), gc };
}

describe('cleanup step measurement', () => {
  it('reports RSS and heap before − after and the time taken', async () => {
    const env = environment([
      { rssBytes: 300 * MiB, heapUsedBytes: 200 * MiB },
      { rssBytes: 260 * MiB, heapUsedBytes: 120 * MiB },
    ]);
    const result = await measureStep('collectGarbage', env, () => ({ status: 'done', detail: 'x' }));
    expect(result).toEqual({
      step: 'collectGarbage',
      status: 'done',
      detail: 'x',
      freedBytes: 40 * MiB,
      freedHeapBytes: 80 * MiB,
      tookMs: 5,
    });
  });

  it('reports growth as a negative figure, not as zero', async () => {
    const env = environment([
      { rssBytes: 300 * MiB, heapUsedBytes: 200 * MiB },
      { rssBytes: 302 * MiB, heapUsedBytes: 201 * MiB },
    ]);
    const result = await measureStep('shrinkL1', env, () => ({ status: 'done', detail: '' }));
    expect(result.freedBytes).toBe(-2 * MiB);
    expect(result.freedHeapBytes).toBe(-1 * MiB);
  });

  it('turns a throwing step into a failed result', async () => {
    const result = await measureStep('trimPool', environment([{ rssBytes: 1, heapUsedBytes: 1 }]), () => {
      throw new Error('connection refused');
    });
    expect(result).toMatchObject({ step: 'trimPool', status: 'failed', detail: 'connection refused' });
  });
});

describe('cleanup steps', () => {
  const env = (): StepEnvironment => environment([{ rssBytes: 100 * MiB, heapUsedBytes: 50 * MiB }]);

  it('purgeExpiredL1 drops expired entries, and says when there were none', async () => {
    const cache = new FakeCache(50 * MiB, 100 * MiB);
    cache.expired = 12;
    expect(await purgeExpiredL1(cache, env())).toMatchObject({ status: 'done', detail: 'dropped 12 expired L1 entries' });
    expect(await purgeExpiredL1(cache, env())).toMatchObject({ status: 'skipped', detail: 'no expired L1 entries' });
  });

  it('shrinkL1 lowers the budget and never raises it', async () => {
    const cache = new FakeCache(80 * MiB, 100 * MiB);
    expect(await shrinkL1(cache, 50 * MiB, env())).toMatchObject({
      status: 'done',
      detail: 'L1 budget 100 MiB → 50 MiB; it held 80 MiB, now 50 MiB',
    });
    expect(await shrinkL1(cache, 70 * MiB, env())).toMatchObject({ status: 'skipped' });
    expect(cache.max).toBe(50 * MiB);
  });

  it('emptyL1 sets the floor before flushing, so loads finishing meanwhile land in a small L1', async () => {
    const cache = new FakeCache(80 * MiB, 100 * MiB);
    const result = await emptyL1(cache, 5 * MiB, env());
    expect(cache.calls).toEqual([`resize ${5 * MiB}`, 'flush']);
    expect(result.detail).toBe('emptied the L1, which held 80 MiB; budget held at 5 MiB');
    expect(cache.held).toBe(0);
  });

  it('restoreL1 raises the budget and never lowers it', async () => {
    const cache = new FakeCache(0, 5 * MiB, 100 * MiB);
    expect(await restoreL1(cache, 100 * MiB, env())).toMatchObject({ status: 'done', detail: 'L1 budget 5 MiB → 100 MiB' });
    expect(await restoreL1(cache, 50 * MiB, env())).toMatchObject({ status: 'skipped' });
    expect(cache.max).toBe(100 * MiB);
  });

  it('trimPool and poolToMinimum report the connections closed', async () => {
    const pool = new FakePool(8, 2, 3);
    expect(await trimPool(pool, env())).toMatchObject({ status: 'done', detail: 'closed 3 idle pool connections above the minimum' });
    expect(await trimPool(pool, env())).toMatchObject({ status: 'skipped' });
    expect(await poolToMinimum(pool, env())).toMatchObject({ status: 'done', detail: 'pool held at its minimum; closed 3 connections' });
    expect(pool.connections).toBe(2);
  });

  it('collectGarbage calls the exposed collector', async () => {
    let calls = 0;
    const result = await collectGarbage(
      environment(
        [
          { rssBytes: 300 * MiB, heapUsedBytes: 200 * MiB },
          { rssBytes: 250 * MiB, heapUsedBytes: 90 * MiB },
        ],
        () => (calls += 1),
      ),
    );
    expect(calls).toBe(1);
    expect(result).toMatchObject({ status: 'done', freedBytes: 50 * MiB, freedHeapBytes: 110 * MiB });
  });

  it('collectGarbage is skipped, saying why, when no collector is exposed', async () => {
    const result = await collectGarbage({ ...env(), gc: undefined });
    expect(result.status).toBe('skipped');
    expect(result.detail).toMatch(/global\.gc is not exposed \(start Node with --expose-gc/);
  });

  it('pauseBackground and resumeBackground drive the gate, and say when there was nothing to do', async () => {
    const gate = new BackgroundGate();
    expect(await resumeBackground(gate, env())).toMatchObject({ status: 'skipped' });
    expect(await pauseBackground(gate, 'aggressive memory pressure', env())).toMatchObject({ status: 'done' });
    expect(gate.reason).toBe('aggressive memory pressure');
    expect(await pauseBackground(gate, 'again', env())).toMatchObject({ status: 'skipped' });
    expect(await resumeBackground(gate, env())).toMatchObject({ status: 'done' });
    expect(gate.paused).toBe(false);
  });
});

describe('BackgroundGate', () => {
  it('lets loops through while running and holds them while paused until resume()', async () => {
    const gate = new BackgroundGate();
    await gate.whenRunning();
    gate.pause('pressure');
    let passed = 0;
    const loops = [gate.whenRunning().then(() => (passed += 1)), gate.whenRunning().then(() => (passed += 1))];
    await Promise.resolve();
    expect(passed).toBe(0);
    expect(gate.waiting).toBe(2);
    gate.resume();
    await Promise.all(loops);
    expect(passed).toBe(2);
    expect(gate.waiting).toBe(0);
  });
});
