import { describe, expect, it } from 'vitest';
import type { PlannerSql } from '../../../main/planner/planner-types.ts';
import { DEMO_PLANNER_TABLES } from '../../../main/engine/demo-planner-tables.ts';
import { readColumnStats, selectivityStatsFrom, unanalyzedStats, type ColumnStatsRow } from '../../../main/planner/table-selectivity.ts';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

const ORIGIN: ColumnStatsRow = {
  attname: 'system_origin',
  nullFrac: 0,
  nDistinct: 6,
  mostCommonVals: ['api', 'web', 'batch'],
  mostCommonFreqs: [0.5, 0.2, 0.1],
  // The other 3 values share the remaining 0.2: 0.2 / (6 − 3) each.
};
const KIND: ColumnStatsRow = {
  attname: 'kind',
  nullFrac: 0,
  nDistinct: -0.0001, // 0.01 % of 100,000 rows = 10 distinct
  mostCommonVals: ['note', 'code'],
  mostCommonFreqs: [0.6, 0.2],
};
const CREATED: ColumnStatsRow = {
  attname: 'created_at',
  nullFrac: 0,
  nDistinct: -1,
  mostCommonVals: null,
  mostCommonFreqs: null,
  mostCommonMs: null,
  // Five equal-depth buckets over ten days, the last one wider: [0,2) [2,4) [4,6) [6,8) [8,10) days.
  histogramMs: [0, 2, 4, 6, 8, 10].map((d) => T0 + d * DAY),
};

