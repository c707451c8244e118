import type { SuppliedStatement } from '../advisor-types.ts';
import { SqlSyntaxError, loadSqlParser } from '../../sql/pg-parser.ts';
import { WorkloadSourceError } from './source-error.ts';
import { statementKey } from './statement-key.ts';

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The statements of a SQL file (`--statements FILE`), split where PostgreSQL's grammar ends them: the parse
 * result's statement offsets, so a `;` or `--` inside a string, a quoted name, a comment or a dollar-quoted body
 * is data, never a boundary. The same statement up to its constants (statementKey) counts once per occurrence;
 * its first text is kept, with its literals (they tell the planner more than placeholders). A file the grammar
 * rejects is refused whole, with the line and the parser's message: analyzing the part before the error would
 * drop the rest without a word.
 */
export async function statementsFromSqlFile(text: string, name: string): Promise<SuppliedStatement[]> {
  const parser = await loadSqlParser();
  let stmts: { stmt_location?: number; stmt_len?: number }[];
  try {
    stmts = parser.parse(text).stmts ?? [];
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    const where = error.position === null ? name : `${name}:${lineAt(text, error.position)}`;
    throw new WorkloadSourceError(
      `${where}: ${error.message}`,
      'The file must hold SQL statements as PostgreSQL reads them, separated by semicolons; fix or remove that statement.',
    );
  }
  // The parser's offsets count UTF-8 bytes.
  const bytes = Buffer.from(text, 'utf8');
  const byShape = new Map<string, SuppliedStatement>();
  for (const s of stmts) {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    const raw = bytes.subarray(start, end).toString('utf8');
    const sql = raw.trim();
    if (sql === '') continue;
    const offset = bytes.subarray(0, start).toString('utf8').length + (raw.length - raw.trimStart().length);
    const shape = statementKey(parser, sql);
    const seen = byShape.get(shape);
    if (seen) seen.calls += 1;
    else byShape.set(shape, { query: sql, calls: 1, source: `${name}:${lineAt(text, offset)}` });
  }
  return [...byShape.values()];
}
