import { createHash } from 'node:crypto';
import { quoteIdent, quoteQualified } from '../sql/identifiers.ts';

/** An index as the advisor proposes it and the builder builds it: enough to write its DDL. */
export interface IndexSpec {
  schema: string;
  table: string;
  /** Key columns in order, each with its sort direction. */
  columns: readonly { name: string; direction: 'asc' | 'desc' }[];
  /** Covering columns (`INCLUDE`), B-tree only; empty for none. */
  include: readonly string[];
  method: 'btree' | 'brin';
  /**
   * A partial index's condition as SQL over the table's columns, identifiers already quoted (the advisor builds
   * it from a plan's constant predicate); null for a full index.
   */
  predicate: string | null;
  /** CREATE UNIQUE INDEX (B-tree only); absent or false for a plain index. */
  unique?: boolean;
}

/** PostgreSQL truncates identifiers at 63 bytes; ours stay within it. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The index's deterministic name: `hp_<table>_<columns>` trimmed to fit, plus a hash of the whole definition, so
 * the same proposal always gets the same name (a retry finds its own earlier attempt, valid or not) and two
 * different definitions never collide. Only [a-z0-9_] from the user's names is kept, for readability; the hash
 * keeps it unique.
 */
export function indexName(spec: IndexSpec): string {
  // `unique` joins the hashed definition only when set, so every non-unique index keeps the name it always had.
  const parts: unknown[] = [spec.schema, spec.table, spec.columns, spec.include, spec.method, spec.predicate];
  if (spec.unique) parts.push('unique');
  const definition = JSON.stringify(parts);
  const hash = createHash('sha1').update(definition).digest('hex').slice(0, 8);
  const readable = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const stem = ['hp', readable(spec.table), ...spec.columns.map((c) => readable(c.name)), spec.method === 'brin' ? 'brin' : '']
    .filter(Boolean)
    .join('_');
  const room = MAX_IDENTIFIER_BYTES - hash.length - 1;
  return `${stem.slice(0, room).replace(/_+$/, '')}_${hash}`;
}

/** `CREATE [UNIQUE] INDEX CONCURRENTLY name ON schema.table USING method (cols) [INCLUDE (...)] [WHERE ...]`; never IF NOT EXISTS. */
export function createIndexDdl(spec: IndexSpec, name = indexName(spec)): string {
  if (spec.columns.length === 0) throw new Error('An index needs at least one column.');
  if (spec.method === 'brin' && (spec.include.length > 0 || spec.columns.some((c) => c.direction === 'desc'))) {
    throw new Error('A BRIN index has no sort order and no INCLUDE columns.');
  }
  if (spec.unique && spec.method !== 'btree') throw new Error('Only a B-tree index can be UNIQUE.');
  const keys = spec.columns.map((c) => `${quoteIdent(c.name)}${c.direction === 'desc' ? ' DESC' : ''}`).join(', ');
  const include = spec.include.length > 0 ? ` INCLUDE (${spec.include.map(quoteIdent).join(', ')})` : '';
  const where = spec.predicate ? ` WHERE ${spec.predicate}` : '';
  return `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${quoteIdent(name)} ON ${quoteQualified(spec.schema, spec.table)} USING ${spec.method} (${keys})${include}${where}`;
}

/** `DROP INDEX CONCURRENTLY schema.name`: how a rollback removes an index Hotpath built. */
export function dropIndexDdl(schema: string, name: string): string {
  return `DROP INDEX CONCURRENTLY ${quoteQualified(schema, name)}`;
}
