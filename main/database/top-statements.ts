import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { TopStatement, TopStatements } from '../contract/database.ts';
import { readStatementCounters, type StatementCounters } from './pg-stat-statements-source.ts';

export interface Sample {
  at: number;
  byId: Map<string, StatementCounters>;
}

/**
 * The busiest statements of the current database as rates: pg_stat_statements only has counters since the
 * last reset, so each call is diffed against the previous one (the window is the time between the two
 * calls). The first call has no window: rates are 0, means and shares are since the reset.
 * One sampler per connected database; every caller shares its window.
 */
export class TopStatementsSampler {
  private previous: Sample | null = null;

  constructor(
    private readonly db: pg.Pool,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async sample(limit: number): Promise<TopStatements> {
    const read = await readStatementCounters(this.db);
    const at = this.clock();
    if (!read.available) {
      this.previous = null;
      return { available: false, reason: read.reason, windowMs: 0, statements: [] };
    }
    const byId = new Map(read.rows.map((row) => [row.queryId, row]));
    const previous = this.previous;
    this.previous = { at, byId };
    return { available: true, reason: null, ...summarize(read.rows, previous, at, limit) };
  }
}

/** Pure arithmetic of one window, exported for unit tests. */
export function summarize(
  rows: StatementCounters[],
  previous: Sample | null,
  at: number,
  limit: number,
): { windowMs: number; statements: TopStatement[] } {
  const windowMs = previous ? Math.max(0, at - previous.at) : 0;
  const deltas = rows.map((row) => {
    const before = previous?.byId.get(row.queryId);
    // Fewer calls than before: the counters were reset (or the entry evicted and re-created) in between,
    // so everything counted now happened since then, i.e. within the window.
    const reset = !before || before.calls > row.calls;
    const calls = previous ? row.calls - (reset ? 0 : before.calls) : row.calls;
    const totalMs = previous ? Math.max(0, row.totalMs - (reset ? 0 : before.totalMs)) : row.totalMs;
    return { row, calls, totalMs };
  });
  const allMs = deltas.reduce((sum, d) => sum + d.totalMs, 0);
  const statements = deltas
    .sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls || b.row.totalMs - a.row.totalMs)
    .slice(0, limit)
    .map(({ row, calls, totalMs }): TopStatement => ({
      queryId: row.queryId,
      query: row.query,
      callsPerSecond: windowMs > 0 ? (calls * 1000) / windowMs : 0,
      calls,
      meanMs: calls > 0 ? totalMs / calls : row.meanMs,
      totalMs,
      shareOfTotal: allMs > 0 ? Math.min(1, totalMs / allMs) : 0,
    }));
  return { windowMs, statements };
}
