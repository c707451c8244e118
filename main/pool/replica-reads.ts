import type pg from 'pg';
import type { Lane } from './lanes.ts';
import { isConnectionError, isPoolError } from './pool-errors.ts';
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
  /** Each replica's reads in a row that failed because the server did not answer (see serverUnavailable). */
  private readonly failures: number[];
  private readonly restUntil: number[];
  /** Whether each replica rests now: kept, not rebuilt per read (this is the per-request path). */
  private readonly resting: boolean[];
  private cursor = 0;

  constructor(
    private readonly primary: TimedPool,
    private readonly replicas: readonly TimedPool[],
    private readonly policy: ReplicaPolicy = DEFAULT_REPLICA_POLICY,
    private readonly lag: ReplicaLagSource | null = null,
    private readonly clock: () => number = Date.now,
  ) {
    this.inFlight = replicas.map(() => 0);
    this.failures = replicas.map(() => 0);
    this.restUntil = replicas.map(() => 0);
    this.resting = replicas.map(() => false);
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
    if (this.resting.includes(true)) {
      const now = this.clock();
      for (let r = 0; r < this.resting.length; r++) if (this.resting[r] && now >= this.restUntil[r]!) this.resting[r] = false;
    }
    const choice = pickReplica(this.policy, this.inFlight, this.cursor, bound, this.resting);
    if (choice.index < 0) return await this.primary.timedQuery(lane, query, options);
    const i = choice.index;
    this.cursor = choice.cursor;
    this.inFlight[i]! += 1;
    try {
      const answer = await this.replicas[i]!.timedQuery(lane, query, options);
      this.failures[i] = 0;
      return answer;
    } catch (error) {
      // A few in a row from a server that does not answer: it rests, and the next read after the rest tries it again.
      if (serverUnavailable(error) && ++this.failures[i]! >= FAILURES_TO_REST) {
        this.restUntil[i] = this.clock() + REST_MS;
        this.resting[i] = true;
      }
      throw error;
    } finally {
      this.inFlight[i]! -= 1;
    }
  }
}

/**
 * Failures in a row that rest a replica: one is a dropped connection the pool replaces, a few mean the server is
 * gone. Without the rest, `least-loaded` would send it every read, since a replica that fails at once never has
 * any in flight.
 */
const FAILURES_TO_REST = 3;
/** A rest, after which one read tries the replica again: as long as a failover or restart takes, at the least. */
const REST_MS = 2000;

/**
 * The server did not answer (the connection is gone, the pool could not reach it or waited too long for it), as
 * opposed to an answer that the read failed: only the first says the replica is unusable; a bad statement fails
 * everywhere.
 */
function serverUnavailable(error: unknown): boolean {
  return isPoolError(error, 'server-unavailable') || isPoolError(error, 'acquire-timeout') || isConnectionError(error);
}
