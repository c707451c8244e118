import { describe, expect, it } from 'vitest';
import { LeakDetector } from '../../../main/pool/leak-detector.ts';

describe('LeakDetector', () => {
  it('reports holders past the threshold with the acquiring stack, counting each leak once', () => {
    const detector = new LeakDetector(1000);
    detector.track(1, 4242, 'low', 0, new Error('acquired here'));
    detector.track(2, 4243, 'high', 500, new Error('acquired here'));
    expect(detector.current(999)).toEqual([]);
    const [leak] = detector.newlyLeaked(1200);
    expect(leak).toMatchObject({ connectionId: 1, pid: 4242, lane: 'low', heldMs: 1200 });
    expect(leak!.stack).toMatch(/leak-detector\.test\.ts/);
    expect(detector.newlyLeaked(1300)).toEqual([]);
    expect(detector.current(1600).map((r) => r.connectionId)).toEqual([1, 2]);
    detector.untrack(1);
    expect(detector.current(1600).map((r) => r.connectionId)).toEqual([2]);
  });

  it('is off with a threshold of 0', () => {
    expect(new LeakDetector(0).enabled).toBe(false);
  });
});
