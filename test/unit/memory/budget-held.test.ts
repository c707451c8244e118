import { describe, expect, it } from 'vitest';
import { BackgroundGate } from '../../../main/memory/background-gate.ts';
import { budgetBelowRest, describeRss, minimumBudget } from '../../../main/memory/memory-floor.ts';
import { MemoryManager } from '../../../main/memory/memory-manager.ts';
import { FakeCache, FakePool, FakeSampler, MiB } from './fakes.ts';

const BUDGET = 400 * MiB;
const CONNECTION_BYTES = 2 * MiB;

/**
 * A process whose RSS is what the engine cannot give back (`fixed`) plus what the manager controls: the L1's
 * bytes and the pool's connections. Every reading is computed from the fakes, so each cleanup's effect shows in
 * the next reading, in virtual time (2 s a reading).
 */
function modelProcess(initialFixed: number, plannerCacheBytes = 0) {
  let fixed = initialFixed;
  let plannerHeld = plannerCacheBytes;
  const planner = {
    released: 0,
    async releaseCaches(): Promise<number> {
      const held = plannerHeld;
      plannerHeld = 0;
      planner.released += 1;
      return held;
    },
  };
  let now = 1_000_000;
  const clock = () => now;
  const sampler = new FakeSampler(clock);
  const cache = new FakeCache(150 * MiB, 256 * MiB);
  const pool = new FakePool(10, 2, 4);
  const logged: { level: string; message: string }[] = [];
  const rss = () => fixed + cache.held + pool.connections * CONNECTION_BYTES + plannerHeld;
  const manager = new MemoryManager({
    budgetBytes: BUDGET,
    sampler,
    cache,
    pool,
    ...(plannerCacheBytes > 0 ? { planner } : {}),
    background: new BackgroundGate(),
    clock,
    log: (level, message) => logged.push({ level, message }),
    stepEnvironment: { measure: () => ({ rssBytes: rss(), heapUsedBytes: rss() / 2 }), now: () => 0, gc: () => undefined },
  });
  const read = async () => {
    now += 2_000;
    sampler.rss = rss();
    return await manager.tick();
  };
  return {
    manager,
    cache,
    pool,
    planner,
    logged,
    rss,
    read,
    grow: (bytes: number) => void (cache.held = Math.min(cache.max, cache.held + bytes)),
    setFixed: (bytes: number) => void (fixed = bytes),
  };
}

describe('the memory manager holds its budget when what it controls is enough', () => {
  it('the L1 filling past the budget: one aggressive cleanup brings RSS under it, and the level falls back to normal', async () => {
    const model = modelProcess(200 * MiB);
    model.grow(100 * MiB); // 200 + 250 + 20 = 470 MiB: 117% of the budget
    expect((await model.read()).level).toBe('aggressive');
    expect(model.rss()).toBeLessThanOrEqual(BUDGET);
    const levels: string[] = [];
    for (let i = 0; i < 10; i += 1) levels.push((await model.read()).level);
    expect(levels.at(-1)).toBe('normal');
    expect(model.manager.status().cleanups).toEqual({ moderate: 0, aggressive: 1 });
    // Held: it never says the budget cannot be held.
    expect(model.logged.some((l) => /cannot be held/.test(l.message))).toBe(false);
  });

  it("the plan selector's cached partial results are given back too, which is what holds a budget the L1 alone could not", async () => {
    // 310 + 40 (L1) + 20 (pool) + 64 (partial results) = 434 MiB. Without the planner's 64 MiB the aggressive
    // cleanup would leave 378 MiB (94.5%, still over aggressive's 0.9 line); with it, 314 MiB (78.5%, under 0.8).
    const model = modelProcess(310 * MiB, 64 * MiB);
    model.cache.held = 40 * MiB;
    const first = await model.read();
    expect(first.level).toBe('aggressive');
    const cleanup = model.manager.actions()[0]!;
    expect(cleanup.steps.find((step) => step.step === 'releasePlannerCaches')).toMatchObject({
      status: 'done',
      detail: expect.stringContaining('64 MiB'),
    });
    expect(model.planner.released).toBe(1);
    expect(model.rss()).toBe(314 * MiB);
    for (let i = 0; i < 10; i += 1) await model.read();
    expect(model.manager.status().level).toBe('normal');
    expect(model.logged.some((l) => /cannot be held/.test(l.message))).toBe(false);
  });

  it('the L1 growing slowly: moderate cleanups keep every later reading under the budget', async () => {
    const model = modelProcess(200 * MiB);
    model.cache.held = 100 * MiB;
    let over = 0;
    for (let i = 0; i < 200; i += 1) {
      model.grow(3 * MiB);
      await model.read();
      if (model.rss() > BUDGET) over += 1;
    }
    expect(model.manager.status().cleanups.moderate).toBeGreaterThan(0);
    expect(over).toBe(0);
  });
});

