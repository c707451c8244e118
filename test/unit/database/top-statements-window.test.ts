import { describe, expect, it } from 'vitest';
import { summarize, type Sample } from '../../../main/database/top-statements.ts';
import type { StatementCounters } from '../../../main/database/pg-stat-statements-source.ts';

const row = (queryId: string, calls: number, totalMs: number): StatementCounters => ({
  queryId,
  query: `q${queryId}`,
  calls,
  totalMs,
  meanMs: calls > 0 ? totalMs / calls : 0,
});
const sample = (at: number, rows: StatementCounters[]): Sample => ({ at, byId: new Map(rows.map((r) => [r.queryId, r])) });

describe('top statements window arithmetic', () => {
  it('on the first sample has no window: rates 0, means and shares since the reset', () => {
    const { windowMs, statements } = summarize([row('1', 10, 100), row('2', 5, 300)], null, 1000, 10);
    expect(windowMs).toBe(0);
    expect(statements).toEqual([
      { queryId: '2', query: 'q2', callsPerSecond: 0, calls: 5, meanMs: 60, totalMs: 300, shareOfTotal: 0.75 },
      { queryId: '1', query: 'q1', callsPerSecond: 0, calls: 10, meanMs: 10, totalMs: 100, shareOfTotal: 0.25 },
    ]);
  });

  it('diffs against the previous sample: calls/s, mean and share over the window', () => {
    const before = sample(1000, [row('1', 10, 100), row('2', 5, 300)]);
    const { windowMs, statements } = summarize([row('1', 30, 140), row('2', 5, 300), row('3', 2, 60)], before, 3000, 10);
    expect(windowMs).toBe(2000);
    expect(statements).toEqual([
      { queryId: '3', query: 'q3', callsPerSecond: 1, calls: 2, meanMs: 30, totalMs: 60, shareOfTotal: 0.6 },
      { queryId: '1', query: 'q1', callsPerSecond: 10, calls: 20, meanMs: 2, totalMs: 40, shareOfTotal: 0.4 },
      // Idle in the window: no rate, its mean since the reset.
      { queryId: '2', query: 'q2', callsPerSecond: 0, calls: 0, meanMs: 60, totalMs: 0, shareOfTotal: 0 },
    ]);
  });

  it('treats fewer calls than before as a reset: what is counted now happened in the window', () => {
    const { statements } = summarize([row('1', 4, 8)], sample(0, [row('1', 100, 1000)]), 1000, 10);
    expect(statements[0]).toMatchObject({ calls: 4, callsPerSecond: 4, totalMs: 8, meanMs: 2, shareOfTotal: 1 });
  });

  it('keeps the busiest `limit` statements', () => {
    const { statements } = summarize([row('1', 1, 1), row('2', 1, 3), row('3', 1, 2)], null, 0, 2);
    expect(statements.map((s) => s.queryId)).toEqual(['2', '3']);
  });
});
