import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { createZipfSampler } from '../../../main/workload/zipf-sampler.ts';

function zipfMass(n: number, s: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

function draw(n: number, s: number, draws: number, seed: number): number[] {
  const sample = createZipfSampler(n, s, seededRandom(seed));
  return Array.from({ length: draws }, () => sample());
}

describe('createZipfSampler', () => {
  it.each([
    [1000, 1],
    [1000, 0.99],
    [50, 2],
    [10_000, 0.5],
  ])('n=%i s=%f: rank frequencies match theory (seeded run), all ranks in range', (n, s) => {
    const draws = 200_000;
    const ranks = draw(n, s, draws, 42);
    expect(ranks.every((k) => Number.isInteger(k) && k >= 1 && k <= n)).toBe(true);
    const mass = zipfMass(n, s);
    const counts = new Map<number, number>();
    for (const k of ranks) counts.set(k, (counts.get(k) ?? 0) + 1);
    // Rank 1 within 5 standard deviations of its expected frequency.
    const p1 = mass[0]!;
    const sd = Math.sqrt((p1 * (1 - p1)) / draws);
    expect(Math.abs((counts.get(1) ?? 0) / draws - p1)).toBeLessThan(5 * sd);
    // Chi-square over ranks 1..10 and the tail: 11 buckets, 10 degrees of freedom; 29.6 is the 99.9% quantile.
    let chi = 0;
    let tailExpected = 1;
    let tailObserved = draws;
    for (let k = 1; k <= 10; k += 1) {
      const expected = mass[k - 1]! * draws;
      const observed = counts.get(k) ?? 0;
      chi += (observed - expected) ** 2 / expected;
      tailExpected -= mass[k - 1]!;
      tailObserved -= observed;
    }
    chi += (tailObserved - tailExpected * draws) ** 2 / (tailExpected * draws);
    expect(chi).toBeLessThan(29.6);
  });

  it('handles ranges far too large for a table (a billion keys) in O(1) memory', () => {
    const n = 1_000_000_000;
    const draws = 100_000;
    const ranks = draw(n, 1, draws, 7);
    expect(ranks.every((k) => k >= 1 && k <= n)).toBe(true);
    // H_n ≈ ln n + γ + 1/(2n) for s = 1.
    const p1 = 1 / (Math.log(n) + 0.5772156649 + 1 / (2 * n));
    const observed = ranks.filter((k) => k === 1).length / draws;
    expect(Math.abs(observed - p1)).toBeLessThan(5 * Math.sqrt((p1 * (1 - p1)) / draws));
    // Heavy tail: some draws land beyond the first million ranks.
    expect(ranks.some((k) => k > 1_000_000)).toBe(true);
  });

  it('a single-key range always returns rank 1', () => {
    expect(new Set(draw(1, 1.5, 1000, 3))).toEqual(new Set([1]));
  });

  it('is reproducible from the seed', () => {
    expect(draw(500, 1.1, 100, 9)).toEqual(draw(500, 1.1, 100, 9));
  });

  it('refuses a bad range or exponent', () => {
    const random = seededRandom(1);
    expect(() => createZipfSampler(0, 1, random)).toThrow(/positive integer, got 0/);
    expect(() => createZipfSampler(10, 0, random)).toThrow(/greater than 0, got 0/);
    expect(() => createZipfSampler(10, Number.NaN, random)).toThrow(/greater than 0/);
  });
});
