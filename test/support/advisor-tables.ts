import type { ExistingIndex } from '../../main/advisor/existing-indexes.ts';
import type { ColumnInfo, CostSettings, TableInfo } from '../../main/advisor/table-stats.ts';

/** A column as pg_stats might describe it: B-tree-able, 8 bytes wide, no nulls, no most-common values, unless told. */
export function columnInfo(name: string, fields: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, btree: true, avgWidth: 8, nullFrac: 0, nDistinct: 1000, mcvFreqSum: 0, mcvCount: 0, correlation: 0, ...fields };
}

/** A table with these columns; sizes and write counters as given, else a million-row table nobody writes. */
export function tableInfo(schema: string, table: string, columns: readonly ColumnInfo[], fields: Partial<TableInfo> = {}): TableInfo {
  return {
    schema,
    table,
    reltuples: 1_000_000,
    relpages: 20_000,
    allVisibleFraction: 0,
    rowBytes: 120,
    writesPerSecond: 0,
    writeShare: 0,
    ...fields,
    columns: new Map(columns.map((c) => [c.name, c])),
  };
}

/** PostgreSQL's default planner cost constants. */
export const DEFAULT_COST_SETTINGS: CostSettings = {
  seqPageCost: 1,
  randomPageCost: 4,
  cpuTupleCost: 0.01,
  cpuIndexTupleCost: 0.005,
  cpuOperatorCost: 0.0025,
};

/** An existing, valid, plain B-tree of `schema.table` on `id`, as pg_index describes it, unless told. */
export function existingIndex(schema: string, table: string, fields: Partial<ExistingIndex> = {}): ExistingIndex {
  return {
    schema,
    table,
    name: 'i',
    method: 'btree',
    keys: [{ name: 'id', direction: 'asc' }],
    include: [],
    predicate: null,
    valid: true,
    unique: false,
    primary: false,
    constraint: false,
    scans: 0,
    sizeBytes: 8192,
    definition: '',
    statsSince: new Date(0),
    ...fields,
  };
}
