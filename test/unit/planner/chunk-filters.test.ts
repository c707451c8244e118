import { describe, expect, it } from 'vitest';
import { FilterColumnsBuilder, hasFilters } from '../../../main/planner/chunk-filters.ts';
import type { HybridFilters } from '../../../main/planner/planner-types.ts';

/** created_at values in whole microseconds: one exactly on a millisecond, one 1 µs either side of it. */
const ON_MS = Date.UTC(2026, 0, 31, 12, 0, 0, 0) * 1000;
const ROWS = [
  { origin: 'email', kind: 'message', createdAtMicros: ON_MS - 1 },
  { origin: 'email', kind: 'code', createdAtMicros: ON_MS },
  { origin: 'github', kind: 'code', createdAtMicros: ON_MS + 1 },
  { origin: null, kind: 'code', createdAtMicros: ON_MS + 5_000 },
  { origin: 'slack', kind: null, createdAtMicros: null },
];

/** What PostgreSQL answers for `WHERE system_origin = ANY(…) AND kind = ANY(…) AND created_at >= since AND created_at < until`. */
function sqlSemantics(row: (typeof ROWS)[number], filters: HybridFilters): boolean {
  // Any comparison with NULL is NULL, which WHERE treats as false.
  if (filters.origins && (row.origin === null || !filters.origins.includes(row.origin))) return false;
  if (filters.kinds && (row.kind === null || !filters.kinds.includes(row.kind))) return false;
  if (filters.since && (row.createdAtMicros === null || row.createdAtMicros < filters.since.getTime() * 1000)) return false;
  if (filters.until && (row.createdAtMicros === null || row.createdAtMicros >= filters.until.getTime() * 1000)) return false;
  return true;
}

describe('ChunkFilterColumns', () => {
  const builder = new FilterColumnsBuilder();
  for (const row of ROWS) builder.push(row);
  const columns = builder.build();
  const at = new Date(ON_MS / 1000);
  const cases: HybridFilters[] = [
    {},
    { origins: ['email'] },
    { origins: ['email', 'github'], kinds: ['code'] },
    { origins: ['never-seen'] },
    { origins: ['never-seen', 'slack'] },
    { kinds: ['code'] },
    { since: at },
    { until: at },
    { since: at, until: new Date(ON_MS / 1000 + 1) },
    { origins: ['email', 'github', 'slack'], since: new Date(0) },
  ];

  it.each(cases.map((filters) => [JSON.stringify(filters), filters] as const))(
    'decides %s as SQL would, NULLs and microsecond bounds included',
    (_, filters) => {
      const compiled = columns.compile(filters);
      const expected = ROWS.flatMap((row, i) => (sqlSemantics(row, filters) ? [i] : []));
      expect(ROWS.map((_, i) => i).filter((i) => columns.passes(i, compiled))).toEqual(expected);
      expect(Array.from(columns.rowsPassing(compiled))).toEqual(expected);
    },
  );

  it('has time bounds that split microseconds exactly: since inclusive, until exclusive', () => {
    expect(Array.from(columns.rowsPassing(columns.compile({ since: at })))).toEqual([1, 2, 3]);
    expect(Array.from(columns.rowsPassing(columns.compile({ until: at })))).toEqual([0]);
  });

  it('tells filtered queries from unfiltered ones', () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ until: at })).toBe(true);
    expect(hasFilters({ kinds: ['code'] })).toBe(true);
  });
});
