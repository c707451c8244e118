import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../main/telemetry/ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps the newest items in order once full', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.toArray(2)).toEqual([4, 5]);
    expect(ring.latest()).toBe(5);
    expect(ring.size).toBe(3);
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
