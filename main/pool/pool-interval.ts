import type { PoolInterval, PoolLatency, PoolServer } from '../contract/pool.ts';
import type { LatencyFigures, PoolSnapshot } from './pool-metrics.ts';
import type { PoolSize } from './pool-sizing.ts';

const ms = (figures: LatencyFigures): PoolLatency => ({
  count: figures.count,
  p50: figures.p50Us / 1000,
  p95: figures.p95Us / 1000,
  p99: figures.p99Us / 1000,
});

/** One server's part of an interval (its pool's snapshot), in the contract's units. */
export function poolServer(server: string, snapshot: PoolSnapshot): PoolServer {
  return { server, queries: snapshot.counters.queries, usage: ms(snapshot.usageUs) };
}

/** One telemetry interval of the pool, in the contract's units (ms) and shape. */
export function poolInterval(snapshot: PoolSnapshot, size: PoolSize): PoolInterval {
  const { connections, counters } = snapshot;
  return {
    connections: { total: connections.total, idle: connections.idle, active: connections.active, opening: connections.opening },
    activeByLane: { ...connections.activeByLane },
    waitingByLane: { ...snapshot.waiting },
    limit: snapshot.limit,
    min: size.min,
    max: size.max,
    acquiresByLane: { ...counters.acquires },
    timeoutsByLane: { ...counters.timeouts },
    errors: counters.errors,
    brokenConnections: counters.brokenConnections,
    leaks: counters.leaks,
    acquireWaitByLane: {
      high: ms(snapshot.acquireWaitUs.high),
      normal: ms(snapshot.acquireWaitUs.normal),
      low: ms(snapshot.acquireWaitUs.low),
    },
    usage: ms(snapshot.usageUs),
    efficiency: snapshot.efficiency === null ? null : Math.min(1, Math.max(0, snapshot.efficiency)),
    busyShare: Math.min(1, Math.max(0, snapshot.busyShare)),
  };
}
