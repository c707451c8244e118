import { PoolManager, ReplicaReads, type ReplicaPolicy } from '../pool/index.ts';
import type { Stack } from '../stack/index.ts';

/** A read replica's workload pool, under the replica's name (`replica-1`, …: the `server` label in /metrics). */
export interface ReplicaPool {
  name: string;
  pool: PoolManager;
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
      opened.push({ name: replica.name, pool });
    }
    return opened;
  } catch (error) {
    await closeReplicaPools(opened);
    throw error;
  }
}

export async function closeReplicaPools(pools: readonly ReplicaPool[]): Promise<void> {
  await Promise.all(pools.map(({ pool }) => pool.close().catch(() => undefined)));
}

/** Where the workload's reads go: spread over the replicas by `policy`, or the primary's pool when there are none. */
export function workloadReads(primary: PoolManager, replicas: readonly ReplicaPool[], policy?: ReplicaPolicy): ReplicaReads {
  return new ReplicaReads(
    primary,
    replicas.map((r) => r.pool),
    policy,
  );
}
