import { applyByteEdits, type ByteEdit } from './byte-edits.ts';
import { SqlSyntaxError, type SqlParser } from './pg-parser.ts';
import { forEachNode } from './parse-tree-walk.ts';

/**
 * `EXTRACT(year FROM o_orderdate)` is parsed into a call with the field as a string constant, so pg_stat_statements
 * shows it as `extract($1 from o_orderdate)` (TPC-H Q7, Q8, Q9). PostgreSQL's grammar allows only a field name or a
 * string literal before FROM there: the text is a syntax error to PREPARE and EXPLAIN.
 *
 * The repair writes the same call in function form, `pg_catalog.date_part($1::text, o_orderdate)`: date_part is what
 * EXTRACT was before PostgreSQL 14 and still exists on every version, whereas the function form of extract itself,
 * `pg_catalog.extract(text, …)`, exists only from 14 on. The two differ in their result (double precision against
 * numeric from 14 on), not in what the statement reads or how, which is what the plan is for. The parameter keeps
 * its number, so the statement's parameters stay $1…$n with no gap (a gap is an error of its own).
 *
 * Found in the parse tree (a `pg_catalog.extract` call in SQL syntax whose field is a `ParamRef`) and the lexer's
 * tokens (the call's keyword, the parameter, the FROM after it), kept only when the result parses.
 */

interface FuncCallNode {
  funcname?: { String?: { sval?: string } }[];
  args?: unknown[];
  funcformat?: string;
  location?: number;
}

/** The `extract($n from …)` calls of a parse tree: each call's and its field parameter's byte offsets. */
export function extractFieldParameters(tree: unknown): { call: number; param: number }[] {
  const found: { call: number; param: number }[] = [];
  forEachNode(tree, (key, value) => {
    if (key !== 'FuncCall') return;
    const call = value as FuncCallNode;
    const names = (call.funcname ?? []).map((n) => n.String?.sval);
    const field = (call.args?.[0] as { ParamRef?: { location?: number } } | undefined)?.ParamRef;
    if (
      call.funcformat === 'COERCE_SQL_SYNTAX' &&
      names.join('.') === 'pg_catalog.extract' &&
      typeof call.location === 'number' &&
      typeof field?.location === 'number'
    ) {
      found.push({ call: call.location, param: field.location });
    }
  });
  return found;
}

/** `sql` with every `extract($n from x)` written `pg_catalog.date_part($n::text, x)`, when there is one and the result parses; else null. */
export function repairExtractField(parser: SqlParser, sql: string): string | null {
  try {
    const calls = extractFieldParameters(parser.parse(sql));
    if (calls.length === 0) return null;
    const tokens = parser.scan(sql).tokens;
    const edits: ByteEdit[] = [];
    for (const { call, param } of calls) {
      const keyword = tokens.find((t) => t.start === call);
      const at = tokens.findIndex((t) => t.start === param && t.tokenName === 'PARAM');
      const from = tokens[at + 1];
      if (!keyword || keyword.text.toLowerCase() !== 'extract' || at < 0 || from?.text.toLowerCase() !== 'from') return null;
      const p = tokens[at]!;
      edits.push({ start: keyword.start, end: keyword.end, text: 'pg_catalog.date_part' });
      edits.push({ start: p.end, end: from.end, text: '::text,' });
    }
    const repaired = applyByteEdits(sql, edits);
    parser.parse(repaired);
    return repaired;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
}
