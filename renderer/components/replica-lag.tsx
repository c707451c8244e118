import type { PoolServer } from '../../main/contract/pool.ts';
import { formatBytes, formatDuration } from '../format/units.ts';

type Lag = NonNullable<PoolServer['lag']>;

/** A replica's lag in seconds as a duration ("0 ms", "1.2 s"), or "unknown" (not measured, or the probe failed). */
export function formatLagSeconds(lag: Lag | undefined): string {
  if (lag === undefined) return '—';
  return lag.seconds === null ? 'unknown' : formatDuration(lag.seconds * 1000);
}

export function formatLagBytes(lag: Lag | undefined): string {
  if (lag === undefined) return '—';
  return lag.bytes === null ? 'unknown' : formatBytes(lag.bytes);
}

/**
 * The Database page's Replication section: per read replica, how far behind the primary it was when last measured
 * (once a second by the engine: seconds since the last transaction it replayed, 0 when it had replayed all the
 * primary had written; and the WAL bytes not yet replayed). It reads the latest telemetry, no query of its own.
 */
export function ReplicationLagTable({ servers }: { servers: readonly PoolServer[] }) {
  const replicas = servers.filter((s) => s.lag !== undefined);
  return (
    <table className="data-table" data-testid="replication-lag">
      <thead>
        <tr>
          <th scope="col">Replica</th>
          <th scope="col">Lag</th>
          <th scope="col">WAL not replayed</th>
        </tr>
      </thead>
      <tbody>
        {replicas.map((s) => (
          <tr key={s.server} data-testid={`replication-lag-${s.server}`}>
            <th scope="row">{s.server}</th>
            <td>{formatLagSeconds(s.lag)}</td>
            <td>{formatLagBytes(s.lag)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
