import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { BackgroundGate } from '../../../main/memory/background-gate.ts';
import { MemoryManager, type MemoryAction } from '../../../main/memory/memory-manager.ts';
import { tieredCacheReclaimer } from '../../../main/engine/memory-reclaimers.ts';
import { ResourceSampler } from '../../../main/memory/resource-sampler.ts';
import { waitFor } from '../../support/wait-for.ts';

const MiB = 1024 * 1024;
// 30 KiB: the L1 accounts a string at two bytes a character, so this is the largest round size under its 64 KiB
// per-entry ceiling; large values fill the L1 past the budget in a few seconds at the same request rate.
const VALUE_BYTES = 30 * 1024;
const KEY_SPACE = 200_000; // × 30 KiB ≈ 6 GiB of distinct values: the L1 only ever grows under this load
const WORKERS = 4;

/**
 * V8's collector, as `node --expose-gc` exposes it. Without a forced collection, the entries the manager lets
 * go of stay in the heap until V8's next major GC, which comes late after a heap has grown (it scales its
 * limit with the heap): RSS comes back, but when is up to V8. The headline test gives the manager the
 * collector, as the app does when started with --expose-gc; the second test shows the path without it.
 */
function exposedCollector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const rss = () => process.memoryUsage().rss;

/** Concurrent getOrLoad over a large key space; each loader yields (like a query) and returns a 30 KiB value. */
function startLoad(cache: TieredCache) {
  const counts = { ok: 0, failed: 0, wrong: 0 };
  let running = true;
  const worker = async () => {
    while (running) {
      const key = `row:${Math.floor(Math.random() * KEY_SPACE)}`;
      try {
        const value = await cache.getOrLoad(key, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          return key.padEnd(VALUE_BYTES, '.');
        });
        if (value.length === VALUE_BYTES && value.startsWith(`${key}.`)) counts.ok += 1;
        else counts.wrong += 1;
      } catch {
        counts.failed += 1;
      }
      await sleep(2); // a steady rate rather than all the CPU: the machine is shared
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

function scenario(collector: (() => void) | undefined) {
  const gc = collector ?? (() => undefined);
  gc();
  const startRss = rss();
  const budget = startRss + 200 * MiB;
  // Larger than the whole budget: left alone, the L1 would take the process far past it.
  const l1Configured = Math.max(512 * MiB, budget + 64 * MiB);
  const cache = new TieredCache({ defaultTtlMs: 10 * 60_000, l1: { maxBytes: l1Configured } });
  const sampler = new ResourceSampler();
  const background = new BackgroundGate();
  const logged: string[] = [];
  const manager = new MemoryManager({
    budgetBytes: budget,
    sampler,
    cache: tieredCacheReclaimer(cache, l1Configured),
    background,
    // Twice a second: the hold in the first test watches 20 readings in 10 s.
    intervalMs: 500,
    // Growing the L1 back after pressure is the unit tests' subject; here it would only refill the cache mid-test.
    restoreAfterMs: 10 * 60_000,
    log: (_level, message) => logged.push(message),
    stepEnvironment: { gc: collector },
  });
  return { startRss, budget, l1Configured, cache, sampler, background, logged, manager };
}

describe('MemoryManager with a real cache under load', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('brings RSS back under a small budget after the L1 filled past it, with no failed request and a bounded number of actions', async () => {
    const s = scenario(exposedCollector());
    const load = startLoad(s.cache);
    cleanups.push(async () => {
      await load.stop();
      await s.manager.stop();
      s.sampler.close();
    });

    // The L1 fills under load until the process is over its budget; the manager is not running yet.
    await waitFor('RSS over the budget', () => (rss() > s.budget ? true : undefined), 120_000);
    const l1AtStart = s.cache.stats().tiers.l1!.store.bytes;
    expect(l1AtStart).toBeGreaterThan(100 * MiB);

    s.manager.start();
    await waitFor('RSS back under the budget', () => (s.manager.actions().length > 0 && rss() < s.budget ? true : undefined), 60_000);

    // The load goes on: the manager must keep it there without flapping, over 20 readings.
    await sleep(10_000);
    await waitFor('RSS under the budget at the end', () => (rss() < s.budget ? true : undefined), 30_000);
    await load.stop();

    const actions: MemoryAction[] = s.manager.actions();
    expect(load.counts).toMatchObject({ failed: 0, wrong: 0 });
    expect(load.counts.ok).toBeGreaterThan(1_000);
    const first = actions[0]!;
    expect(first).toMatchObject({ kind: 'cleanup', level: 'aggressive', trigger: 'automatic' });
    expect(first.reason).toMatch(/^entered aggressive: RSS \d+(\.\d)? MiB is \d+% of the \d+(\.\d)? MiB budget$/);
    expect(first.steps.map((step) => [step.step, step.status])).toEqual([
      ['pauseBackground', 'done'],
      ['emptyL1', 'done'],
      ['collectGarbage', 'done'],
    ]);
    // The collection is where the freed entries leave the heap.
    expect(first.steps[2]!.freedHeapBytes).toBeGreaterThan(50 * MiB);
    expect(actions.length).toBeLessThanOrEqual(6);
    // Every action is logged once (besides them, at most the one line that says the budget cannot be held).
    expect(s.logged.filter((line) => !/cannot be held/.test(line))).toHaveLength(actions.length);
    // Held at its floor while pressure lasted or restored later; never refilled past the budget.
    expect(s.cache.stats().tiers.l1!.store.maxBytes).toBeLessThan(s.budget - s.startRss);
  }, 300_000);

  it("without an exposed collector, still gets RSS back under the budget through the L1 and V8's own collections", async () => {
    const s = scenario(undefined);
    const load = startLoad(s.cache);
    cleanups.push(async () => {
      await load.stop();
      await s.manager.stop();
      s.sampler.close();
    });

    await waitFor('RSS over the budget', () => (rss() > s.budget ? true : undefined), 120_000);
    s.manager.start();
    // V8 collects when its heap reaches a limit it scaled up while the L1 grew: allow for that.
    await waitFor('RSS back under the budget', () => (s.manager.actions().length > 0 && rss() < s.budget ? true : undefined), 150_000);
    await load.stop();

    const actions = s.manager.actions();
    expect(load.counts).toMatchObject({ failed: 0, wrong: 0 });
    expect(actions[0]!.steps.map((step) => [step.step, step.status])).toEqual([
      ['pauseBackground', 'done'],
      ['emptyL1', 'done'],
      ['collectGarbage', 'skipped'],
    ]);
    expect(actions[0]!.steps[2]!.detail).toMatch(/--expose-gc/);
    expect(actions.length).toBeLessThanOrEqual(6);
  }, 300_000);
});
