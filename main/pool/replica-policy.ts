/**
 * Which read replica a workload read goes to. Pure (no I/O, no timers): the read router asks `pick` once per
 * read with what each replica has in flight.
 *
 * - `round-robin` (the default): replica after replica, whatever their load. Even by count; right when the
 *   replicas are alike, and it needs no state but a cursor.
 * - `least-loaded`: the replica with the fewest reads in flight (ties: the next in round-robin order, so equal
 *   replicas still take turns). A slower or busier replica holds its reads longer and so gets fewer new ones;
 *   it wins when the replicas differ (size, distance, other tenants), and costs one pass over the replicas.
 * - `lag-bounded`: round robin among the replicas whose last measured replication lag is within a bound
 *   (`maxSeconds`); when none is (or none has been measured yet), the read goes to the primary. It trades the
 *   primary's load for bounded staleness: a read never sees data older than the bound plus one sampling period.
 *   The lag is measured by the engine once per telemetry tick (main/engine/replica-lag.ts), never per read.
 *
 * Writes never come here: the router's caller sends only the workload's read-only templates.
 */
export const REPLICA_POLICIES = ['round-robin', 'least-loaded', 'lag-bounded'] as const;
export type ReplicaPolicy = (typeof REPLICA_POLICIES)[number];

export const DEFAULT_REPLICA_POLICY: ReplicaPolicy = 'round-robin';

/**
 * `lag-bounded`'s default bound, in seconds: a few telemetry ticks (lag is sampled once a second), well above a
 * healthy streaming replica's sub-second lag, and below the staleness a person notices between two page loads.
 */
export const DEFAULT_REPLICA_MAX_LAG_SECONDS = 5;

/** What `lag-bounded` needs: each replica's last measured lag in seconds (null: not measured), and the bound. */
export interface ReplicaLagBound {
  seconds: readonly (number | null)[];
  maxSeconds: number;
}

export interface ReplicaChoice {
  /** The replica to use (an index into the list), or -1 when there is none (or, lag-bounded, none within the bound). */
  index: number;
  /** The cursor for the next pick. */
  cursor: number;
}

/**
 * The replica for the next read: `inFlight[i]` is what replica i has running; `cursor` is the previous pick's;
 * `lag` is read by `lag-bounded` only (absent: no replica has a measured lag, so every read goes to the primary);
 * `resting[i]` skips replica i under every policy (the router rests a replica that stopped answering). With no
 * replica left to choose, the index is -1: the primary.
 */
export function pickReplica(
  policy: ReplicaPolicy,
  inFlight: readonly number[],
  cursor: number,
  lag?: ReplicaLagBound,
  resting: readonly boolean[] = [],
): ReplicaChoice {
  const n = inFlight.length;
  const start = n === 0 ? 0 : ((cursor % n) + n) % n;
  const withinBound = (i: number) => {
    const seconds = lag?.seconds[i] ?? null;
    return seconds !== null && seconds <= lag!.maxSeconds;
  };
  let best = -1;
  for (let step = 0; step < n; step++) {
    const i = (start + step) % n;
    if (resting[i] === true || (policy === 'lag-bounded' && !withinBound(i))) continue;
    if (policy !== 'least-loaded') return { index: i, cursor: (i + 1) % n };
    if (best < 0 || inFlight[i]! < inFlight[best]!) best = i;
  }
  return best < 0 ? { index: -1, cursor } : { index: best, cursor: (best + 1) % n };
}
