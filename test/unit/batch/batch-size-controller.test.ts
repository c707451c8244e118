import { describe, expect, it } from 'vitest';
import { FixedBatchSize, GradientBatchSizeController } from '../../../main/batch/batch-size-controller.ts';

/** A simulated cost model: a fixed overhead per batch plus a cost per item, both in ms. */
function batchCost(size: number, overheadMs = 20, perItemMs = 0.1): number {
  return overheadMs + size * perItemMs;
}

function controller(overrides: Partial<ConstructorParameters<typeof GradientBatchSizeController>[0]> = {}) {
  return new GradientBatchSizeController({
    targetBatchMs: 500,
    minBatchSize: 1,
    maxBatchSize: 100_000,
    initialBatchSize: 100,
    ...overrides,
  });
}

function drive(c: GradientBatchSizeController, steps: number, cost: (size: number) => number): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < steps; i += 1) {
    c.observe(c.size, cost(c.size));
    sizes.push(c.size);
  }
  return sizes;
}

describe('GradientBatchSizeController', () => {
  it('converges to the size whose batch time is the target', () => {
    const c = controller();
    drive(c, 40, (s) => batchCost(s));
    // 20 ms + s × 0.1 ms = 500 ms  ⇒  s = 4,800.
    expect(c.size).toBeGreaterThan(4_800 * 0.95);
    expect(c.size).toBeLessThan(4_800 * 1.05);
  });

  it('ramps up from a small start within a few batches (slow start), despite small batches understating throughput', () => {
    const c = controller();
    const sizes = drive(c, 8, (s) => batchCost(s));
    expect(sizes.slice(0, 4)).toEqual([200, 400, 800, 1_600]); // doubling while batches are far below target
    expect(Math.abs(sizes[7]! - 4_800)).toBeLessThan(4_800 * 0.05);
  });

  it('converges from above as well as from below', () => {
    const c = controller({ initialBatchSize: 50_000 });
    drive(c, 40, (s) => batchCost(s));
    expect(Math.abs(c.size - 4_800)).toBeLessThan(4_800 * 0.05);
  });

  it('never moves by more than a factor of two in one step', () => {
    const c = controller();
    let previous = c.size;
    for (const size of drive(c, 30, (s) => batchCost(s, 0, 0.001))) {
      expect(size).toBeLessThanOrEqual(previous * 2);
      expect(size).toBeGreaterThanOrEqual(Math.floor(previous / 2));
      previous = size;
    }
  });

  it('stays within the min and max bounds', () => {
    const fast = controller({ maxBatchSize: 2_000 });
    expect(Math.max(...drive(fast, 30, (s) => batchCost(s)))).toBe(2_000);
    const slow = controller({ minBatchSize: 50 });
    const sizes = drive(slow, 30, (s) => batchCost(s, 0, 100)); // 5 items would meet the target
    expect(Math.min(...sizes)).toBe(50);
    expect(slow.size).toBe(50);
  });

  it('does not collapse after one slow batch, and recovers', () => {
    const c = controller();
    drive(c, 40, (s) => batchCost(s));
    const settled = c.size;
    c.observe(c.size, batchCost(c.size) * 10); // e.g. a checkpoint or a lock wait
    expect(c.size).toBeGreaterThan(settled * 0.6);
    drive(c, 15, (s) => batchCost(s));
    expect(Math.abs(c.size - settled)).toBeLessThan(settled * 0.05);
  });

  it('treats a zero-duration batch as very fast rather than dividing by zero', () => {
    const c = controller();
    c.observe(100, 0);
    expect(c.size).toBe(200);
  });

  it('rejects a smoothing factor outside (0, 1]', () => {
    expect(() => controller({ smoothing: 0 })).toThrow(/smoothing/);
    expect(() => controller({ smoothing: 1.5 })).toThrow(/smoothing/);
  });
});

describe('FixedBatchSize', () => {
  it('ignores every observation', () => {
    const fixed = new FixedBatchSize(250);
    fixed.observe();
    expect(fixed.size).toBe(250);
  });
});
