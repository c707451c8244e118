import type { PoolManager } from '../pool/index.ts';
import type { PrometheusMetrics } from '../telemetry/index.ts';
import type { ReplicaPool } from './replica-pools.ts';

type PoolSnapshot = ReturnType<PoolManager['snapshot']>;

/**
 * Once per tick, per server: the queries its workload pool sent and how long its connections were held
 * (`hotpath_pool_queries_total{server}`, `hotpath_pool_usage_seconds{server}`, a histogram). The primary's snapshot is
 * the one the tick already took; each replica pool's is taken here (a snapshot starts the pool's next interval).
 */
export function observeServers(metrics: PrometheusMetrics, primary: PoolSnapshot, replicas: readonly ReplicaPool[]): void {
  metrics.observeServer('primary', primary.counters.queries, primary.usageHistogram);
  for (const replica of replicas) {
    const snapshot = replica.pool.snapshot();
    metrics.observeServer(replica.name, snapshot.counters.queries, snapshot.usageHistogram);
  }
}
