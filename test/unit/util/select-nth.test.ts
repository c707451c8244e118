import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { selectNth } from '../../../main/util/select-nth.ts';

/** Indexes 0..n-1 in ascending (key, index) order, by a full sort: what the selection must agree with. */
function sortedIndexes(keys: number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/** Selects rank `nth` and checks it, and that every index before it ranks earlier and every one after it later. */
function check(keys: number[], nth: number): void {
  const order = Int32Array.from(keys.keys());
  selectNth(order, Float64Array.from(keys), nth, 0, keys.length - 1);
  const sorted = sortedIndexes(keys);
  expect(order[nth]).toBe(sorted[nth]);
  expect(new Set(order.subarray(0, nth))).toEqual(new Set(sorted.slice(0, nth)));
}

describe('selectNth', () => {
  it('agrees with a full (key, index) sort on random keys with many ties, for every rank', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round += 1) {
      const length = 1 + Math.floor(random() * 60);
      const keys = Array.from({ length }, () => Math.floor(random() * 8) - 2);
      for (let nth = 0; nth < length; nth += 1) check(keys, nth);
    }
  });

  it('stays right on ordered, reversed and constant input past the sampled-pivot size', () => {
    const n = 2_000;
    check(
      Array.from({ length: n }, (_, i) => i),
      1_500,
    );
    check(
      Array.from({ length: n }, (_, i) => n - i),
      250,
    );
    // All equal: the index decides, so the selected are exactly the first 700.
    check(new Array<number>(n).fill(3), 699);
  });

  it('touches only order[left … right]', () => {
    const keys = Float64Array.from([9, 8, 7, 6, 5, 4]);
    const order = Int32Array.from([0, 1, 2, 3, 4, 5]);
    selectNth(order, keys, 3, 2, 5);
    expect([...order.subarray(0, 2)]).toEqual([0, 1]);
    expect(order[3]).toBe(4);
  });
});
