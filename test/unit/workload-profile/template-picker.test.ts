import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { createTemplatePicker } from '../../../main/workload/template-picker.ts';
import { createAliasSampler } from '../../../main/workload/alias-sampler.ts';

function proportions(pick: () => number, size: number, draws: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < draws; i += 1) counts[pick()]! += 1;
  return counts.map((c) => c / draws);
}

describe('createTemplatePicker', () => {
  it('picks templates in proportion to their weights (the demo mix)', () => {
    const weights = [740, 250, 4, 3, 3];
    const draws = 500_000;
    const observed = proportions(createTemplatePicker(weights, seededRandom(11)), weights.length, draws);
    weights.forEach((weight, i) => {
      const p = weight / 1000;
      expect(Math.abs(observed[i]! - p), `template ${i}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    });
  });

  it('a single template is always picked', () => {
    const pick = createTemplatePicker([3], seededRandom(1));
    expect(new Set(Array.from({ length: 100 }, pick))).toEqual(new Set([0]));
  });

  it('refuses no templates and non-positive weights', () => {
    const random = seededRandom(1);
    expect(() => createTemplatePicker([], random)).toThrow(/at least one template/);
    expect(() => createTemplatePicker([1, 0], random)).toThrow(/Template 1 has weight 0/);
    expect(() => createTemplatePicker([1, Number.POSITIVE_INFINITY], random)).toThrow(/Template 1/);
  });
});

describe('createAliasSampler', () => {
  it('never returns an index whose weight is 0, and matches uneven weights', () => {
    const weights = [0, 1, 0, 7, 2];
    const draws = 200_000;
    const observed = proportions(createAliasSampler(weights, seededRandom(5)), weights.length, draws);
    expect(observed[0]).toBe(0);
    expect(observed[2]).toBe(0);
    [1, 3, 4].forEach((i) => {
      const p = weights[i]! / 10;
      expect(Math.abs(observed[i]! - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    });
  });

  it('refuses all-zero or negative weights', () => {
    expect(() => createAliasSampler([0, 0], seededRandom(1))).toThrow(/greater than 0/);
    expect(() => createAliasSampler([1, -1], seededRandom(1))).toThrow(/Weight 1/);
  });
});
