import type { PoolServer } from '../contract/pool.ts';
import { poolServer, type PoolManager } from '../pool/index.ts';
import type { PrometheusMetrics } from '../telemetry/index.ts';
import type { ReplicaPool } from './replica-pools.ts';

type PoolSnapshot = ReturnType<PoolManager['snapshot']>;

/**
 * Once per tick, per server: the queries its workload pool sent and how long its connections were held
 * (`hotpath_pool_queries_total{server}`, `hotpath_pool_usage_seconds{server}`, a histogram), returned for the
 * telemetry snapshot too. The primary's snapshot is the one the tick already took; each replica pool's is taken
 * here (a snapshot starts the pool's next interval). Each replica's replication lag, as last measured, goes beside
 * (`hotpath_replica_lag_seconds{server}`, `hotpath_replica_lag_bytes{server}`, and `lag` in its PoolServer).
 */
export function observeServers(metrics: PrometheusMetrics, primary: PoolSnapshot, replicas: readonly ReplicaPool[]): PoolServer[] {
  const servers = [{ name: 'primary', snapshot: primary }, ...replicas.map((r) => ({ name: r.name, snapshot: r.pool.snapshot() }))];
  for (const { name, snapshot } of servers) metrics.observeServer(name, snapshot.counters.queries, snapshot.usageHistogram);
  // Each replica's lag as last measured (replica-lag.ts samples it beside the tick, not in it).
  const lags = new Map(replicas.map((r) => [r.name, { seconds: r.lag?.seconds ?? null, bytes: r.lag?.bytes ?? null }]));
  metrics.observeReplicaLag(lags);
  return servers.map(({ name, snapshot }) => {
    const lag = lags.get(name);
    return lag === undefined ? poolServer(name, snapshot) : { ...poolServer(name, snapshot), lag };
  });
}
