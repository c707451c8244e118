import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../main/util/ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps the newest items in order once full', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.toArray(2)).toEqual([4, 5]);
    expect(ring.latest()).toBe(5);
    expect(ring.size).toBe(3);
  });
  it('reads back from the newest, wrapped or not, and nothing past the oldest', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2].forEach((n) => ring.push(n));
    expect([0, 1, 2].map((age) => ring.fromNewest(age))).toEqual([2, 1, undefined]);
    [3, 4, 5].forEach((n) => ring.push(n));
    expect([0, 1, 2, 3, -1].map((age) => ring.fromNewest(age))).toEqual([5, 4, 3, undefined, undefined]);
  });
  it('is empty after clear and rejects a bad capacity', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.latest()).toBeUndefined();
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});
