import type { PoolServer } from '../contract/pool.ts';
import { poolServer, type PoolManager } from '../pool/index.ts';
import type { PrometheusMetrics } from '../telemetry/index.ts';
import type { ReplicaPool } from './replica-pools.ts';

type PoolSnapshot = ReturnType<PoolManager['snapshot']>;

/**
 * Once per tick, per server: the queries its workload pool sent and how long its connections were held
 * (`hotpath_pool_queries_total{server}`, `hotpath_pool_usage_seconds{server}`, a histogram), returned for the
 * telemetry snapshot too. The primary's snapshot is the one the tick already took; each replica pool's is taken
 * here (a snapshot starts the pool's next interval).
 */
export function observeServers(metrics: PrometheusMetrics, primary: PoolSnapshot, replicas: readonly ReplicaPool[]): PoolServer[] {
  const servers = [{ name: 'primary', snapshot: primary }, ...replicas.map((r) => ({ name: r.name, snapshot: r.pool.snapshot() }))];
  for (const { name, snapshot } of servers) metrics.observeServer(name, snapshot.counters.queries, snapshot.usageHistogram);
  return servers.map(({ name, snapshot }) => poolServer(name, snapshot));
}
