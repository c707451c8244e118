import { describe, expect, it } from 'vitest';
import { restAfter } from '../../../main/planner/time-share.ts';

describe('restAfter', () => {
  it('rests so that the work is the given share of busy plus rest', () => {
    expect(restAfter(100, 0.1)).toBeCloseTo(900, 9);
    expect(restAfter(30, 0.25)).toBeCloseTo(90, 9);
    const busy = 12;
    expect(busy / (busy + restAfter(busy, 0.1))).toBeCloseTo(0.1, 12);
  });

  it('needs no rest for all of the time or no work, and rejects a share outside (0, 1]', () => {
    expect(restAfter(100, 1)).toBe(0);
    expect(restAfter(0, 0.1)).toBe(0);
    expect(() => restAfter(1, 0)).toThrow(RangeError);
    expect(() => restAfter(1, 1.5)).toThrow(RangeError);
  });
});
