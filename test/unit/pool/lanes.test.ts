import { describe, expect, it } from 'vitest';
import { DEFAULT_LANE_POLICY, LaneQueue, laneCaps, laneMayTake, zeroCounts, type Lane, type LaneCounts } from '../../../main/pool/lanes.ts';

/** Drains a queue one free connection at a time (each grant is released at once), returning the payload order. */
function drain(queue: LaneQueue<string>, max: number, inUse: LaneCounts = zeroCounts()): string[] {
  const order: string[] = [];
  const caps = laneCaps(max);
  for (let waiter = queue.next(inUse, caps); waiter; waiter = queue.next(inUse, caps)) order.push(waiter.payload);
  return order;
}

describe('laneCaps', () => {
  it('reserves a share for high, caps low, and never reserves the whole pool', () => {
    expect(laneCaps(10)).toEqual({ reservedHigh: 2, nonHigh: 8, low: 5 });
    expect(laneCaps(2)).toEqual({ reservedHigh: 0, nonHigh: 2, low: 1 });
    expect(laneCaps(1)).toEqual({ reservedHigh: 0, nonHigh: 1, low: 1 });
    expect(laneCaps(4, { highReservedShare: 0.25, lowMaxShare: 0.5, starvationBound: 8 })).toEqual({ reservedHigh: 1, nonHigh: 3, low: 2 });
    expect(laneCaps(2, { highReservedShare: 1, lowMaxShare: 1, starvationBound: 8 })).toEqual({ reservedHigh: 1, nonHigh: 1, low: 1 });
  });

  it('lets high take the reserved share but not normal or low', () => {
    const caps = laneCaps(10);
    const inUse = { high: 0, normal: 6, low: 2 };
    expect(laneMayTake('high', inUse, caps)).toBe(true);
    expect(laneMayTake('normal', inUse, caps)).toBe(false);
    expect(laneMayTake('low', inUse, caps)).toBe(false);
    expect(laneMayTake('low', { high: 0, normal: 0, low: 5 }, caps)).toBe(false);
    expect(laneMayTake('normal', { high: 0, normal: 0, low: 5 }, caps)).toBe(true);
  });
});

