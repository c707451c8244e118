import { describe, expect, it } from 'vitest';
import { BackgroundGate } from '../../../main/memory/background-gate.ts';
import { MemoryManager, type MemoryManagerOptions } from '../../../main/memory/memory-manager.ts';
import { FakeCache, FakePool, FakeSampler, GiB, MiB } from './fakes.ts';

const BUDGET = 1000 * MiB;
const INTERVAL = 2_000;

/** A manager on fakes with a manual clock; `read(share)` advances 2 s and takes one reading at that share of the budget. */
/** `without` leaves collaborators out, as a stack without a cache, pool or background work would. */
function setup(overrides: Partial<MemoryManagerOptions> = {}, without: readonly ('cache' | 'pool' | 'background')[] = []) {
  let now = 1_000_000;
  const clock = () => now;
  const sampler = new FakeSampler(clock);
  const cache = new FakeCache(400 * MiB, 512 * MiB);
  const pool = new FakePool(8, 2, 3);
  const background = new BackgroundGate();
  const logged: { level: string; message: string }[] = [];
  let gcCalls = 0;
  const options: MemoryManagerOptions = {
    budgetBytes: BUDGET,
    sampler,
    cache,
    pool,
    background,
    clock,
    log: (level, message) => logged.push({ level, message }),
    stepEnvironment: { measure: () => ({ rssBytes: sampler.rss, heapUsedBytes: sampler.rss / 2 }), now: () => 0, gc: () => (gcCalls += 1) },
    ...overrides,
  };
  for (const key of without) delete options[key];
  const manager = new MemoryManager(options);
  const read = async (share: number) => {
    now += INTERVAL;
    sampler.rss = share * BUDGET;
    return await manager.tick();
  };
  const readMany = async (share: number, count: number) => {
    for (let i = 0; i < count; i += 1) await read(share);
  };
  return { manager, sampler, cache, pool, background, logged, read, readMany, gcCalls: () => gcCalls };
}

const stepNames = (action: { steps: { step: string }[] }) => action.steps.map((s) => s.step);

