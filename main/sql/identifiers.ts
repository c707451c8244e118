import pg from 'pg';

/**
 * The one place where identifiers enter SQL text. Every schema, table, column and
 * index name is quoted here (by `pg`'s own escaping), never pasted.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('An SQL identifier cannot be empty.');
  if (name.includes('\0')) throw new Error(`An SQL identifier cannot contain a NUL byte: ${JSON.stringify(name)}`);
  return pg.escapeIdentifier(name);
}

/** `schema.name`, each part quoted. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
