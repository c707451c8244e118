import { describe, expect, it } from 'vitest';
import { replicaLag, type ReplicaLagSample } from '../../../main/engine/replica-lag.ts';

const sample = (over: Partial<ReplicaLagSample>): ReplicaLagSample => ({
  inRecovery: true,
  behindBytes: 0,
  replayedAllReceived: true,
  sinceLastReplaySeconds: 120,
  ...over,
});

describe('replicaLag (the figures of one sample)', () => {
  it('is 0 seconds when the replica has replayed all the primary had written, however old its last replayed commit', () => {
    // The idle-primary caveat: now() - pg_last_xact_replay_timestamp() grows while nothing is written.
    expect(replicaLag(sample({ behindBytes: 0, sinceLastReplaySeconds: 600 }), 1)).toEqual({ seconds: 0, bytes: 0, at: 1 });
    // The replica's replay position read after the primary's may be ahead of it: still 0, never negative.
    expect(replicaLag(sample({ behindBytes: -4096 }), 1)).toEqual({ seconds: 0, bytes: 0, at: 1 });
  });

  it('is the age of the last replayed commit, and the bytes not replayed, when behind', () => {
    expect(replicaLag(sample({ behindBytes: 81920, sinceLastReplaySeconds: 7.5 }), 2)).toEqual({ seconds: 7.5, bytes: 81920, at: 2 });
    // Rounded to milliseconds (what /metrics shows as a short decimal).
    expect(replicaLag(sample({ behindBytes: 1, sinceLastReplaySeconds: 1.23456789 }), 2).seconds).toBe(1.235);
    // Clocks a little apart (a replica's now() before a commit time): clamped at 0.
    expect(replicaLag(sample({ behindBytes: 10, sinceLastReplaySeconds: -0.01 }), 2).seconds).toBe(0);
  });

  it('is unknown in seconds when behind with nothing replayed since start', () => {
    expect(replicaLag(sample({ behindBytes: 10, sinceLastReplaySeconds: null }), 3)).toEqual({ seconds: null, bytes: 10, at: 3 });
  });

  it("without the primary's position: bytes unknown, and caught up only if all that was received is replayed", () => {
    expect(replicaLag(sample({ behindBytes: null, replayedAllReceived: true }), 4)).toEqual({ seconds: 0, bytes: null, at: 4 });
    expect(replicaLag(sample({ behindBytes: null, replayedAllReceived: false, sinceLastReplaySeconds: 3 }), 4)).toEqual({
      seconds: 3,
      bytes: null,
      at: 4,
    });
  });

  it('is 0 for a server not in recovery (a primary given as a replica)', () => {
    expect(replicaLag(sample({ inRecovery: false, behindBytes: 99 }), 5)).toEqual({ seconds: 0, bytes: null, at: 5 });
  });
});
