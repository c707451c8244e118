import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { apportion, deriveSeed, paretoInt, pickWeighted, poisson } from '../../../main/demo/sampling.ts';

describe('demo sampling', () => {
  it('apportions a total exactly, in proportion to the weights', () => {
    expect(apportion(100, [0.45, 0.25, 0.15, 0.08, 0.05, 0.02])).toEqual([45, 25, 15, 8, 5, 2]);
    const parts = apportion(7, [1, 1, 1]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...parts) - Math.min(...parts)).toBe(1);
  });

  it('draws a truncated power law: mostly 1, sometimes the maximum, never beyond', () => {
    const random = seededRandom(3);
    const draws = Array.from({ length: 20_000 }, () => paretoInt(random, 1.1, 400));
    expect(Math.min(...draws)).toBe(1);
    expect(Math.max(...draws)).toBe(400);
    expect(draws.filter((d) => d === 1).length / draws.length).toBeGreaterThan(0.4);
  });

  it('draws Poisson counts with the requested mean and weighted picks in proportion', () => {
    const random = seededRandom(4);
    const counts = Array.from({ length: 20_000 }, () => poisson(random, 1.6));
    expect(counts.reduce((a, b) => a + b, 0) / counts.length).toBeCloseTo(1.6, 1);
    const picks = Array.from({ length: 20_000 }, () =>
      pickWeighted(random, [
        ['a', 3],
        ['b', 1],
      ] as const),
    );
    expect(picks.filter((p) => p === 'a').length / picks.length).toBeCloseTo(0.75, 1);
  });

  it('derives different, reproducible seeds per stream', () => {
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(new Set([deriveSeed(1, 1), deriveSeed(1, 2), deriveSeed(2, 1), deriveSeed(2, 2)]).size).toBe(4);
  });
});
