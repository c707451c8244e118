import type pg from 'pg';
import type { Lane } from './lanes.ts';
import type { CallOptions, QueryConfig } from './pooled-connection.ts';
import {
  DEFAULT_REPLICA_MAX_LAG_SECONDS,
  DEFAULT_REPLICA_POLICY,
  pickReplica,
  type ReplicaLagBound,
  type ReplicaPolicy,
} from './replica-policy.ts';

/**
 * For `lag-bounded`: each replica's last measured replication lag in seconds (null: unknown), in the replicas'
 * order; read once per read (it returns what the sampler stored, no I/O), and the bound.
 */
export interface ReplicaLagSource {
  seconds(): readonly (number | null)[];
  maxSeconds: number;
}

/** What a read runs on: a pool manager's `timedQuery`. */
export interface TimedPool {
  timedQuery(
    lane: Lane,
    query: QueryConfig,
    options?: CallOptions,
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }>;
}

/**
 * Sends reads to the read replicas' pools by a ReplicaPolicy, or to the primary's pool when there are none. It
 * owns no pool (the engine opens and closes them) and keeps only each replica's reads in flight, for the
 * `least-loaded` policy. Only reads come here (the workload's read-only templates); everything else the engine
 * runs (writes, admin reads, the advisor, cache warming, the workload's start-up queries) uses the primary's pools.
 * A replica's failure is the read's error: no retry on another server (the workload counts it as an error). With
 * `lag-bounded`, a read no replica is fresh enough for goes to the primary.
 */
export class ReplicaReads implements TimedPool {
  private readonly inFlight: number[];
  private cursor = 0;

  constructor(
    private readonly primary: TimedPool,
    private readonly replicas: readonly TimedPool[],
    private readonly policy: ReplicaPolicy = DEFAULT_REPLICA_POLICY,
    private readonly lag: ReplicaLagSource | null = null,
  ) {
    this.inFlight = replicas.map(() => 0);
  }

  async timedQuery(
    lane: Lane,
    query: QueryConfig,
    options?: CallOptions,
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }> {
    const bound: ReplicaLagBound | undefined =
      this.policy === 'lag-bounded'
        ? { seconds: this.lag?.seconds() ?? [], maxSeconds: this.lag?.maxSeconds ?? DEFAULT_REPLICA_MAX_LAG_SECONDS }
        : undefined;
    const choice = pickReplica(this.policy, this.inFlight, this.cursor, bound);
    if (choice.index < 0) return await this.primary.timedQuery(lane, query, options);
    this.cursor = choice.cursor;
    this.inFlight[choice.index]! += 1;
    try {
      return await this.replicas[choice.index]!.timedQuery(lane, query, options);
    } finally {
      this.inFlight[choice.index]! -= 1;
    }
  }
}
