import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickReplica, REPLICA_POLICIES, type ReplicaLagBound, type ReplicaPolicy } from '../../../main/pool/replica-policy.ts';

/** The indexes `picks` successive reads get, each with `inFlight` as it is then. */
function run(policy: ReplicaPolicy, inFlight: number[], picks: number, lag?: ReplicaLagBound): number[] {
  const chosen: number[] = [];
  let cursor = 0;
  for (let i = 0; i < picks; i++) {
    const choice = pickReplica(policy, inFlight, cursor, lag);
    chosen.push(choice.index);
    cursor = choice.cursor;
  }
  return chosen;
}

describe('pickReplica', () => {
  it.each(REPLICA_POLICIES)('%s: no replica is -1, whatever the cursor', (policy) => {
    expect(pickReplica(policy, [], 5)).toEqual({ index: -1, cursor: 5 });
  });

  it('round-robin takes the replicas in turn, whatever their load', () => {
    expect(run('round-robin', [9, 0, 4], 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('round-robin gives every replica the same share of k·n reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), (n, k) => {
        const counts = new Array<number>(n).fill(0);
        for (const index of run('round-robin', new Array<number>(n).fill(0), k * n)) counts[index]! += 1;
        expect(counts).toEqual(new Array<number>(n).fill(k));
      }),
    );
  });

  it('least-loaded takes the replica with the fewest reads in flight', () => {
    expect(pickReplica('least-loaded', [3, 1, 2], 0).index).toBe(1);
    expect(pickReplica('least-loaded', [0, 5, 5], 1).index).toBe(0);
  });

  it('least-loaded takes equal replicas in turn (ties go to the next after the previous pick)', () => {
    expect(run('least-loaded', [2, 2, 2], 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('lag-bounded takes the replicas within the bound in turn, skipping those behind it or not measured', () => {
    const lag = { seconds: [0.2, 9, null, 5], maxSeconds: 5 };
    expect(run('lag-bounded', [0, 0, 0, 0], 6, lag)).toEqual([0, 3, 0, 3, 0, 3]);
    // All within: plain round robin.
    expect(run('lag-bounded', [4, 0, 1], 4, { seconds: [0, 0, 1], maxSeconds: 1 })).toEqual([0, 1, 2, 0]);
  });

  it('lag-bounded sends the read to the primary (-1, cursor kept) when no replica is within the bound or measured', () => {
    expect(pickReplica('lag-bounded', [0, 0], 1, { seconds: [6, 7], maxSeconds: 5 })).toEqual({ index: -1, cursor: 1 });
    expect(pickReplica('lag-bounded', [0, 0], 1, { seconds: [null, null], maxSeconds: 5 })).toEqual({ index: -1, cursor: 1 });
    expect(pickReplica('lag-bounded', [0, 0], 0)).toEqual({ index: -1, cursor: 0 });
  });

  it('lag-bounded never picks a replica beyond the bound, and picks one whenever any is within it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.nat(100),
        (seconds, maxSeconds, cursor) => {
          const { index } = pickReplica('lag-bounded', new Array<number>(seconds.length).fill(0), cursor, { seconds, maxSeconds });
          const within = seconds.some((s) => s !== null && s <= maxSeconds);
          if (!within) expect(index).toBe(-1);
          else expect(seconds[index]!).toBeLessThanOrEqual(maxSeconds);
        },
      ),
    );
  });

  it('least-loaded always picks a replica whose load is the minimum', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 10 }), fc.nat(100), (inFlight, cursor) => {
        const { index, cursor: next } = pickReplica('least-loaded', inFlight, cursor);
        expect(inFlight[index]).toBe(Math.min(...inFlight));
        expect(next).toBe((index + 1) % inFlight.length);
      }),
    );
  });
});
