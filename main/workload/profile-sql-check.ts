/**
 * Static checks on the SQL of a workload template: one statement, read-only, and which `$N` placeholders it
 * uses. The SQL is read by PostgreSQL's own parser (main/sql/pg-parser.ts), so a `;`, a `$1`, a `--` or a
 * `DELETE` inside a string literal, a quoted name or a comment is what the server would make of it, never the
 * real thing.
 *
 * The rules: exactly one statement, a SelectStmt (SELECT, VALUES, TABLE, a set operation, WITH … SELECT) with
 * no INTO, no row locks (FOR UPDATE/SHARE) and no data-modifying statement anywhere inside (a WITH's CTEs). The
 * placeholders are the ParamRef nodes of the tree.
 *
 * This gives the profile author a precise error at load time. It is not the guarantee: a SELECT can still call
 * a function that writes. The workload's sessions are read-only, and a statement that switches that off fails
 * and loses its connection (see main/pool/read-only-guard.ts).
 */
import { SqlSyntaxError, loadSqlParser, type SqlParser } from '../sql/pg-parser.ts';

export interface SqlProblem {
  message: string;
  /** Offset in the SQL text the problem points at. */
  offset: number;
}

export interface SqlCheck {
  problems: SqlProblem[];
  /** Distinct placeholder numbers used (`$1` → 1), ascending. */
  parameters: number[];
}

/** Said wherever a write is refused, so nobody reads this check as the only safeguard. */
export const READ_ONLY_NOTE = 'the workload also runs every request in a read-only session';

const WRITING_STATEMENTS: Record<string, string> = { InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE' };
const LOCKS: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

let parser: SqlParser | null = null;

/** Loads PostgreSQL's parser (WebAssembly, once); `checkReadOnlySql` and profile parsing need it loaded. */
export async function loadSqlCheck(): Promise<void> {
  parser ??= await loadSqlParser();
}

interface Token {
  start: number;
  end: number;
  text: string;
  tokenName: string;
}

/**
 * The parser's offsets count UTF-8 bytes; JavaScript strings count UTF-16 units. Maps one to the other
 * (identity for ASCII text, the common case).
 */
function characterOffsets(sql: string): (byteOffset: number) => number {
  if (Buffer.byteLength(sql, 'utf8') === sql.length) return (offset) => offset;
  const bytes = Buffer.from(sql, 'utf8');
  return (offset) => bytes.subarray(0, Math.max(0, offset)).toString('utf8').length;
}

/** The server's error cursor counts characters (code points); a JavaScript string counts UTF-16 units. */
function codePointsToUnits(sql: string, codePoints: number): number {
  let units = 0;
  for (let i = 0; i < codePoints && units < sql.length; i += 1) units += sql.codePointAt(units)! > 0xffff ? 2 : 1;
  return units;
}

function snippet(sql: string, offset: number): string {
  const text = sql
    .slice(offset, offset + 30)
    .replace(/\s+/g, ' ')
    .trim();
  return offset + 30 < sql.length ? `${text}…` : text;
}

/** Every node of a parse tree, with the name of its type (`SelectStmt`, `ParamRef` …). */
function* nodes(value: unknown): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (/^[A-Z]/.test(key) && child !== null && typeof child === 'object' && !Array.isArray(child))
        yield [key, child as Record<string, unknown>];
      yield* nodes(child);
    }
  }
}

const EMPTY_MESSAGE = 'must not be empty: write one SELECT (or WITH, VALUES, TABLE) statement';

/** The statement's tokens (comments left out, offsets in characters) and how to point at one of them. */
interface TokenView {
  sql: string;
  tokens: Token[];
  toChars: (byteOffset: number) => number;
  /** The statement's first token: where a problem points when nothing better is found. */
  first: Token;
  /** The first token at or after `from` (with this text, upper-cased, when given), else the first token. */
  at(from: number, text?: string): Token;
}

function tokenView(sql: string, tokens: Token[], toChars: (byteOffset: number) => number): TokenView {
  const find = (from: number, text?: string): Token | undefined =>
    tokens.find((t) => t.start >= from && (text === undefined || t.text.toUpperCase() === text));
  const first = find(0)!;
  return { sql, tokens, toChars, first, at: (from, text) => find(from, text) ?? first };
}

/** The parse tree and the tokens, or the syntax error as the check's answer. */
function parseAndScan(
  sqlParser: SqlParser,
  sql: string,
  toChars: (byteOffset: number) => number,
): { tree: ReturnType<SqlParser['parse']>; tokens: Token[] } | SqlCheck {
  try {
    const tree = sqlParser.parse(sql);
    const tokens = (sqlParser.scan(sql).tokens as Token[])
      .filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT')
      .map((t) => ({ ...t, start: toChars(t.start), end: toChars(t.end) }));
    return { tree, tokens };
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    const offset = Math.min(sql.length, codePointsToUnits(sql, Math.max(0, error.position ?? 0)));
    return { problems: [{ message: `is not valid SQL: ${error.message}`, offset }], parameters: [] };
  }
}