describe('the memory manager says why when the budget cannot be held', () => {
  it('RSS still over after the aggressive cleanup: one line with where the RSS is and the budget that would hold, not one per reading', async () => {
    const model = modelProcess(420 * MiB);
    expect((await model.read()).level).toBe('aggressive');
    for (let i = 0; i < 60; i += 1) await model.read();
    const notHeld = model.logged.filter((l) => /cannot be held/.test(l.message));
    expect(notHeld).toHaveLength(1);
    expect(notHeld[0]!.level).toBe('warn');
    // 420 MiB fixed + the emptied L1 (budget held at 5% of 256 MiB) + 2 connections = 424 MiB, over 0.85 of
    // 400 MiB; 424 / 0.85 = 498.8, so 499 MiB would let the level fall.
    expect(notHeld[0]!.message).toContain('the 400 MiB budget cannot be held under this load: RSS is 424 MiB');
    expect(notHeld[0]!.message).toContain('the L1 at 12.8 MiB, holding 0 B, the pool at its minimum');
    expect(notHeld[0]!.message).toMatch(/Give at least 499 MiB \(--memory-budget 499MiB\)/);
    // Cleanups keep their bounded pace meanwhile (one per 30 s).
    expect(model.manager.status().cleanups.aggressive).toBeLessThanOrEqual(5);
  });

  it('after the level was normal again, a new episode that cannot be held is said again', async () => {
    const model = modelProcess(420 * MiB);
    const said = () => model.logged.filter((l) => /cannot be held/.test(l.message)).length;
    // Said only once the aggressive cleanup had its 30 s repeat interval to show in the RSS (readings every 2 s).
    for (let i = 0; i < 15; i += 1) await model.read();
    expect(said()).toBe(0);
    for (let i = 0; i < 2; i += 1) await model.read();
    expect(said()).toBe(1);
    model.setFixed(100 * MiB);
    for (let i = 0; i < 6; i += 1) await model.read();
    expect(model.manager.status().level).toBe('normal');
    model.setFixed(420 * MiB);
    // The new episode's cleanup waits for the last one's repeat interval, then has its own 30 s to show.
    for (let i = 0; i < 40; i += 1) await model.read();
    expect(said()).toBe(2);
  });
});

describe('a budget under the engine at rest is refused with the number', () => {
  it("the minimum leaves the resting engine under moderate's exit line (0.8), rounded up to a MiB", () => {
    expect(minimumBudget(160 * MiB)).toBe(200 * MiB);
    expect(minimumBudget(161 * MiB)).toBe(202 * MiB);
    expect(() => minimumBudget(0)).toThrow(RangeError);
  });

  it('refuses below the minimum, saying what the engine needs at rest and what to give instead', () => {
    const refusal = budgetBelowRest(180 * MiB, 160 * MiB, 'with this stack');
    expect(refusal?.message).toBe(
      'The memory budget 180 MiB is below what the engine needs: about 160 MiB at rest with this stack, before any cache or traffic, and cleanups cannot give back the engine itself.',
    );
    expect(refusal?.hint).toBe('Give at least 200 MiB (e.g. --memory-budget 200MiB), or leave --memory-budget unset.');
    expect(budgetBelowRest(200 * MiB, 160 * MiB, 'with this stack')).toBeNull();
  });

  it('says where the RSS is, without counting reserved WebAssembly memory as resident', () => {
    expect(describeRss({ rssBytes: 470 * MiB, heapTotalBytes: 90 * MiB, externalBytes: 152 * MiB, arrayBuffersBytes: 20 * MiB })).toBe(
      "V8 heap of the engine's thread 90 MiB, buffers 20 MiB, the rest (the planner's threads, WebAssembly, code, native) 360 MiB",
    );
  });
});
