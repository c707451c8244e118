import type { PoolServer } from '../../main/contract/pool.ts';
import { formatCount, formatMs } from '../format/units.ts';
import { formatLagBytes, formatLagSeconds } from './replica-lag.tsx';

/**
 * With read replicas: per server (primary, replica-1, …), the queries its workload pool ran in the last second and
 * how long they held a connection (p50 / p99), and each replica's replication lag as last measured (seconds, WAL
 * bytes not replayed). The workload's reads go to the replicas; the primary keeps the rest.
 */
export function PoolServers({ servers }: { servers: readonly PoolServer[] }) {
  return (
    <table className="data-table" data-testid="pool-servers">
      <thead>
        <tr>
          <th scope="col">Server</th>
          <th scope="col">Queries (last second)</th>
          <th scope="col">p50</th>
          <th scope="col">p99</th>
          <th scope="col">Replication lag</th>
          <th scope="col">WAL behind</th>
        </tr>
      </thead>
      <tbody>
        {servers.map((s) => (
          <tr key={s.server} data-testid={`pool-server-${s.server}`}>
            <th scope="row">{s.server}</th>
            <td>{formatCount(s.queries)}</td>
            <td>{s.usage.count > 0 ? formatMs(s.usage.p50) : '—'}</td>
            <td>{s.usage.count > 0 ? formatMs(s.usage.p99) : '—'}</td>
            <td>{formatLagSeconds(s.lag)}</td>
            <td>{formatLagBytes(s.lag)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