describe('MemoryManager', () => {
  it('does nothing while usage stays normal', async () => {
    const { manager, readMany, logged } = setup();
    await readMany(0.6, 50);
    expect(manager.actions()).toEqual([]);
    expect(logged).toEqual([]);
    expect(manager.snapshot()).toMatchObject({ level: 'normal', cleanups: { moderate: 0, aggressive: 0 }, newActions: [] });
  });

  it('on entering moderate: drops expired entries, shrinks the L1 to half its configured size, trims the pool, collects', async () => {
    const { manager, read, cache, pool, background, logged, gcCalls } = setup();
    cache.expired = 5;
    await read(0.86);
    const [action] = manager.actions();
    expect(stepNames(action!)).toEqual(['purgeExpiredL1', 'shrinkL1', 'trimPool', 'collectGarbage']);
    expect(action).toMatchObject({
      level: 'moderate',
      kind: 'cleanup',
      trigger: 'automatic',
      reason: 'entered moderate: RSS 860 MiB is 86% of the 1000 MiB budget',
    });
    // Half of 512 MiB, and low enough to give back the 60 MiB over the 80% exit line: 400 − 60 = 340 > 256.
    expect(cache.max).toBe(256 * MiB);
    expect(pool.calls).toEqual(['trim']);
    expect(background.paused).toBe(false);
    expect(gcCalls()).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('warn');
    expect(logged[0]!.message).toMatch(
      /^memory: moderate cleanup \(automatic\) — entered moderate: RSS 860 MiB is 86% of the 1000 MiB budget; purgeExpiredL1 done, freed 0 B RSS/,
    );
  });

  it('shrinks further than half when half would not give back the RSS over the exit line', async () => {
    const { read, cache } = setup();
    cache.held = 300 * MiB;
    await read(0.89); // 90 MiB over the 800 MiB exit line: 300 − 90 = 210 MiB < 256 MiB
    expect(cache.max).toBe(210 * MiB);
  });

  it('on entering aggressive: pauses background work, empties the L1 and holds it at 5%, takes the pool to its minimum, collects', async () => {
    const { manager, read, cache, pool, background } = setup();
    await read(0.93);
    const [action] = manager.actions();
    expect(stepNames(action!)).toEqual(['pauseBackground', 'emptyL1', 'poolToMinimum', 'collectGarbage']);
    expect(action!.reason).toBe('entered aggressive: RSS 930 MiB is 93% of the 1000 MiB budget');
    expect(cache.held).toBe(0);
    expect(cache.max).toBe(Math.floor(512 * MiB * 0.05));
    expect(pool.connections).toBe(2);
    expect(background.paused).toBe(true);
    expect(background.reason).toMatch(/^aggressive memory pressure: entered aggressive: RSS 930 MiB/);
  });

  it('reports a skipped collection when no collector is exposed', async () => {
    const { manager, read } = setup({ stepEnvironment: { gc: undefined } });
    await read(0.86);
    const gcStep = manager.actions()[0]!.steps.at(-1)!;
    expect(gcStep).toMatchObject({ step: 'collectGarbage', status: 'skipped' });
  });

  it("under sustained pressure repeats a level's steps at most every 30 s: a bounded number of actions", async () => {
    const { manager, readMany } = setup();
    await readMany(0.95, 300); // 10 minutes at 95%
    const actions = manager.actions();
    expect(actions).toHaveLength(20); // t = 0, 30 s, …, 570 s
    expect(actions.slice(1).every((a) => a.reason.startsWith('still aggressive: RSS 950 MiB'))).toBe(true);
    expect(manager.snapshot().cleanups).toEqual({ moderate: 0, aggressive: 20 });
  });

  it("does not repeat while usage is back under the level's entry line, even if the level lasts", async () => {
    const { manager, read, readMany } = setup();
    await read(0.86);
    await readMany(0.82, 100); // moderate lasts (not under 80%), but usage is under 85%
    expect(manager.actions()).toHaveLength(1);
  });

  it('turns flapping usage into a bounded number of actions', async () => {
    const { manager, readMany, read } = setup();
    // Five minutes of readings that swing across every line: 70%, 88%, 93%, 78% …
    for (let i = 0; i < 38; i += 1) {
      await readMany(0.7, 6);
      await read(0.88);
      await read(0.93);
      await read(0.78);
    }
    const seconds = 38 * 9 * (INTERVAL / 1000);
    const perLevelBound = Math.floor(seconds / 30) + 1;
    const { cleanups } = manager.snapshot();
    // At most one cleanup per level per 30 s however the input swings …
    expect(cleanups.moderate).toBeLessThanOrEqual(perLevelBound);
    expect(cleanups.aggressive).toBeLessThanOrEqual(perLevelBound);
    // … and at most one pause and one resume of background work per swing (the 5-reading dwell bounds the swings).
    const others = manager.actions().filter((a) => a.steps.length === 1 || a.kind === 'restore');
    expect(others.length).toBeLessThanOrEqual(38 * 2);
    for (const action of manager.actions()) expect(action.reason).toMatch(/RSS \d+ MiB is \d+% of the 1000 MiB budget/);
  });

  it('resumes background work and restores the pool once pressure has fallen to normal', async () => {
    const { manager, read, readMany, background, pool } = setup();
    await read(0.93);
    await readMany(0.82, 5); // down to moderate: still held
    expect(background.paused).toBe(true);
    await readMany(0.5, 5);
    expect(background.paused).toBe(false);
    const restore = manager.actions().at(-1)!;
    expect(restore).toMatchObject({ kind: 'restore', level: 'normal' });
    expect(restore.reason).toMatch(/^pressure fell to normal: RSS 500 MiB is 50% of the 1000 MiB budget/);
    expect(stepNames(restore)).toEqual(['resumeBackground', 'restorePool']);
    expect(pool.calls).toEqual(['toMinimum', 'restore']);
  });

  it('pauses background work again if aggressive returns before its steps may repeat', async () => {
    const { manager, read, readMany, background } = setup();
    await read(0.93);
    await readMany(0.5, 5);
    expect(background.paused).toBe(false);
    await read(0.93); // 12 s after the cleanup
    expect(background.paused).toBe(true);
    const last = manager.actions().at(-1)!;
    expect(stepNames(last)).toEqual(['pauseBackground']);
    expect(last.reason).toMatch(/^entered aggressive again within 30 s of the last cleanup/);
  });

  it('grows the L1 back after a minute at normal, and only to half that size if pressure then returns', async () => {
    const { manager, read, readMany, cache } = setup();
    await read(0.93);
    await readMany(0.5, 5 + 29); // normal reached, then 58 s more
    expect(cache.max).toBe(Math.floor(512 * MiB * 0.05));
    await read(0.5); // 60 s at normal
    expect(cache.max).toBe(512 * MiB);
    expect(manager.actions().at(-1)).toMatchObject({ kind: 'restore', reason: expect.stringMatching(/^normal for 1 min: RSS 500 MiB/) });
    await readMany(0.5, 10);
    await read(0.93); // the refilled cache brought pressure back
    expect(manager.actions().at(-1)!.reason).toMatch(/pressure came back after the L1 grew, so it will grow back to 256 MiB at most$/);
    await readMany(0.5, 40);
    expect(cache.max).toBe(256 * MiB);
  });

  it('while paused, evaluates levels but runs no automatic cleanup; resume() lets the next reading act', async () => {
    const { manager, read, readMany } = setup({ autoCleanup: false });
    await readMany(0.93, 3);
    expect(manager.actions()).toEqual([]);
    expect(manager.snapshot()).toMatchObject({ level: 'aggressive', paused: true });
    manager.resume();
    await read(0.93);
    expect(manager.actions()[0]!.reason).toBe('still aggressive: RSS 930 MiB is 93% of the 1000 MiB budget');
    manager.pause();
    await readMany(0.95, 30);
    expect(manager.actions()).toHaveLength(1);
  });

  it("runs an operator's cleanup at once, even while automatic cleanups are paused", async () => {
    const { manager, cache } = setup({ autoCleanup: false });
    const action = await manager.runCleanup('aggressive');
    expect(action).toMatchObject({ trigger: 'operator', level: 'aggressive', reason: 'operator: operator' });
    expect(cache.held).toBe(0);
    const moderate = await manager.runCleanup('moderate', 'asked from the Memory page');
    expect(moderate.reason).toBe('operator: asked from the Memory page');
    expect(manager.snapshot().cleanups).toEqual({ moderate: 1, aggressive: 1 });
  });

  it('hands each action to snapshot() exactly once, with the latest reading, level and budget', async () => {
    const { manager, read } = setup();
    await read(0.86);
    const first = manager.snapshot();
    expect(first.newActions).toHaveLength(1);
    expect(first).toMatchObject({ level: 'moderate', budgetBytes: BUDGET, paused: false, backgroundPaused: false, usageSource: 'budget' });
    expect(first.reading?.process.rssBytes).toBe(860 * MiB);
    expect(first.usage).toBeCloseTo(0.86);
    expect(first.l1).toEqual({ bytes: 256 * MiB, maxBytes: 256 * MiB, configuredBytes: 512 * MiB });
    expect(manager.snapshot().newActions).toEqual([]);
    expect(manager.actions()).toHaveLength(1);
  });

  it('keeps a bounded log', async () => {
    const { manager, readMany } = setup({ logCapacity: 5 });
    await readMany(0.95, 300);
    expect(manager.actions()).toHaveLength(5);
    expect(manager.snapshot().newActions).toHaveLength(5);
  });

  it('setBudget changes what the next reading is measured against', async () => {
    const { manager, read } = setup();
    await read(0.7);
    manager.setBudget(700 * MiB);
    const evaluation = await read(0.7); // 700 MiB of a 700 MiB budget
    expect(evaluation.level).toBe('aggressive');
    expect(() => manager.setBudget(0)).toThrow(RangeError);
  });

  it('cleans up when the machine runs short even within its own budget, and says so', async () => {
    const { manager, sampler, read } = setup();
    sampler.machineAvailable = 1 * GiB;
    await read(0.3);
    expect(manager.actions()[0]!.reason).toBe('entered aggressive: the machine has 1 GiB available of 16 GiB (94% used)');
  });

  it('stop() resumes background work it paused', async () => {
    const { manager, read, background } = setup();
    await read(0.93);
    await manager.stop();
    expect(background.paused).toBe(false);
    expect(manager.actions().at(-1)!.reason).toBe('memory manager stopped');
  });

  it('works without a cache, pool or background work: only the collection runs', async () => {
    const { manager, read } = setup({}, ['cache', 'pool', 'background']);
    await read(0.95);
    expect(stepNames(manager.actions()[0]!)).toEqual(['collectGarbage']);
    expect(manager.snapshot().l1).toBeNull();
  });
});
