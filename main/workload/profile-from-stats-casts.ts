/**
 * pg_stat_statements turns every constant into a parameter, and the server may then fail to infer their types
 * where the constants had their own (`l_discount BETWEEN 0.05 - 0.01 AND …` becomes `$4 - $5`: "operator is not
 * unique: unknown - unknown"). When the server's PREPARE fails, the parameters bound to a column are written as
 * casts to that column's type (`$4::numeric - $5`), which is what the original constants meant as far as the
 * comparison goes, and the statement is prepared again. Found with PostgreSQL's lexer (a `$4` in a string or a
 * comment is never touched) and kept only when the result parses.
 */
import { SqlSyntaxError, type SqlParser } from '../sql/pg-parser.ts';

/** `sql` with each `$n` of `types` (number → type name) cast to it, unless already cast; null when nothing changed. */
export function castParameters(parser: SqlParser, sql: string, types: ReadonlyMap<number, string>): string | null {
  let tokens: ReturnType<SqlParser['scan']>['tokens'];
  try {
    tokens = parser.scan(sql).tokens;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
  // The lexer's offsets count UTF-8 bytes.
  const bytes = Buffer.from(sql, 'utf8');
  let result = '';
  let copiedUpTo = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.tokenName !== 'PARAM') continue;
    const type = types.get(Number(token.text.slice(1)));
    if (type === undefined || tokens[i + 1]?.text === '::') continue;
    result += `${bytes.toString('utf8', copiedUpTo, token.end)}::${type}`;
    copiedUpTo = token.end;
  }
  if (copiedUpTo === 0) return null;
  result += bytes.toString('utf8', copiedUpTo);
  try {
    parser.parse(result);
    return result;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
}