/** Checks that `sql` is one read-only statement and collects its `$N` placeholders. */
export function checkReadOnlySql(sql: string): SqlCheck {
  if (!parser) throw new Error("The SQL check needs PostgreSQL's parser: await loadSqlCheck() first.");
  if (/^\s*$/.test(sql)) return { problems: [{ message: EMPTY_MESSAGE, offset: 0 }], parameters: [] };
  const toChars = characterOffsets(sql);
  const read = parseAndScan(parser, sql, toChars);
  if ('problems' in read) return read;
  const statements = read.tree.stmts ?? [];
  const problems: SqlProblem[] = [];
  const first = statements[0];
  if (!first) return { problems: [{ message: EMPTY_MESSAGE, offset: 0 }], parameters: [] };
  const view = tokenView(sql, read.tokens, toChars);

  if (statements.length > 1) {
    const next = view.at(toChars(statements[1]!.stmt_location ?? 0));
    problems.push({ message: `must be a single statement, but more follows the ";": "${snippet(sql, next.start)}"`, offset: next.start });
  }
  const [kind, body] = Object.entries(first.stmt ?? {})[0] ?? ['', {}];
  if (kind !== 'SelectStmt') {
    problems.push(notASelect(kind, view));
    return { problems, parameters: parameters(body) };
  }
  for (const [type, node] of nodes(first.stmt)) {
    const problem = writeProblem(type, node, first.stmt, view);
    if (problem) problems.push(problem);
  }
  const used = parameters(first.stmt);
  if (used[0] === 0) {
    const at = read.tokens.find((t) => t.text === '$0') ?? view.first;
    problems.push({ message: 'uses $0, which is not a placeholder: they are numbered from $1', offset: at.start });
    used.shift();
  }
  return { problems, parameters: used };
}

/** The problem with a statement that is not a SELECT: a write (pointed at its verb after a WITH) or anything else. */
function notASelect(kind: string, view: TokenView): SqlProblem {
  const verb = WRITING_STATEMENTS[kind];
  if (verb && view.first.text.toUpperCase() === 'WITH') {
    const at = view.at(0, verb);
    return {
      message: `must be read-only, but is ${verb === 'INSERT' ? 'an' : 'a'} ${verb} ("${snippet(view.sql, at.start)}"; ${READ_ONLY_NOTE})`,
      offset: at.start,
    };
  }
  return {
    message: `must be one read-only statement starting with SELECT, WITH, VALUES or TABLE, got "${view.first.text.toUpperCase()}" (${READ_ONLY_NOTE})`,
    offset: view.first.start,
  };
}

/** The problem one node of a SELECT's tree makes: a data-modifying CTE, an INTO, a row lock; null for the rest. */
function writeProblem(type: string, node: Record<string, unknown>, statement: unknown, view: TokenView): SqlProblem | null {
  const verb = WRITING_STATEMENTS[type];
  if (verb) {
    // Inside a CTE: the CTE's location is its name; the statement's keyword follows it.
    const cte = [...nodes(statement)].find(([t, n]) => t === 'CommonTableExpr' && [...nodes(n)].some(([, inner]) => inner === node));
    const from = typeof cte?.[1]['location'] === 'number' ? view.toChars(cte[1]['location']) : 0;
    const at = view.at(from, verb);
    return { message: `must be read-only, but uses ${verb} ("${snippet(view.sql, at.start)}"; ${READ_ONLY_NOTE})`, offset: at.start };
  }
  if (type === 'SelectStmt' && node['intoClause']) {
    const at = view.at(0, 'INTO');
    return {
      message: `must be read-only, but uses INTO, which creates a table ("${snippet(view.sql, at.start)}"; ${READ_ONLY_NOTE})`,
      offset: at.start,
    };
  }
  if (type === 'LockingClause') {
    const lock = LOCKS[String(node['strength'])] ?? 'FOR UPDATE';
    const { tokens } = view;
    const at =
      tokens.find(
        (t, i) => t.text.toUpperCase() === 'FOR' && ['UPDATE', 'SHARE', 'NO', 'KEY'].includes(tokens[i + 1]?.text.toUpperCase() ?? ''),
      ) ?? view.first;
    return { message: `must be read-only, but takes row locks (${lock}; ${READ_ONLY_NOTE})`, offset: at.start };
  }
  return null;
}

/** The distinct `$N` numbers of the tree's ParamRef nodes, ascending. */
function parameters(tree: unknown): number[] {
  const numbers = new Set<number>();
  for (const [type, node] of nodes(tree)) {
    // The parse tree leaves out fields that are 0: a ParamRef without a number is `$0`.
    if (type === 'ParamRef') numbers.add(typeof node['number'] === 'number' ? node['number'] : 0);
  }
  return [...numbers].sort((a, b) => a - b);
}
