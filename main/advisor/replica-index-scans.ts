import pg from 'pg';
import { ADVISOR_MARKER } from './generic-plan.ts';

/**
 * Index scans counted on the read replicas. A hot standby keeps its own pg_stat_user_indexes: a scan run there
 * (the workload's reads, with replicas) never reaches the primary's counters, so an index only the replicas use
 * reads 0 on the primary. The unused-index finding adds these up (indexFindings) before calling an index unused.
 * A replica that cannot be read is said so in the finding, not taken as 0 scans silently.
 */

/** A read replica the advisor reads the counters of (the stack's `replicas`: its name and connection). */
export interface ReplicaConnection {
  name: string;
  pg: pg.ClientConfig;
}

/** One replica's idx_scan per index (keyed by indexScanKey), or null with why it could not be read. */
export interface ReplicaIndexScans {
  server: string;
  scans: ReadonlyMap<string, number> | null;
  error?: string;
}

/** An index's key across servers: a physical standby has the primary's catalog, so schema and name match. */
export function indexScanKey(schema: string, name: string): string {
  return JSON.stringify([schema, name]);
}

const REPLICA_SCANS = `${ADVISOR_MARKER} SELECT schemaname AS schema, indexrelname AS name, idx_scan::text AS scans FROM pg_stat_user_indexes`;

/** A replica that does not answer within this gives no counts (the finding says so). */
const REPLICA_TIMEOUT_MS = 10_000;

async function readOne(replica: ReplicaConnection): Promise<ReplicaIndexScans> {
  const client = new pg.Client({
    ...replica.pg,
    application_name: 'hotpath-advisor',
    connectionTimeoutMillis: REPLICA_TIMEOUT_MS,
    query_timeout: REPLICA_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ schema: string; name: string; scans: string | null }>(REPLICA_SCANS);
    return { server: replica.name, scans: new Map(rows.map((r) => [indexScanKey(r.schema, r.name), Number(r.scans ?? 0)])) };
  } catch (error) {
    return { server: replica.name, scans: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every replica's counters, read side by side; never rejects (a failure is in its entry). */
export async function readReplicaIndexScans(replicas: readonly ReplicaConnection[] = []): Promise<ReplicaIndexScans[]> {
  return await Promise.all(replicas.map(readOne));
}
