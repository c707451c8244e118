import type { RedisOverview } from '../../main/contract/database.ts';
import { formatAge, formatBytes, formatClock, formatCount, formatShare } from '../format/units.ts';
import { EmptyState } from './empty-state.tsx';

type Server = NonNullable<RedisOverview['server']>;

/** "Server": where the figures come from; on a Cluster they are the masters' sums, on Sentinel the named master's. */
function serverLine(overview: RedisOverview, s: Server): string {
  const where = `${s.displayUrl} · Redis ${s.version} · up ${formatAge(s.uptimeSeconds * 1000)}`;
  const nodes = overview.nodes ?? [];
  if (overview.topology === 'cluster') return `${where} · Cluster: ${nodes.length} masters, figures summed`;
  if (overview.topology === 'sentinel') return `${where} · Sentinel master ${nodes[0]?.node ?? '?'}`;
  return where;
}

/** Each Cluster master's own figures (the summed ones are above). */
function ClusterNodes({ nodes }: { nodes: NonNullable<RedisOverview['nodes']> }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="redis-nodes">
        <caption>Cluster masters</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col" className="num">
              Used memory
            </th>
            <th scope="col" className="num">
              Hit ratio
            </th>
            <th scope="col" className="num">
              Evicted keys
            </th>
            <th scope="col" className="num">
              Keys
            </th>
            <th scope="col" className="num">
              Ops/s
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.node}>
              <td>{n.node}</td>
              <td className="num">{formatBytes(n.usedMemoryBytes)}</td>
              <td className="num">{n.hitRatio === null ? '—' : formatShare(n.hitRatio)}</td>
              <td className="num">{formatCount(n.evictedKeys)}</td>
              <td className="num">{formatCount(n.keys)}</td>
              <td className="num">{formatCount(n.opsPerSecond)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
    ['Server', serverLine(overview, s)],
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
  // On a Cluster the rows come from several masters: each says which.
  const perNode = overview.topology === 'cluster';
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
      {perNode && overview.nodes ? <ClusterNodes nodes={overview.nodes} /> : null}
      {overview.slowlog.error ? (
        <p className="notice notice--warning" data-testid="redis-slowlog-error">
          {overview.slowlog.error}
        </p>
      ) : null}
      {overview.slowlog.error && overview.slowlog.entries.length === 0 ? null : (
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
                {perNode ? <th scope="col">Node</th> : null}
              </tr>
            </thead>
            <tbody>
              {overview.slowlog.entries.map((e) => (
                <tr key={`${e.node ?? ''}#${e.id}`}>
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
                  {perNode ? <td>{e.node ?? '—'}</td> : null}
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
      ) : null}
      {big.error && big.keys.length === 0 ? null : (
        <div className="table-scroll">
          <table className="data-table" data-testid="redis-bigkeys">
            <caption>
              Biggest keys (MEMORY USAGE) of {formatCount(big.scanned)} scanned
              {big.complete ? ', the whole keyspace' : ` of ${formatCount(s.keys)}: a sample`}
              {perNode ? ' (the budget split across the masters)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  Memory
                </th>
                {perNode ? <th scope="col">Node</th> : null}
              </tr>
            </thead>
            <tbody>
              {big.keys.map((k) => (
                <tr key={`${k.node ?? ''}#${k.key}`}>
                  <td>
                    <code>{k.key}</code>
                  </td>
                  <td>{k.type}</td>
                  <td className="num">{formatBytes(k.bytes)}</td>
                  {perNode ? <td>{k.node ?? '—'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
