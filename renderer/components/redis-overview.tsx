import type { RedisOverview } from '../../main/contract/database.ts';
import { formatAge, formatBytes, formatClock, formatCount, formatShare } from '../format/units.ts';
import { EmptyState } from './empty-state.tsx';

/** The connected Redis (database.redis): INFO figures, the slow log, and the biggest keys of a bounded SCAN. */
export function RedisOverviewView({ overview }: { overview: RedisOverview }) {
  if (!overview.available || !overview.server) {
    return (
      <EmptyState title="No Redis figures" testId="redis-unavailable">
        <p>{overview.reason}</p>
      </EmptyState>
    );
  }
  const s = overview.server;
  const figures: [string, string][] = [
    ['Server', `${s.displayUrl} · Redis ${s.version} · up ${formatAge(s.uptimeSeconds * 1000)}`],
    [
      'Used memory',
      `${formatBytes(s.usedMemoryBytes)} (peak ${formatBytes(s.peakMemoryBytes)}; limit ${s.maxMemoryBytes > 0 ? formatBytes(s.maxMemoryBytes) : 'none'}, ${s.evictionPolicy})`,
    ],
    ['Fragmentation ratio', s.fragmentationRatio === null ? '—' : s.fragmentationRatio.toFixed(2)],
    [
      'Hit ratio (since start)',
      s.hitRatio === null ? 'no lookups yet' : `${formatShare(s.hitRatio)} (${formatCount(s.hits)} hits, ${formatCount(s.misses)} misses)`,
    ],
    ['Evicted keys', formatCount(s.evictedKeys)],
    ['Expired keys', formatCount(s.expiredKeys)],
    ['Keys', formatCount(s.keys)],
    ['Clients · ops/s', `${formatCount(s.connectedClients)} · ${formatCount(s.opsPerSecond)}`],
  ];
  const big = overview.bigKeys;
  return (
    <>
      <dl className="memory-now" data-testid="redis-info">
        {figures.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {overview.slowlog.error ? (
        <p className="notice notice--warning" data-testid="redis-slowlog-error">
          {overview.slowlog.error}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="redis-slowlog">
            <caption>Slow log (SLOWLOG GET; command and key only)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Command</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {overview.slowlog.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatClock(e.at)}</td>
                  <td className="num">
                    {e.durationMicros >= 1000 ? `${(e.durationMicros / 1000).toFixed(1)} ms` : `${e.durationMicros} µs`}
                  </td>
                  <td>
                    <code>
                      {e.command}
                      {e.key !== null ? ` ${e.key}` : ''}
                      {e.moreArgs > 0 ? ` … (${e.moreArgs} more)` : ''}
                    </code>
                  </td>
                  <td>{e.client ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {big.error ? (
        <p className="notice notice--warning" data-testid="redis-bigkeys-error">
          {big.error}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="redis-bigkeys">
            <caption>
              Biggest keys (MEMORY USAGE) of {formatCount(big.scanned)} scanned
              {big.complete ? ', the whole keyspace' : ` of ${formatCount(s.keys)}: a sample`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  Memory
                </th>
              </tr>
            </thead>
            <tbody>
              {big.keys.map((k) => (
                <tr key={k.key}>
                  <td>
                    <code>{k.key}</code>
                  </td>
                  <td>{k.type}</td>
                  <td className="num">{formatBytes(k.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
