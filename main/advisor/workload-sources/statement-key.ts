import { SqlSyntaxError, type SqlParser } from '../../sql/pg-parser.ts';

/** Every relation a parse tree names (schema-qualified as written), found by walking every node. */
function relations(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) relations(child, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'RangeVar') {
      const v = value as { schemaname?: string; relname?: string };
      out.add(`${v.schemaname ?? ''}.${v.relname ?? ''}`);
    }
    relations(value, out);
  }
}

/**
 * Which texts are the same statement, for grouping a file's, a log's or samples' statements and matching them with
 * pg_stat_statements': PostgreSQL's fingerprint (libpg_query's: the same up to constants, comments, whitespace and
 * the length of IN lists), plus the relations it names. The fingerprint alone ignores a number at the end of a
 * table's or schema's name (`orders_12` and `orders_22` are one statement to it, made for partitions and temporary
 * tables), and an index is for one table. A text the parser rejects is its own key.
 */
export function statementKey(parser: SqlParser, sql: string): string {
  try {
    const fingerprint = parser.fingerprint(sql);
    const named = new Set<string>();
    relations(parser.parse(sql), named);
    return `fp:${fingerprint}:${[...named].sort().join(',')}`;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return `text:${sql.trim()}`;
    throw error;
  }
}
