/**
 * Weighted choice of an index in O(1) per draw (Walker's alias method, Vose's
 * construction): used to pick templates by weight, `choice` values by weight, and
 * `sample` values by Zipf rank. Building the table is O(n) once.
 */
import type { Random } from '../util/random.ts';

/** Returns a sampler of indexes 0..weights.length-1 with P(i) = weights[i] / sum(weights). */
export function createAliasSampler(weights: readonly number[], random: Random): () => number {
  const n = weights.length;
  if (n === 0) throw new RangeError('An alias sampler needs at least one weight.');
  let total = 0;
  for (const [index, weight] of weights.entries()) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`Weight ${index} must be a finite number ≥ 0, got ${weight}`);
    total += weight;
  }
  if (!(total > 0)) throw new RangeError('At least one weight must be greater than 0.');

  // Each column i keeps index i with probability keep[i], else gives its alias.
  const keep = new Float64Array(n);
  const alias = new Uint32Array(n);
  const scaled = new Float64Array(n);
  const small = new Uint32Array(n);
  const large = new Uint32Array(n);
  let smallCount = 0;
  let largeCount = 0;
  for (let i = 0; i < n; i += 1) {
    scaled[i] = (weights[i]! * n) / total;
    if (scaled[i]! < 1) small[smallCount++] = i;
    else large[largeCount++] = i;
  }
  while (smallCount > 0 && largeCount > 0) {
    const s = small[--smallCount]!;
    const l = large[--largeCount]!;
    keep[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    if (scaled[l]! < 1) small[smallCount++] = l;
    else large[largeCount++] = l;
  }
  // What is left is 1 up to rounding.
  while (largeCount > 0) keep[large[--largeCount]!] = 1;
  while (smallCount > 0) keep[small[--smallCount]!] = 1;

  if (n === 1) return () => 0;
  return () => {
    const column = Math.min(n - 1, Math.floor(random() * n));
    // A second uniform for the coin: reusing the fraction of the first would leave
    // few bits of it for large tables (the generator has 32 bits).
    return random() < keep[column]! ? column : alias[column]!;
  };
}
