import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { squaredDistance, squaredDistancesOfAll } from '../../../main/planner/vector-distance.ts';

const DIMS = 32;

describe('squaredDistance', () => {
  it('is zero for identical vectors and symmetric', () => {
    const a = Float32Array.from({ length: DIMS }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: DIMS }, (_, i) => Math.cos(i));
    expect(squaredDistance(a, 0, a)).toBe(0);
    expect(squaredDistance(a, 0, b)).toBe(squaredDistance(b, 0, a));
  });

  it('reads the stored vector at the offset', () => {
    const store = new Float32Array(DIMS * 3);
    store.fill(1, DIMS, 2 * DIMS);
    const query = new Float32Array(DIMS);
    expect(squaredDistance(store, 0, query)).toBe(0);
    expect(squaredDistance(store, DIMS, query)).toBe(DIMS);
    expect(squaredDistance(store, 2 * DIMS, query)).toBe(0);
  });

  it('takes float32 operands and sums in float64, in dimension order', () => {
    const a = Float32Array.from({ length: DIMS }, (_, i) => 0.1 * (i + 1));
    const b = Float32Array.from({ length: DIMS }, (_, i) => 1 / (i + 3));
    let expected = 0;
    for (let d = 0; d < DIMS; d += 1) {
      const diff = Math.fround(0.1 * (d + 1)) - Math.fround(1 / (d + 3));
      expected += diff * diff;
    }
    expect(squaredDistance(a, 0, b)).toBe(expected);
    // A float32 accumulation would differ in the low bits; the definition is float64.
    let float32Sum = 0;
    for (let d = 0; d < DIMS; d += 1) float32Sum = Math.fround(float32Sum + Math.fround((a[d]! - b[d]!) ** 2));
    expect(float32Sum).not.toBe(expected);
  });
});

describe('squaredDistancesOfAll', () => {
  it('gives every row exactly squaredDistance, four rows at a time and the rest one by one', () => {
    const random = seededRandom(9);
    for (const rows of [0, 1, 3, 4, 7, 41]) {
      const vectors = Float32Array.from({ length: rows * DIMS }, () => random() * 2 - 1);
      const query = Float32Array.from({ length: DIMS }, () => random() * 2 - 1);
      const out = new Float64Array(rows + 1).fill(-1);
      squaredDistancesOfAll(vectors, rows, query, out);
      for (let r = 0; r < rows; r += 1) expect(out[r]).toBe(squaredDistance(vectors, r * DIMS, query));
      expect(out[rows]).toBe(-1);
    }
  });
});
