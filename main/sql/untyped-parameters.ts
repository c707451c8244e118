import { applyByteEdits } from './byte-edits.ts';
import { SqlSyntaxError, type SqlParser } from './pg-parser.ts';
import { forEachNode } from './parse-tree-walk.ts';

/**
 * pg_stat_statements replaces every constant by `$n`, so `l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01` (TPC-H Q6)
 * becomes `BETWEEN $1 - $2 AND $3 + $4`, and `sum(CASE WHEN … THEN 1 ELSE 0 END)` (Q12) becomes
 * `sum(CASE WHEN … THEN $3 ELSE $4 END)`. A parameter has no type of its own. With two of them around `-` the server
 * finds several operators that could apply and gives up ("operator is not unique: unknown - unknown"); a CASE whose
 * every result is a parameter resolves to text, and there is no sum(text). PREPARE and EXPLAIN reject a statement
 * that ran fine with its constants.
 *
 * The repair casts those parameters to numeric: what stood there were numeric constants (arithmetic on two string
 * literals, or a sum of them, would not have run either), and numeric is the type every such constant fits (`1` is
 * an integer, `0.06` a numeric, `1e3` a numeric too), while an integer cast would reject `0.06`. Numeric compares
 * with integer, numeric and float columns through the usual implicit casts; a sum of numeric is numeric where the
 * original's sum of integers was bigint, which changes no access path. Where only an integer can stand (a LIMIT of
 * `$1 + $2`) the server still rejects the text: that statement is reported (statement-checks.ts finds nothing to
 * object to there, so it reaches the server) rather than planned with a guessed meaning.
 *
 * Found in PostgreSQL's parse tree (an `A_Expr` arithmetic operator whose operands are both `ParamRef`s; a `CaseExpr`
 * whose results are all `ParamRef`s as the argument of sum or avg), written at the parameters' token offsets, and
 * kept only when the result parses.
 */

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '^']);
const SUMS = new Set(['sum', 'avg']);

const NUMERIC = '::numeric';
/** `$1 IS NULL` (once `'x' IS NULL`, or a NULL): any type answers the same; text is what an unknown literal becomes. */
const TEXT = '::text';

interface ParamRefNode {
  number?: number;
  location?: number;
}

type Node = Record<string, unknown>;

/**
 * Byte offsets of every parameter the server cannot type: both operands of an arithmetic operator when both are
 * parameters, and the results of a CASE summed or averaged when all of them are.
 */
export function untypedArithmeticParameters(tree: unknown): number[] {
  const found: number[] = [];
  forEachNode(tree, (key, value) => {
    if (key === 'A_Expr') found.push(...arithmeticOperands(value as Node));
    if (key === 'FuncCall') found.push(...summedCaseResults(value as Node));
  });
  return found;
}

/** Byte offsets of every parameter tested for NULL on its own (`$1 IS NULL`): "could not determine data type". */
export function untypedNullTests(tree: unknown): number[] {
  const found: number[] = [];
  forEachNode(tree, (key, value) => {
    const param = key === 'NullTest' ? paramRef((value as { arg?: unknown }).arg) : null;
    if (param) found.push(param.location!);
  });
  return found;
}

function arithmeticOperands(expr: { kind?: string; name?: { String?: { sval?: string } }[]; lexpr?: unknown; rexpr?: unknown }): number[] {
  const op = expr.name?.length === 1 ? expr.name[0]?.String?.sval : undefined;
  const left = paramRef(expr.lexpr);
  const right = paramRef(expr.rexpr);
  return expr.kind === 'AEXPR_OP' && op !== undefined && ARITHMETIC.has(op) && left && right ? [left.location!, right.location!] : [];
}

function summedCaseResults(call: { funcname?: { String?: { sval?: string } }[]; args?: unknown[] }): number[] {
  const names = (call.funcname ?? []).map((n) => n.String?.sval);
  const name = names.at(-1);
  if (name === undefined || !SUMS.has(name) || (names.length > 1 && names[0] !== 'pg_catalog') || call.args?.length !== 1) return [];
  const caseExpr = (call.args[0] as { CaseExpr?: { args?: { CaseWhen?: { result?: unknown } }[]; defresult?: unknown } }).CaseExpr;
  if (!caseExpr) return [];
  const results = [
    ...(caseExpr.args ?? []).map((w) => w.CaseWhen?.result),
    ...(caseExpr.defresult === undefined ? [] : [caseExpr.defresult]),
  ];
  const params = results.map(paramRef);
  return params.length > 0 && params.every((p) => p !== null) ? params.map((p) => p!.location!) : [];
}

function paramRef(node: unknown): ParamRefNode | null {
  const ref = (node as { ParamRef?: ParamRefNode } | undefined)?.ParamRef;
  return ref && typeof ref.location === 'number' ? ref : null;
}

/**
 * `sql` with the parameters the server cannot type cast: to numeric (`$1 - $2` → `$1::numeric - $2::numeric`,
 * `sum(CASE … THEN $3 ELSE $4 END)` → `sum(CASE … THEN $3::numeric ELSE $4::numeric END)`), to text when tested
 * for NULL alone (`$1 IS NULL` → `$1::text IS NULL`), when there are such and the result parses; otherwise null.
 */
export function repairUntypedArithmetic(parser: SqlParser, sql: string): string | null {
  try {
    const tree = parser.parse(sql);
    const casts = new Map<number, string>();
    for (const at of untypedArithmeticParameters(tree)) casts.set(at, NUMERIC);
    for (const at of untypedNullTests(tree)) casts.set(at, TEXT);
    if (casts.size === 0) return null;
    const params = parser.scan(sql).tokens.filter((t) => t.tokenName === 'PARAM' && casts.has(t.start));
    if (params.length === 0) return null;
    const repaired = applyByteEdits(
      sql,
      params.map((t) => ({ start: t.end, end: t.end, text: casts.get(t.start)! })),
    );
    parser.parse(repaired);
    return repaired;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
}
