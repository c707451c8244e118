/**
 * Which read replica a workload read goes to. Pure (no I/O, no timers): the read router asks `pick` once per
 * read with what each replica has in flight.
 *
 * - `round-robin` (the default): replica after replica, whatever their load. Even by count; right when the
 *   replicas are alike, and it needs no state but a cursor.
 * - `least-loaded`: the replica with the fewest reads in flight (ties: the next in round-robin order, so equal
 *   replicas still take turns). A slower or busier replica holds its reads longer and so gets fewer new ones;
 *   it wins when the replicas differ (size, distance, other tenants), and costs one pass over the replicas.
 *
 * Writes never come here: the router's caller sends only the workload's read-only templates.
 */
export const REPLICA_POLICIES = ['round-robin', 'least-loaded'] as const;
export type ReplicaPolicy = (typeof REPLICA_POLICIES)[number];

export const DEFAULT_REPLICA_POLICY: ReplicaPolicy = 'round-robin';

export interface ReplicaChoice {
  /** The replica to use (an index into the list), or -1 when there is none. */
  index: number;
  /** The cursor for the next pick. */
  cursor: number;
}

/** The replica for the next read: `inFlight[i]` is what replica i has running; `cursor` is the previous pick's. */
export function pickReplica(policy: ReplicaPolicy, inFlight: readonly number[], cursor: number): ReplicaChoice {
  const n = inFlight.length;
  if (n === 0) return { index: -1, cursor };
  const start = ((cursor % n) + n) % n;
  if (policy === 'round-robin') return { index: start, cursor: (start + 1) % n };
  let best = start;
  for (let step = 1; step < n; step++) {
    const i = (start + step) % n;
    if (inFlight[i]! < inFlight[best]!) best = i;
  }
  return { index: best, cursor: (best + 1) % n };
}
