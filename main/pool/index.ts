/** The connection pool manager: lanes, sizing, session settings, read-only guard, metrics. */
export { isPoolError, PoolError } from './pool-errors.ts';
export { poolInterval, poolServer } from './pool-interval.ts';
export { DEFAULT_PIPELINE_DEPTH } from './pipelining.ts';
export { PoolManager } from './pool-manager.ts';
export type { QueryConfig } from './pooled-connection.ts';
export { DEFAULT_REPLICA_MAX_LAG_SECONDS, DEFAULT_REPLICA_POLICY, REPLICA_POLICIES, type ReplicaPolicy } from './replica-policy.ts';
export { ReplicaReads, type ReplicaLagSource, type TimedPool } from './replica-reads.ts';
