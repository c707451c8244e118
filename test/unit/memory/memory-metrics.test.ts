import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MemoryManager } from '../../../main/memory/memory-manager.ts';
import { registerMemoryMetrics } from '../../../main/memory/memory-metrics.ts';
import { FakeCache, FakeSampler, MiB } from './fakes.ts';

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('registerMemoryMetrics', () => {
  it('exposes the level, cleanups by level, RSS, heap and budget, read from the manager at scrape time', async () => {
    let now = 0;
    const sampler = new FakeSampler(() => now);
    const manager = new MemoryManager({
      budgetBytes: 1000 * MiB,
      sampler,
      cache: new FakeCache(100 * MiB, 200 * MiB),
      log: () => undefined,
      clock: () => now,
      stepEnvironment: { gc: undefined },
    });
    const registry = new Registry();
    registerMemoryMetrics(registry, manager);

    let text = await registry.metrics();
    expect(value(text, 'hotpath_memory_pressure')).toBe(0);
    expect(value(text, 'hotpath_memory_budget_bytes')).toBe(1000 * MiB);
    expect(value(text, 'hotpath_memory_rss_bytes')).toBe(0); // no reading yet

    sampler.rss = 950 * MiB;
    now += 2_000;
    await manager.tick();
    await manager.runCleanup('moderate');
    text = await registry.metrics();
    expect(value(text, 'hotpath_memory_pressure')).toBe(2);
    expect(value(text, 'hotpath_memory_rss_bytes')).toBe(950 * MiB);
    expect(value(text, 'hotpath_memory_heap_used_bytes')).toBe(475 * MiB);
    expect(value(text, 'hotpath_memory_cleanups_total{level="aggressive"}')).toBe(1);
    expect(value(text, 'hotpath_memory_cleanups_total{level="moderate"}')).toBe(1);

    // A scrape neither counts twice nor takes the actions the engine's timeline is waiting for.
    text = await registry.metrics();
    expect(value(text, 'hotpath_memory_cleanups_total{level="aggressive"}')).toBe(1);
    expect(manager.snapshot().newActions).toHaveLength(2);
  });
});
