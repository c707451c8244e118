// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { RedisNodeFigures, RedisOverview } from '../../../main/contract/database.ts';
import { RedisOverviewView } from '../../../renderer/components/redis-overview.tsx';

afterEach(cleanup);

function figures(node: string, overrides: Partial<RedisNodeFigures> = {}): RedisNodeFigures {
  return {
    node,
    version: '7.2.4',
    uptimeSeconds: 600,
    usedMemoryBytes: 10 * 1024 ** 2,
    peakMemoryBytes: 12 * 1024 ** 2,
    maxMemoryBytes: 0,
    evictionPolicy: 'noeviction',
    fragmentationRatio: 1.1,
    hitRatio: 0.5,
    hits: 5,
    misses: 5,
    evictedKeys: 0,
    expiredKeys: 0,
    connectedClients: 2,
    opsPerSecond: 10,
    keys: 100,
    ...overrides,
  };
}

function overview(topology: 'sentinel' | 'cluster', nodes: RedisNodeFigures[]): RedisOverview {
  const { node: _node, ...first } = nodes[0]!;
  const at = Date.UTC(2026, 11, 6, 12, 0, 0);
  return {
    available: true,
    reason: null,
    server: { ...first, displayUrl: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000', keys: nodes.length * 100 },
    slowlog: {
      entries: nodes.map((n, i) => ({
        id: 1,
        at: at - i * 1000,
        durationMicros: 900,
        command: 'SET',
        key: `k:${i}`,
        moreArgs: 1,
        client: null,
        node: n.node,
      })),
      error: null,
    },
    bigKeys: {
      keys: nodes.map((n, i) => ({ key: `big:${i}`, type: 'string', bytes: 1000 - i, node: n.node })),
      scanned: 300,
      complete: true,
      error: null,
    },
    topology,
    nodes,
  };
}

describe('the Redis overview on Sentinel and Cluster', () => {
  it('lists each Cluster master with its figures and names the node on every slow-log and big-key row', () => {
    const nodes = [
      figures('10.0.0.1:7000', { keys: 101 }),
      figures('10.0.0.2:7000', { keys: 102 }),
      figures('10.0.0.3:7000', { keys: 103 }),
    ];
    render(createElement(RedisOverviewView, { overview: overview('cluster', nodes) }));
    expect(screen.getByTestId('redis-info').textContent).toContain('Cluster: 3 masters, figures summed');
    const rows = within(screen.getByTestId('redis-nodes')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^10\.0\.0\.1:7000.*101/),
      expect.stringMatching(/^10\.0\.0\.2:7000.*102/),
      expect.stringMatching(/^10\.0\.0\.3:7000.*103/),
    ]);
    // Slow-log ids repeat across masters: every entry still gets its row.
    const slow = within(screen.getByTestId('redis-slowlog')).getAllByRole('row').slice(1);
    expect(slow.map((r) => r.lastChild?.textContent)).toEqual(['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000']);
    const big = within(screen.getByTestId('redis-bigkeys')).getAllByRole('row').slice(1);
    expect(big.map((r) => r.lastChild?.textContent)).toEqual(['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000']);
  });

  it('says which node Sentinel named master, without a per-node table', () => {
    render(createElement(RedisOverviewView, { overview: overview('sentinel', [figures('10.0.0.9:6379')]) }));
    expect(screen.getByTestId('redis-info').textContent).toContain('Sentinel master 10.0.0.9:6379');
    expect(screen.queryByTestId('redis-nodes')).toBeNull();
  });

  it('shows the masters that answered next to the one that refused', () => {
    const value = overview('cluster', [figures('10.0.0.1:7000'), figures('10.0.0.2:7000')]);
    value.slowlog.error = '10.0.0.2:7000: The Redis user may not run SLOWLOG GET (NOPERM).';
    value.slowlog.entries = value.slowlog.entries.slice(0, 1);
    render(createElement(RedisOverviewView, { overview: value }));
    expect(screen.getByTestId('redis-slowlog-error').textContent).toContain('10.0.0.2:7000');
    expect(within(screen.getByTestId('redis-slowlog')).getAllByRole('row')).toHaveLength(2);
  });
});
