import { SqlSyntaxError, type SqlParser } from './pg-parser.ts';

/**
 * pg_stat_statements replaces every constant by `$n`, so `l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01` (TPC-H Q6)
 * becomes `BETWEEN $1 - $2 AND $3 + $4`. A parameter has no type of its own; with two of them around `-` the server
 * finds several operators that could apply and gives up ("operator is not unique: unknown - unknown"), so PREPARE and
 * EXPLAIN reject a statement that ran fine with its constants.
 *
 * The repair casts both operands of an arithmetic operator whose operands are both bare parameters to numeric:
 * what stood there were numeric constants (an arithmetic operator on two string literals would not have run either),
 * and numeric is the type every such constant fits (`1` is an integer, `0.06` a numeric, `1e3` a numeric too), while
 * an integer cast would reject `0.06`. Numeric arithmetic compares with integer, numeric and float columns through
 * the usual implicit casts. Where only an integer can stand (a LIMIT of `$1 + $2`) the server still rejects the
 * text: that statement is reported, as before, rather than planned with a guessed meaning.
 *
 * Found in PostgreSQL's parse tree (an `A_Expr` operator node whose `lexpr` and `rexpr` are `ParamRef`s), written
 * at the parameters' token offsets, and kept only when the result parses.
 */

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '^']);

const CAST = '::numeric';

interface ParamRefNode {
  number?: number;
  location?: number;
}

/** Byte offsets of every parameter that is one operand of an arithmetic operator whose other operand is one too. */
export function untypedArithmeticParameters(tree: unknown): number[] {
  const found: number[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'A_Expr') {
        const expr = value as { kind?: string; name?: { String?: { sval?: string } }[]; lexpr?: unknown; rexpr?: unknown };
        const op = expr.name?.length === 1 ? expr.name[0]?.String?.sval : undefined;
        const left = paramRef(expr.lexpr);
        const right = paramRef(expr.rexpr);
        if (expr.kind === 'AEXPR_OP' && op !== undefined && ARITHMETIC.has(op) && left && right) {
          found.push(left.location!, right.location!);
        }
      }
      visit(value);
    }
  };
  visit(tree);
  return found;
}

function paramRef(node: unknown): ParamRefNode | null {
  const ref = (node as { ParamRef?: ParamRefNode } | undefined)?.ParamRef;
  return ref && typeof ref.location === 'number' ? ref : null;
}

/**
 * `sql` with the parameters of untyped arithmetic (`$1 - $2`) cast to numeric (`$1::numeric - $2::numeric`), when
 * there are such and the result parses; otherwise null.
 */
export function repairUntypedArithmetic(parser: SqlParser, sql: string): string | null {
  let locations: number[];
  let tokens: ReturnType<SqlParser['scan']>['tokens'];
  try {
    locations = untypedArithmeticParameters(parser.parse(sql));
    if (locations.length === 0) return null;
    tokens = parser.scan(sql).tokens;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
  // Parse-tree locations and the lexer's offsets both count UTF-8 bytes.
  const bytes = Buffer.from(sql, 'utf8');
  const ends = [...new Set(locations)]
    .map((at) => tokens.find((t) => t.start === at && t.tokenName === 'PARAM')?.end)
    .filter((end): end is number => end !== undefined)
    .sort((a, b) => a - b);
  if (ends.length === 0) return null;
  let repaired = '';
  let copiedUpTo = 0;
  for (const end of ends) {
    repaired += bytes.toString('utf8', copiedUpTo, end) + CAST;
    copiedUpTo = end;
  }
  repaired += bytes.toString('utf8', copiedUpTo);
  try {
    parser.parse(repaired);
    return repaired;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
}
