import { describe, expect, it } from 'vitest';
import type { MemoryActionPayload } from '../../../main/contract/memory.ts';
import { buildMemorySeries, freedBy, memoryActionsInWindow, memoryPointFromSnapshot } from '../../../renderer/state/memory-series.ts';
import { idleSnapshot, memoryInterval, snapshot } from './fixtures.ts';

const MiB = 1024 * 1024;

function cleanupAction(at: number, level: MemoryActionPayload['level'] = 'moderate'): MemoryActionPayload {
  return {
    at,
    level,
    kind: 'cleanup',
    trigger: 'automatic',
    reason: `entered ${level}: RSS 440 MiB is 86% of the 512 MiB budget`,
    steps: [
      { step: 'shrinkL1', status: 'done', freedBytes: 0, freedHeapBytes: 30 * MiB, tookMs: 4, detail: 'L1 128 MiB → 64 MiB' },
      { step: 'collectGarbage', status: 'done', freedBytes: 20 * MiB, freedHeapBytes: 2 * MiB, tookMs: 40, detail: '' },
    ],
  };
}

describe('memory chart series', () => {
  it('turns a memory interval into MiB, percent, ms and a level number; no reading is a gap, not zeros', () => {
    const point = memoryPointFromSnapshot(5000, memoryInterval(0.5));
    expect(point).toMatchObject({
      at: 5000,
      rssMiB: 256,
      heapMiB: 100,
      l1MiB: 64,
      budgetMiB: 512,
      processCpu: 40,
      machineCpu: 30,
      loopP99Ms: 12,
      level: 0,
    });
    expect(point.machineUsedPercent).toBeCloseTo((4 / 24) * 100, 5);
    expect(memoryPointFromSnapshot(5000, memoryInterval(0.86)).level).toBe(1);
    expect(memoryPointFromSnapshot(5000, memoryInterval(0.95)).level).toBe(2);
    expect(
      memoryPointFromSnapshot(
        5000,
        memoryInterval(0.5, { l1Bytes: null, machine: { totalBytes: 1, availableBytes: 1, cores: 1, cpuLoadPercent: null } }),
      ),
    ).toMatchObject({
      l1MiB: null,
      machineCpu: null,
    });
    expect(memoryPointFromSnapshot(5000, null)).toMatchObject({ rssMiB: null, level: null, processCpu: null, loopP99Ms: null });
  });

  it('keeps the worst level and loop delay of a bucket and averages sizes', () => {
    // 600 s of normal, but for one second at moderate with a 200 ms stall: 4-second buckets must keep both.
    const snapshots = Array.from({ length: 600 }, (_, i) =>
      snapshot(
        i + 1,
        3,
        {},
        null,
        null,
        i === 300 ? memoryInterval(0.86, { eventLoop: { delayP50Ms: 1, delayP99Ms: 200, utilization: 0.5 } }) : memoryInterval(0.5),
      ),
    );
    const series = buildMemorySeries(snapshots, 600);
    expect(series.length).toBeLessThanOrEqual(180);
    const worst = series.find((p) => p.level === 1)!;
    expect(worst.loopP99Ms).toBe(200);
    expect(worst.rssMiB).toBeGreaterThan(256);
    expect(worst.rssMiB).toBeLessThan(0.86 * 512);
    expect(series.filter((p) => p.level === 1)).toHaveLength(1);
  });

  it('lists the actions within the window, oldest first, and sums what each freed', () => {
    const snapshots = [
      snapshot(1, 3, {}, null, null, memoryInterval(0.9, { actions: [cleanupAction(500, 'aggressive')] })),
      snapshot(70, 3, {}, null, null, memoryInterval(0.86, { actions: [cleanupAction(69_800)] })),
      idleSnapshot(71),
      snapshot(72, 3, {}, null, null, memoryInterval(0.5, { actions: [cleanupAction(71_900), cleanupAction(71_950)] })),
    ];
    expect(memoryActionsInWindow(snapshots, 60).map((a) => a.at)).toEqual([69_800, 71_900, 71_950]);
    expect(memoryActionsInWindow(snapshots, 900)).toHaveLength(4);
    expect(memoryActionsInWindow([], 60)).toEqual([]);
    expect(freedBy(cleanupAction(1))).toEqual({ rssBytes: 20 * MiB, heapBytes: 32 * MiB });
  });
});
