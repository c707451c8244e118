import { gaussian, type Random } from '../util/random.ts';

/** Draws the distributions the demo data needs from a seeded uniform source. */

/** Picks an entry with probability proportional to its weight. */
export function pickWeighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of entries) total += weight;
  let point = random() * total;
  for (const [value, weight] of entries) {
    point -= weight;
    if (point < 0) return value;
  }
  const last = entries.at(-1);
  if (!last) throw new Error('pickWeighted needs at least one entry.');
  return last[0];
}

/** Log-normal with the given median; `sigma` sets how long the right tail is. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * gaussian(random));
}

/** Exponential with the given mean: the gaps of a Poisson process. */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** Discrete Pareto (power law, P(X >= k) = k^-alpha) truncated to [1, max]. */
export function paretoInt(random: Random, alpha: number, max: number): number {
  const value = Math.floor(Math.pow(1 - random(), -1 / alpha));
  return Math.min(Math.max(value, 1), max);
}

/** Poisson by Knuth's product method; fine for the small means used here. */
export function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random();
  while (product > limit) {
    k += 1;
    product *= random();
  }
  return k;
}

/**
 * A seed for stream `stream` of generator seed `seed` (e.g. one per chunk id), so any row can be
 * produced on its own, in any order, and still be the same row.
 */
export function deriveSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Splits `total` into integer parts proportional to `weights` that add up to `total` exactly. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((value, i) => [value - Math.floor(value), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left === 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}
