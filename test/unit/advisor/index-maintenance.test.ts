import { describe, expect, it } from 'vitest';
import type { ExistingIndex } from '../../../main/advisor/existing-indexes.ts';
import { indexedColumns, maintenanceCost, type TableWrites } from '../../../main/advisor/index-maintenance.ts';
import type { IndexSpec } from '../../../main/advisor/index-spec.ts';
import { DEFAULT_COST_SETTINGS, columnInfo, existingIndex, tableInfo } from '../../support/advisor-tables.ts';

const readings = tableInfo('public', 'readings', [columnInfo('id'), columnInfo('site'), columnInfo('value'), columnInfo('flag')]);
const btree = (columns: string[], fields: Partial<IndexSpec> = {}): IndexSpec => ({
  schema: 'public',
  table: 'readings',
  columns: columns.map((name) => ({ name, direction: 'asc' as const })),
  include: [],
  method: 'btree',
  predicate: null,
  ...fields,
});
const inserts = (rows: number, calls = rows): TableWrites => ({ writes: [{ sets: null, rows, calls }] });
const updates = (columns: string[], rows: number): TableWrites => ({ writes: [{ sets: new Set(columns), rows, calls: rows }] });
const cost = (spec: IndexSpec, w: TableWrites | undefined, share = 1, elsewhere: ReadonlySet<string> | 'all' = new Set()) =>
  maintenanceCost(spec, readings, w, DEFAULT_COST_SETTINGS, share, elsewhere);

describe("an index's upkeep under the workload's writes", () => {
  it('is nothing without writes, and grows with the rows inserted', async () => {
    expect(await cost(btree(['site']), undefined)).toBe(0);
    expect(await cost(btree(['site']), { writes: [] })).toBe(0);
    const one = await cost(btree(['site']), inserts(1));
    // One entry: a descent (log2 of a million comparisons, 50 operators per level), a tuple, and its page written.
    expect(one).toBeGreaterThan(DEFAULT_COST_SETTINGS.randomPageCost);
    expect(one).toBeLessThan(DEFAULT_COST_SETTINGS.randomPageCost + 1);
    expect(await cost(btree(['site']), inserts(1000))).toBeCloseTo(1000 * one, 6);
  });

  it("charges a batch at most the index's leaf pages per call, where single-row calls pay a page each", async () => {
    // 10,000 rows of 24-byte entries: about 33 leaf pages.
    const small = tableInfo('public', 'readings', [columnInfo('site')], { reltuples: 10_000 });
    const upkeep = (w: TableWrites) => maintenanceCost(btree(['site']), small, w, DEFAULT_COST_SETTINGS, 1);
    const single = await upkeep(inserts(1000, 1000));
    const batch = await upkeep(inserts(1000, 1));
    expect(single - batch).toBeGreaterThan(900 * DEFAULT_COST_SETTINGS.randomPageCost);
    expect(single - batch).toBeLessThan(1000 * DEFAULT_COST_SETTINGS.randomPageCost);
  });

  it("charges an UPDATE only to indexes on a column it sets (or the predicate's), unless it sets another index's column", async () => {
    const updatesValue = updates(['value'], 100);
    expect(await cost(btree(['site']), updatesValue)).toBe(0);
    expect(await cost(btree(['value']), updatesValue)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { include: ['value'] }), updatesValue)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { predicate: '"value" > 3' }), updatesValue, 0.5)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { predicate: '"flag" IS NULL' }), updatesValue, 0.5)).toBe(0);
    // An existing index on value makes the update non-HOT: it adds an entry to every index, the new one too.
    expect(await cost(btree(['site']), updatesValue, 1, new Set(['value']))).toBeGreaterThan(0);
    expect(await cost(btree(['site']), updatesValue, 1, 'all')).toBeGreaterThan(0);
  });

  it('charges a partial index the share of rows its predicate holds, and a BRIN one comparison a row', async () => {
    const full = await cost(btree(['site']), inserts(1000));
    const partial = await cost(btree(['site'], { predicate: '"flag" IS NULL' }), inserts(1000), 0.1);
    expect(partial).toBeLessThan(full * 0.11);
    expect(partial).toBeGreaterThan(full * 0.09);
    expect(await cost(btree(['id'], { method: 'brin' }), inserts(1000))).toBeCloseTo(1000 * DEFAULT_COST_SETTINGS.cpuOperatorCost, 9);
  });

  it("reads the columns of a table's existing indexes: keys, INCLUDE and predicates; 'all' for an expression key", async () => {
    const index = (fields: Partial<ExistingIndex>) => existingIndex('public', 'readings', fields);
    const columns = await indexedColumns(
      [
        index({}),
        index({ include: ['value'], predicate: '(flag IS NOT NULL)' }),
        index({ table: 'other', keys: [{ name: 'x', direction: 'asc' }] }),
      ],
      'public',
      'readings',
    );
    expect(columns).toEqual(new Set(['id', 'value', 'flag']));
    expect(await indexedColumns([index({ keys: [null] })], 'public', 'readings')).toBe('all');
  });
});
