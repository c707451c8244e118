import { describe, expect, it } from 'vitest';
import { maintenanceCost, type TableWrites } from '../../../main/advisor/index-maintenance.ts';
import type { IndexSpec } from '../../../main/advisor/index-spec.ts';
import { DEFAULT_COST_SETTINGS, columnInfo, tableInfo } from '../../support/advisor-tables.ts';

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
const writes = (fields: Partial<TableWrites>): TableWrites => ({ inserted: 0, updated: [], ...fields });
const cost = (spec: IndexSpec, w: TableWrites | undefined, share = 1) => maintenanceCost(spec, readings, w, DEFAULT_COST_SETTINGS, share);

describe("an index's upkeep under the workload's writes", () => {
  it('is nothing without writes, and grows with the rows inserted', async () => {
    expect(await cost(btree(['site']), undefined)).toBe(0);
    expect(await cost(btree(['site']), writes({}))).toBe(0);
    const one = await cost(btree(['site']), writes({ inserted: 1 }));
    // One entry: a descent (log2 of a million comparisons, 50 operators per level) plus a tuple and a page write.
    expect(one).toBeGreaterThan(DEFAULT_COST_SETTINGS.randomPageCost);
    expect(one).toBeLessThan(DEFAULT_COST_SETTINGS.randomPageCost + 1);
    expect(await cost(btree(['site']), writes({ inserted: 1000 }))).toBeCloseTo(1000 * one, 6);
  });

  it("charges an UPDATE only to indexes on a column it sets (or the predicate's): the others stay HOT", async () => {
    const updatesValue = writes({ updated: [{ columns: new Set(['value']), rows: 100 }] });
    expect(await cost(btree(['site']), updatesValue)).toBe(0);
    expect(await cost(btree(['value']), updatesValue)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { include: ['value'] }), updatesValue)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { predicate: '"value" > 3' }), updatesValue, 0.5)).toBeGreaterThan(0);
    expect(await cost(btree(['site'], { predicate: '"flag" IS NULL' }), updatesValue, 0.5)).toBe(0);
  });

  it('charges a partial index the share of rows its predicate holds, and a BRIN one comparison a row', async () => {
    const inserts = writes({ inserted: 1000 });
    const full = await cost(btree(['site']), inserts);
    const partial = await cost(btree(['site'], { predicate: '"flag" IS NULL' }), inserts, 0.1);
    expect(partial).toBeLessThan(full * 0.11);
    expect(partial).toBeGreaterThan(full * 0.09);
    expect(await cost(btree(['id'], { method: 'brin' }), inserts)).toBeCloseTo(1000 * DEFAULT_COST_SETTINGS.cpuOperatorCost, 9);
  });
});
