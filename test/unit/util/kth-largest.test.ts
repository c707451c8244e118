import { describe, expect, it } from 'vitest';
import { kthLargest } from '../../../main/util/kth-largest.ts';
import { seededRandom } from '../../../main/util/random.ts';

/** The k-th largest by sorting a copy: what the selection must agree with. */
function bySorting(values: number[], k: number): number {
  return [...values].sort((a, b) => b - a)[k - 1]!;
}

describe('kthLargest', () => {
  it('agrees with sorting on random arrays with many ties, for every k', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round += 1) {
      const length = 1 + Math.floor(random() * 60);
      const values = Array.from({ length }, () => Math.floor(random() * 8) - 2);
      for (let k = 1; k <= length; k += 1) {
        expect(kthLargest(Int32Array.from(values), length, k)).toBe(bySorting(values, k));
      }
    }
  });

  it('handles ordered, reversed and constant input, and looks only at the first `length` values', () => {
    const ascending = Int32Array.from({ length: 1000 }, (_, i) => i);
    expect(kthLargest(ascending, 1000, 1)).toBe(999);
    expect(
      kthLargest(
        Int32Array.from({ length: 1000 }, (_, i) => 1000 - i),
        1000,
        250,
      ),
    ).toBe(751);
    expect(kthLargest(new Int32Array(100).fill(3), 100, 50)).toBe(3);
    // The 100 past `length` are larger than anything before them and must not count.
    const prefix = Int32Array.from({ length: 200 }, (_, i) => (i < 100 ? i : 1000 + i));
    expect(kthLargest(prefix, 100, 1)).toBe(99);
  });

  it('rejects a k outside 1..length and a length past the array', () => {
    const values = new Int32Array(4);
    expect(() => kthLargest(values, 4, 0)).toThrow(RangeError);
    expect(() => kthLargest(values, 4, 5)).toThrow(/1\.\.4/);
    expect(() => kthLargest(values, 5, 1)).toThrow(RangeError);
  });
});
