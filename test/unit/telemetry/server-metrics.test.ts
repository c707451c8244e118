import { describe, expect, it } from 'vitest';
import { PoolMetrics } from '../../../main/pool/pool-metrics.ts';
import { PrometheusMetrics } from '../../../main/telemetry/prometheus-metrics.ts';
import { expositionProblems, parseExposition } from '../../support/prometheus-text.ts';

/** The value of `name` with exactly these labels; undefined when there is no such sample. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const family = parseExposition(text).get(name.replace(/_(count|sum)$/, '')) ?? parseExposition(text).get(name);
  return family?.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

const gauges = {
  connections: { total: 1, idle: 1, active: 0, opening: 0, activeByLane: { high: 0, normal: 0, low: 0 } },
  waiting: { high: 0, normal: 0, low: 0 },
  limit: 4,
};

/** One interval of a server's pool: `holdsMs` connections handed out and given back after that long, one query each. */
function serverInterval(holdsMs: number[]) {
  const pool = new PoolMetrics(0);
  for (const heldMs of holdsMs) {
    pool.acquired('normal', 0, 0);
    pool.counters.queries += 1;
    pool.released(heldMs, heldMs);
  }
  return pool.take(1000, gauges);
}

describe('per-server pool metrics (read replicas)', () => {
  it('counts queries per server in hotpath_pool_queries_total and their hold times in hotpath_pool_usage_seconds', async () => {
    const metrics = new PrometheusMetrics(() => null);
    const primary = serverInterval([]);
    metrics.observeServer('primary', primary.counters.queries, primary.usageHistogram);
    const replica = serverInterval([2, 2, 40]);
    metrics.observeServer('replica-1', replica.counters.queries, replica.usageHistogram);
    const again = serverInterval([3]);
    metrics.observeServer('replica-1', again.counters.queries, again.usageHistogram);

    const text = await metrics.text();
    expect(expositionProblems(text)).toEqual([]);
    const families = parseExposition(text);
    expect(families.get('hotpath_pool_queries_total')?.type).toBe('counter');
    expect(valueOf(text, 'hotpath_pool_queries_total', { server: 'primary' })).toBe(0);
    expect(valueOf(text, 'hotpath_pool_queries_total', { server: 'replica-1' })).toBe(4);
    expect(families.get('hotpath_pool_usage_seconds')?.type).toBe('histogram');
    expect(valueOf(text, 'hotpath_pool_usage_seconds_count', { server: 'replica-1' })).toBe(4);
    // A server that ran nothing has no latency series (rather than a histogram of zeros).
    expect(valueOf(text, 'hotpath_pool_usage_seconds_count', { server: 'primary' })).toBeUndefined();
    // 2 + 2 + 40 + 3 ms, within the HDR histogram's precision.
    expect(valueOf(text, 'hotpath_pool_usage_seconds_sum', { server: 'replica-1' })).toBeCloseTo(0.047, 3);
  });
});