describe('LaneQueue', () => {
  it('orders high, then normal, then low, first come first served within a lane', () => {
    const queue = new LaneQueue<string>();
    for (const [lane, name] of [
      ['low', 'l1'],
      ['normal', 'n1'],
      ['high', 'h1'],
      ['low', 'l2'],
      ['high', 'h2'],
      ['normal', 'n2'],
    ] as [Lane, string][])
      queue.enqueue(lane, name);
    expect(queue.waitingByLane()).toEqual({ high: 2, normal: 2, low: 2 });
    expect(drain(queue, 10)).toEqual(['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
    expect(queue.waiting()).toBe(0);
  });

  it('bounds the starvation of low under a constant stream of high callers', () => {
    const bound = 3;
    const queue = new LaneQueue<string>({ highReservedShare: 0, lowMaxShare: 1, starvationBound: bound });
    const caps = laneCaps(4, { highReservedShare: 0, lowMaxShare: 1, starvationBound: bound });
    queue.enqueue('low', 'low');
    let grants = 0;
    let lowAt = -1;
    // Every grant is replaced by a new high caller: without aging, low would never run.
    for (let i = 0; i < 20 && lowAt < 0; i++) {
      queue.enqueue('high', `h${i}`);
      const waiter = queue.next(zeroCounts(), caps)!;
      grants += 1;
      if (waiter.payload === 'low') lowAt = grants;
    }
    expect(lowAt).toBe(bound + 1);
  });

  it('does not age a lane past its cap: a low waiter at the cap waits however long', () => {
    const queue = new LaneQueue<string>({ highReservedShare: 0, lowMaxShare: 0.5, starvationBound: 1 });
    const caps = laneCaps(2, { highReservedShare: 0, lowMaxShare: 0.5, starvationBound: 1 });
    queue.enqueue('low', 'low');
    queue.enqueue('normal', 'n1');
    const inUse = { high: 0, normal: 0, low: 1 };
    expect(queue.next(inUse, caps)?.payload).toBe('n1');
    expect(queue.next({ high: 0, normal: 1, low: 1 }, caps)).toBeUndefined();
    expect(queue.waiting('low')).toBe(1);
  });

  it('skips removed waiters (timeouts, aborts) and counts them out', () => {
    const queue = new LaneQueue<string>();
    const a = queue.enqueue('normal', 'a');
    queue.enqueue('normal', 'b');
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    expect(queue.waiting('normal')).toBe(1);
    expect(drain(queue, 4)).toEqual(['b']);
  });

  it('counts how many waiters could start, within the lane caps', () => {
    const queue = new LaneQueue<string>();
    for (let i = 0; i < 6; i++) queue.enqueue('low', `l${i}`);
    queue.enqueue('high', 'h');
    queue.enqueue('normal', 'n');
    // max 10: low may hold 5, normal + low 8.
    expect(queue.startable(zeroCounts(), laneCaps(10))).toBe(1 + 6);
    expect(queue.startable({ high: 0, normal: 7, low: 0 }, laneCaps(10))).toBe(1 + 1);
  });

  it('keeps FIFO order across many removals and compactions', () => {
    const queue = new LaneQueue<number>();
    const waiters = Array.from({ length: 3000 }, (_, i) => queue.enqueue('normal', i));
    for (let i = 0; i < 3000; i += 2) queue.remove(waiters[i]!);
    const order: number[] = [];
    for (let w = queue.next(zeroCounts(), laneCaps(10)); w; w = queue.next(zeroCounts(), laneCaps(10))) order.push(w.payload);
    expect(order).toEqual(Array.from({ length: 1500 }, (_, i) => 2 * i + 1));
  });
});

describe('LaneQueue.mayJoin (pipelining: a caller rides on a connection its lane holds)', () => {
  const caps = laneCaps(10); // 2 reserved for high, 8 for normal and low together, 5 for low

  it('lets no caller join past a waiter of its own lane or of a higher lane', () => {
    const queue = new LaneQueue<string>();
    queue.enqueue('normal', 'n1');
    const inUse = { high: 1, normal: 1, low: 1 };
    expect(queue.mayJoin('normal', inUse, caps)).toBe(false);
    expect(queue.mayJoin('low', inUse, caps)).toBe(false);
    expect(queue.mayJoin('high', inUse, caps)).toBe(true);
  });

  it('lets a lane join past a lower waiter that could not have had its connection, however often', () => {
    const queue = new LaneQueue<string>({ ...DEFAULT_LANE_POLICY, starvationBound: 3 });
    queue.enqueue('low', 'l1');
    // Low at its own cap: a normal connection given back would not go to it.
    for (let i = 0; i < 10; i++) expect(queue.mayJoin('normal', { high: 0, normal: 2, low: 5 }, caps)).toBe(true);
    // Normal and low at their shared cap: a high connection given back would not go to low either.
    for (let i = 0; i < 10; i++) expect(queue.mayJoin('high', { high: 2, normal: 7, low: 1 }, caps)).toBe(true);
  });

  it('counts each join past a lower waiter as overtaking it, and stops joining once it is starving until it has a connection', () => {
    const queue = new LaneQueue<string>({ ...DEFAULT_LANE_POLICY, starvationBound: 3 });
    queue.enqueue('low', 'l1');
    // At the shared cap, but a normal connection given back would go to low: each normal join overtakes it.
    const inUse = { high: 0, normal: 7, low: 1 };
    expect([1, 2, 3, 4].map(() => queue.mayJoin('normal', inUse, caps))).toEqual([true, true, true, false]);
    expect(queue.mayJoin('high', inUse, caps)).toBe(true); // a high connection would not go to low
    // The next free connection goes to the starving low waiter, ahead of a normal caller that queued meanwhile.
    queue.enqueue('normal', 'n1');
    expect(queue.next({ high: 0, normal: 6, low: 1 }, caps)?.payload).toBe('l1');
    expect(queue.mayJoin('normal', inUse, caps)).toBe(false); // n1 waits
    expect(queue.next({ high: 0, normal: 5, low: 2 }, caps)?.payload).toBe('n1');
    expect(queue.mayJoin('normal', inUse, caps)).toBe(true);
  });
});
