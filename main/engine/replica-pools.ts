import pg from 'pg';
import { DEFAULT_REPLICA_MAX_LAG_SECONDS, PoolManager, ReplicaReads, type ReplicaPolicy } from '../pool/index.ts';
import type { Stack } from '../stack/index.ts';
import type { ReplicaLag } from './replica-lag.ts';

/** How long the lag probe waits for a connection when the replica's own settings give no limit. */
const LAG_PROBE_CONNECT_MS = 5_000;

/** A read replica's workload pool, under the replica's name (`replica-1`, …: the `server` label in /metrics). */
export interface ReplicaPool {
  name: string;
  pool: PoolManager;
  /** One connection for measuring the replica's lag (replica-lag.ts): never a workload connection. */
  probe: pg.Pool;
  /** The lag last measured; null until measured, or when the last measurement failed. */
  lag: ReplicaLag | null;
  /** A measurement is under way. */
  lagSampling: boolean;
}

/**
 * One read-only workload pool per read replica of the stack, opened beside the primary's workload pool with the
 * same size (each replica takes the reads the primary would have). A replica that cannot be opened closes the
 * ones already open and rejects: connecting fails as a whole, like a primary that cannot be reached.
 */
export async function openReplicaPools(stack: Stack, options: { max?: number }): Promise<ReplicaPool[]> {
  const opened: ReplicaPool[] = [];
  try {
    for (const replica of stack.replicas) {
      const pool = await PoolManager.open({
        connection: replica.pg,
        role: 'replica',
        readOnly: true,
        applicationName: 'hotpath-workload',
        ...(options.max === undefined ? {} : { max: options.max }),
      });
      // Bounded connects: a replica gone unreachable gives an unknown lag, never a sampler (or a connect) stuck.
      const probe = new pg.Pool({
        ...replica.pg,
        connectionTimeoutMillis: replica.pg.connectionTimeoutMillis || LAG_PROBE_CONNECT_MS,
        max: 1,
        idleTimeoutMillis: 0,
        application_name: 'hotpath-lag',
      });
      // An idle probe connection the replica drops (restart, failover) must not crash the process.
      probe.on('error', () => undefined);
      opened.push({ name: replica.name, pool, probe, lag: null, lagSampling: false });
    }
    return opened;
  } catch (error) {
    await closeReplicaPools(opened);
    throw error;
  }
}

export async function closeReplicaPools(pools: readonly ReplicaPool[]): Promise<void> {
  await Promise.all(pools.flatMap(({ pool, probe }) => [pool.close().catch(() => undefined), probe.end().catch(() => undefined)]));
}

/**
 * Where the workload's reads go: spread over the replicas by `policy`, or the primary's pool when there are none;
 * `lag-bounded` reads each replica's last measured lag against `maxLagSeconds`.
 */
export function workloadReads(
  primary: PoolManager,
  replicas: readonly ReplicaPool[],
  policy?: ReplicaPolicy,
  maxLagSeconds: number = DEFAULT_REPLICA_MAX_LAG_SECONDS,
): ReplicaReads {
  return new ReplicaReads(
    primary,
    replicas.map((r) => r.pool),
    policy,
    { seconds: () => replicas.map((r) => r.lag?.seconds ?? null), maxSeconds: maxLagSeconds },
  );
}