describe('selectivity from pg_stats', () => {
  const stats = selectivityStatsFrom([ORIGIN, KIND, CREATED], 100_000, DEMO_PLANNER_TABLES);

  it('uses the MCV list, and shares the rest evenly over the other distinct values', () => {
    expect(stats.analyzed).toBe(true);
    expect(stats.note).toBeNull();
    expect(stats.selectivity({ origins: ['api'] })).toBeCloseTo(0.5);
    expect(stats.selectivity({ origins: ['api', 'web'] })).toBeCloseTo(0.7);
    expect(stats.selectivity({ origins: ['mail'] })).toBeCloseTo(0.2 / 3);
    expect(stats.selectivity({ kinds: ['image'] })).toBeCloseTo(0.2 / 8); // n_distinct −0.0001 × 100,000 = 10
    expect(stats.selectivity({})).toBe(1);
  });

  it('interpolates created_at ranges linearly inside histogram buckets', () => {
    expect(stats.selectivity({ since: new Date(T0 + 2 * DAY), until: new Date(T0 + 4 * DAY) })).toBeCloseTo(0.2);
    expect(stats.selectivity({ since: new Date(T0 + 3 * DAY) })).toBeCloseTo(0.7);
    expect(stats.selectivity({ until: new Date(T0 + 1 * DAY) })).toBeCloseTo(0.1);
    expect(stats.selectivity({ since: new Date(T0 - DAY), until: new Date(T0 + 20 * DAY) })).toBeCloseTo(1);
    expect(stats.selectivity({ since: new Date(T0 + 5 * DAY), until: new Date(T0 + 5 * DAY) })).toBe(0);
  });

  it('multiplies the columns (independence)', () => {
    const s = stats.selectivity({ origins: ['api'], kinds: ['note'], since: new Date(T0 + 8 * DAY) });
    expect(s).toBeCloseTo(0.5 * 0.6 * 0.2);
  });

  it('counts MCV timestamps exactly and scales the histogram by its share of rows', () => {
    const withMcv = selectivityStatsFrom(
      [{ ...CREATED, nullFrac: 0.1, mostCommonMs: [T0 + 5 * DAY], mostCommonFreqs: [0.3], histogramMs: [T0, T0 + 10 * DAY] }],
      1000,
      DEMO_PLANNER_TABLES,
    );
    // MCV 0.3 inside the range, histogram half of the remaining 0.6.
    expect(withMcv.selectivity({ since: new Date(T0 + 5 * DAY) })).toBeCloseTo(0.3 + 0.5 * 0.6);
    expect(withMcv.selectivity({ until: new Date(T0 + 5 * DAY) })).toBeCloseTo(0.5 * 0.6);
  });

  it('falls back to 1 and says so when the table was never analyzed or a column is missing', () => {
    const none = selectivityStatsFrom([], 0, DEMO_PLANNER_TABLES);
    expect(none.analyzed).toBe(false);
    expect(none.note).toMatch(/ANALYZE/);
    expect(none.selectivity({ origins: ['api'], kinds: ['note'] })).toBe(1);
    expect(unanalyzedStats(DEMO_PLANNER_TABLES).selectivity({ kinds: ['x'] })).toBe(1);

    const partial = selectivityStatsFrom([ORIGIN], 1000, DEMO_PLANNER_TABLES);
    expect(partial.note).toMatch(/kind, created_at/);
    expect(partial.selectivity({ origins: ['api'], kinds: ['note'] })).toBeCloseTo(0.5);
  });

  it('readColumnStats reads pg_stats and pg_class through the planner SQL interface', async () => {
    const calls: { text: string; values?: readonly unknown[] | undefined }[] = [];
    const sql: PlannerSql = {
      async query<R>(text: string, values?: readonly unknown[]) {
        calls.push({ text, values });
        if (text.includes('pg_class')) return { rows: [{ reltuples: 100_000 }] as R[] };
        return {
          rows: [
            {
              attname: 'system_origin',
              null_frac: 0,
              n_distinct: 6,
              mcv_text: ['api', 'web', 'batch'],
              mcv_freqs: [0.5, 0.2, 0.1],
              mcv_ms: null,
              histogram_ms: null,
            },
            {
              attname: 'created_at',
              null_frac: 0,
              n_distinct: -1,
              mcv_text: null,
              mcv_freqs: null,
              mcv_ms: [],
              histogram_ms: CREATED.histogramMs,
            },
          ] as R[],
        };
      },
    };
    const stats = await readColumnStats(sql, DEMO_PLANNER_TABLES);
    expect(calls.every((c) => c.values?.[0] === 'unified' && c.values?.[1] === 'chunks')).toBe(true);
    expect(stats.rows).toBe(100_000);
    expect(stats.selectivity({ origins: ['batch'], until: new Date(T0 + 2 * DAY) })).toBeCloseTo(0.1 * 0.2);
    expect(stats.note).toMatch(/kind/);

    const empty: PlannerSql = { query: async <R>() => ({ rows: [] as R[] }) };
    expect((await readColumnStats(empty, DEMO_PLANNER_TABLES)).analyzed).toBe(false);
  });

  it('reads the tables and columns it is configured with, not the demo names', async () => {
    const tables = {
      ...DEMO_PLANNER_TABLES,
      schema: 'docs',
      chunks: { ...DEMO_PLANNER_TABLES.chunks, table: 'passages', origin: 'source', kind: 'section', createdAt: 'written_at' },
    };
    const calls: (readonly unknown[] | undefined)[] = [];
    const sql: PlannerSql = {
      async query<R>(text: string, values?: readonly unknown[]) {
        calls.push(values);
        if (text.includes('pg_class')) return { rows: [{ reltuples: 10 }] as R[] };
        return {
          rows: [
            { attname: 'source', null_frac: 0, n_distinct: 2, mcv_text: ['a'], mcv_freqs: [0.25], mcv_ms: null, histogram_ms: null },
          ] as R[],
        };
      },
    };
    const stats = await readColumnStats(sql, tables);
    expect(calls).toContainEqual(['docs', 'passages', 'source', 'section', 'written_at']);
    expect(stats.selectivity({ origins: ['a'] })).toBeCloseTo(0.25);
    expect(stats.note).toMatch(/docs\.passages column\(s\) section, written_at/);
  });
});
