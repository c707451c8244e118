import { describe, expect, it } from 'vitest';
import { SnapshotRing } from '../../../renderer/state/snapshot-ring.ts';
import { idleSnapshot } from './fixtures.ts';

const times = (ring: SnapshotRing) => ring.toArray().map((s) => s.at / 1000);

describe('SnapshotRing', () => {
  it('keeps the newest `capacity` snapshots, oldest first', () => {
    const ring = new SnapshotRing(3);
    for (let n = 1; n <= 5; n++) ring.push(idleSnapshot(n));
    expect(times(ring)).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
    expect(ring.last()?.at).toBe(5000);
  });

  it('ignores a snapshot that is not newer than the last one', () => {
    const ring = new SnapshotRing(5);
    ring.push(idleSnapshot(2));
    expect(ring.push(idleSnapshot(2))).toBe(false);
    expect(ring.push(idleSnapshot(1))).toBe(false);
    expect(times(ring)).toEqual([2]);
  });

  it('returns the snapshots after a time, across the wrap-around', () => {
    const ring = new SnapshotRing(4);
    for (let n = 1; n <= 6; n++) ring.push(idleSnapshot(n));
    expect(ring.after(4000).map((s) => s.at / 1000)).toEqual([5, 6]);
    expect(ring.after(0).map((s) => s.at / 1000)).toEqual([3, 4, 5, 6]);
  });

  it('merges older history under live events without duplicates and within capacity', () => {
    const ring = new SnapshotRing(4);
    ring.push(idleSnapshot(5));
    ring.push(idleSnapshot(6));
    ring.merge([1, 2, 3, 4, 5].map(idleSnapshot));
    expect(times(ring)).toEqual([3, 4, 5, 6]);
    ring.push(idleSnapshot(7));
    expect(times(ring)).toEqual([4, 5, 6, 7]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SnapshotRing(0)).toThrow(RangeError);
  });
});
