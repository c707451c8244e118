import { describe, expect, it } from 'vitest';
import { intersectSorted } from '../../../main/planner/plans/plan-support.ts';
import { PLANS } from '../../../main/planner/plans/index.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';

describe('intersectSorted', () => {
  it('agrees with a set intersection on both of its paths', () => {
    const a = Array.from({ length: 2_000 }, (_, i) => i * 3);
    for (const b of [Array.from({ length: 1_500 }, (_, i) => i * 2), [0, 7, 9, 5_997, 6_000], []]) {
      const expected = a.filter((x) => b.includes(x));
      expect(Array.from(intersectSorted(a, b))).toEqual(expected);
      expect(Array.from(intersectSorted(b, a))).toEqual(expected);
    }
  });
});

describe('PLANS', () => {
  it('has one plan per name, each named after its key and described in one line', () => {
    expect(Object.keys(PLANS).sort()).toEqual([...PLAN_NAMES].sort());
    for (const [name, plan] of Object.entries(PLANS)) {
      expect(plan.name).toBe(name);
      expect(plan.description).not.toContain('\n');
      expect(plan.description.length).toBeGreaterThan(20);
    }
  });
});
