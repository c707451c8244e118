import { EMBEDDING_DIMENSIONS } from '../demo/schema.ts';

const DIMS = EMBEDDING_DIMENSIONS;
if (DIMS % 4 !== 0) throw new Error(`squaredDistance unrolls by 4; EMBEDDING_DIMENSIONS (${DIMS}) must be a multiple of 4.`);

/**
 * Squared L2 distance between the embedding stored at `a[aOffset … aOffset + 32)` and `b`.
 *
 * The one definition every plan (and every test's reference) uses: both operands are float32, each difference
 * and the running sum are float64 (a JavaScript number), summed in dimension order. Two plans that computed the
 * "same" distance in float32, or in another order, could disagree in the last bit and so order ties differently;
 * one function removes that whole class of disagreement.
 *
 * Unrolled by four (still one running sum, still in dimension order, so the result is bit-identical to the plain
 * loop): V8 then keeps the loads in flight, ~1.8× faster, and ranking the whole store is this loop 200,000 times.
 */
export function squaredDistance(a: Float32Array, aOffset: number, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < DIMS; d += 4) {
    const o = aOffset + d;
    const x0 = a[o]! - b[d]!;
    const x1 = a[o + 1]! - b[d + 1]!;
    const x2 = a[o + 2]! - b[d + 2]!;
    const x3 = a[o + 3]! - b[d + 3]!;
    sum += x0 * x0;
    sum += x1 * x1;
    sum += x2 * x2;
    sum += x3 * x3;
  }
  return sum;
}
