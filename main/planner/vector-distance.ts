import { EMBEDDING_DIMENSIONS } from './planner-types.ts';

const DIMS = EMBEDDING_DIMENSIONS;
if (DIMS !== 32)
  throw new Error(
    `partialDistance checks after 8 and 16 of 32 dimensions (and squaredDistance unrolls by 4); EMBEDDING_DIMENSIONS is ${DIMS}.`,
  );

/**
 * Squared L2 distance between the embedding stored at `a[aOffset … aOffset + 32)` and `b`.
 *
 * The one definition every plan (and every test's reference) uses: both operands are float32, each difference
 * and the running sum are float64 (a JavaScript number), summed in dimension order. Two plans that computed the
 * "same" distance in float32, or in another order, could disagree in the last bit and so order ties differently;
 * one function removes that whole class of disagreement.
 *
 * Unrolled by four (still one running sum, still in dimension order, so the result is bit-identical to the plain
 * loop): V8 then keeps more loads in flight (docs/measurements.md), and ranking the whole store is this loop once a row.
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

/**
 * `out[r] = squaredDistance(vectors, r × 32, query)` for every row r < `rows`, four rows at a time: four independent
 * sums (each still in dimension order, so every value is bit-identical to `squaredDistance`) keep the CPU's adders
 * busy where one running sum waits on the previous addition (the gain over a whole store: docs/measurements.md).
 */
export function squaredDistancesOfAll(vectors: Float32Array, rows: number, query: Float32Array, out: Float64Array): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * DIMS;
    const o1 = o0 + DIMS;
    const o2 = o1 + DIMS;
    const o3 = o2 + DIMS;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < DIMS; d += 1) {
      const q = query[d]!;
      const x0 = vectors[o0 + d]! - q;
      const x1 = vectors[o1 + d]! - q;
      const x2 = vectors[o2 + d]! - q;
      const x3 = vectors[o3 + d]! - q;
      s0 += x0 * x0;
      s1 += x1 * x1;
      s2 += x2 * x2;
      s3 += x3 * x3;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; r += 1) out[r] = squaredDistance(vectors, r * DIMS, query);
}

/**
 * `squaredDistance`, stopped after 8 or 16 dimensions once the sum exceeds `limit` (the sum so far is returned: a
 * lower bound, so the distance is then certainly above the limit). The same terms in the same order, so a sum
 * carried to the end is bit-identical to `squaredDistance`.
 */
export function partialDistance(a: Float32Array, offset: number, b: Float32Array, limit: number): number {
  // The first block written out: most rows stop here, and V8 then keeps all eight loads in flight.
  const x0 = a[offset]! - b[0]!;
  const x1 = a[offset + 1]! - b[1]!;
  const x2 = a[offset + 2]! - b[2]!;
  const x3 = a[offset + 3]! - b[3]!;
  const x4 = a[offset + 4]! - b[4]!;
  const x5 = a[offset + 5]! - b[5]!;
  const x6 = a[offset + 6]! - b[6]!;
  const x7 = a[offset + 7]! - b[7]!;
  let sum = x0 * x0;
  sum += x1 * x1;
  sum += x2 * x2;
  sum += x3 * x3;
  sum += x4 * x4;
  sum += x5 * x5;
  sum += x6 * x6;
  sum += x7 * x7;
  if (sum > limit) return sum;
  for (let d = 8; d < 16; d += 1) {
    const x = a[offset + d]! - b[d]!;
    sum += x * x;
  }
  if (sum > limit) return sum;
  for (let d = 16; d < 32; d += 1) {
    const x = a[offset + d]! - b[d]!;
    sum += x * x;
  }
  return sum;
}
