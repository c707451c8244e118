import { loadSqlParser } from '../../../../main/sql/pg-parser.ts';
import { TPCH_TABLES, TPCH_TABLE_NAMES, type TpchTable } from './tpch-schema.ts';

/**
 * The TPC-H columns a query references, per table, read from PostgreSQL's parse tree (never from the text): the
 * "indexable columns" from which the index-selection study's algorithms build their candidates. TPC-H column names
 * are unique across its tables (each has its table's prefix), so a column reference, qualified by an alias or not,
 * names one table's column.
 */

const TABLE_OF_COLUMN = new Map<string, TpchTable>(
  TPCH_TABLE_NAMES.flatMap((table) => TPCH_TABLES[table].map((column) => [column.name, table] as const)),
);

function collectColumnNames(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectColumnNames(item, names);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'ColumnRef') {
      const fields = (value as { fields?: { String?: { sval?: string } }[] }).fields ?? [];
      const last = fields[fields.length - 1]?.String?.sval;
      if (last !== undefined) names.add(last);
    } else collectColumnNames(value, names);
  }
}

/** Table → the columns of it that `sql` references. */
export async function referencedColumns(sql: string): Promise<Map<string, Set<string>>> {
  const parser = await loadSqlParser();
  const names = new Set<string>();
  collectColumnNames(parser.parse(sql), names);
  const byTable = new Map<string, Set<string>>();
  for (const name of names) {
    const table = TABLE_OF_COLUMN.get(name);
    if (!table) continue;
    if (!byTable.has(table)) byTable.set(table, new Set());
    byTable.get(table)!.add(name);
  }
  return byTable;
}
