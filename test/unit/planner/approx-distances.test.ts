import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApproxDistances, approxBound } from '../../../main/planner/approx-distances.ts';
import { squaredDistance } from '../../../main/planner/vector-distance.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { binaryModulePath, binaryModuleSource, compileWat, WASM_DIR } from '../../../tools/build-wasm.ts';

const DIMS = 32;

function randomRows(rows: number, scale: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * DIMS }, () => (random() * 2 - 1) * scale);
}

describe('the SIMD distance kernel', () => {
  it('is the compiled approx-distances.wat (run `npm run build:wasm` after editing it)', async () => {
    const wat = join(WASM_DIR, 'approx-distances.wat');
    expect(await readFile(binaryModulePath(wat), 'utf8')).toBe(binaryModuleSource('approx-distances.wat', await compileWat(wat)));
  });

  it('never exceeds the bound of the exact distance, at any scale, so no row within a limit is ever ruled out', () => {
    let worst = 0;
    let rows = 0;
    // From differences whose squares underflow float32 to values near the largest allowed.
    for (const [scale, seed] of [
      [1, 1],
      [1e-3, 2],
      [1e-21, 3],
      [1e-40, 4],
      [1e6, 5],
      [1e17, 6],
    ] as const) {
      const vectors = randomRows(2_000, scale, seed);
      // Some queries exactly on a row (distance 0), the others near one.
      const queries = [vectors.slice(0, DIMS), ...Array.from({ length: 5 }, (_, i) => randomRows(1, scale, seed * 100 + i))];
      const kernel = new ApproxDistances(vectors);
      for (const query of queries) {
        const approx = kernel.compute(query);
        for (let r = 0; r < kernel.rows; r += 1) {
          const exact = squaredDistance(vectors, r * DIMS, query);
          expect(approx[r]).toBeLessThanOrEqual(approxBound(exact));
          if (exact > 1e-30) worst = Math.max(worst, Math.abs(approx[r]! - exact) / exact);
          rows += 1;
        }
      }
    }
    expect(rows).toBe(6 * 6 * 2_000);
    // Far inside the margin the bound allows (1e-5); a kernel summing wrongly would be off by far more.
    expect(worst).toBeLessThan(1e-6);
    expect(worst).toBeGreaterThan(0);
  });

  it('writes the rows asked for, at their positions, and leaves the others', () => {
    const vectors = randomRows(10, 1, 9);
    const kernel = new ApproxDistances(vectors);
    const query = randomRows(1, 1, 10);
    const all = Float32Array.from(kernel.compute(query));
    const other = randomRows(1, 1, 11);
    const part = kernel.compute(other, 3, 7);
    for (let r = 0; r < 10; r += 1) {
      const expected = r >= 3 && r < 7 ? squaredDistance(vectors, r * DIMS, other) : all[r]!;
      expect(part[r]).toBeCloseTo(expected, 5);
    }
    expect(kernel.vectors).toEqual(vectors);
  });

  it('rejects a query of the wrong length, rows outside the store, and embeddings not in rows of 32', () => {
    const kernel = new ApproxDistances(randomRows(4, 1, 12));
    expect(() => kernel.compute(new Float32Array(3))).toThrow(/32 values/);
    expect(() => kernel.compute(new Float32Array(DIMS), 2, 5)).toThrow(/not within the 4 rows/);
    expect(() => new ApproxDistances(new Float32Array(33))).toThrow(/rows of 32/);
    expect(new ApproxDistances(new Float32Array(0)).compute(new Float32Array(DIMS))).toHaveLength(0);
  });
});
