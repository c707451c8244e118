import { SqlSyntaxError, type SqlParser } from './pg-parser.ts';

/**
 * pg_stat_statements replaces every constant by `$n`, including the string of a typed literal: `date '2024-01-01'`
 * becomes `date $1`, `interval '1 day'` `interval $2`, `timestamptz '…'` `timestamptz $3`. PostgreSQL's grammar
 * allows a type name before a string constant only, so that text is a syntax error: PREPARE and EXPLAIN reject it,
 * and the statement (often the one with the date range that matters) would go unanalyzed. Moving the type after the
 * parameter as a cast (`$1::date`, `$2::interval`, `$3::timestamptz`) means the same thing and also tells the
 * planner the parameter's type. Trailing interval fields stay where they are: `interval $1 day` → `$1::interval day`.
 *
 * Found with PostgreSQL's lexer (tokens, so a `date $1` inside a string literal or a comment is never touched), and
 * kept only when the result parses. (libpg_query's grammar, unlike the server's, accepts `date $1`, precisely so
 * that normalized texts can be fingerprinted: whether the text parses there says nothing about the server.)
 */

/** Keywords that name a type on their own (the others in a type's name are followed below). */
const TYPE_KEYWORDS = new Set([
  'bigint',
  'bit',
  'boolean',
  'char',
  'character',
  'dec',
  'decimal',
  'float',
  'int',
  'integer',
  'interval',
  'json',
  'numeric',
  'real',
  'smallint',
  'time',
  'timestamp',
  'varchar',
]);

type Token = ReturnType<SqlParser['scan']>['tokens'][number];

const word = (token: Token | undefined): string => (token && token.keywordKind > 0 ? token.text.toLowerCase() : '');
const isIdentifier = (token: Token | undefined): boolean => token?.tokenName === 'IDENT';

/** The index of the first token of the type name that ends just before `tokens[end]`'s parameter, or -1. */
function typeNameStart(tokens: readonly Token[], end: number): number {
  const last = tokens[end];
  if (isIdentifier(last)) {
    // A type by name, possibly schema-qualified: date, timestamptz, pg_catalog.date, "MyType".
    let start = end;
    while (tokens[start - 1]?.text === '.' && isIdentifier(tokens[start - 2])) start -= 2;
    return start;
  }
  const lastWord = word(last);
  if (TYPE_KEYWORDS.has(lastWord)) return end;
  // timestamp / time with(out) time zone
  if (lastWord === 'zone' && word(tokens[end - 1]) === 'time' && ['with', 'without'].includes(word(tokens[end - 2]))) {
    return ['timestamp', 'time'].includes(word(tokens[end - 3])) ? end - 3 : -1;
  }
  if (lastWord === 'precision' && word(tokens[end - 1]) === 'double') return end - 1;
  if (lastWord === 'varying' && ['character', 'char'].includes(word(tokens[end - 1]))) return end - 1;
  return -1;
}

/**
 * `sql` with each typed-literal parameter rewritten as a cast, when it has one and the result parses; otherwise
 * null (nothing to repair, or a problem this does not fix).
 */
export function repairTypedParameters(parser: SqlParser, sql: string): string | null {
  const tokens = scanned(parser, sql);
  if (tokens === null) return null;
  // The lexer's offsets count UTF-8 bytes.
  const bytes = Buffer.from(sql, 'utf8');
  const text = (from: number, to?: number) => bytes.toString('utf8', from, to);
  let repaired = '';
  let copiedUpTo = 0;
  for (let i = 1; i < tokens.length; i++) {
    const param = tokens[i]!;
    if (param.tokenName !== 'PARAM') continue;
    const start = typeNameStart(tokens, i - 1);
    if (start < 0) continue;
    repaired += `${text(copiedUpTo, tokens[start]!.start)}${param.text}::${text(tokens[start]!.start, tokens[i - 1]!.end)}`;
    copiedUpTo = param.end;
  }
  if (copiedUpTo === 0) return null;
  repaired += text(copiedUpTo);
  return parses(parser, repaired) ? repaired : null;
}

/** The lexer's tokens, or null for text it rejects (an unterminated quote): the caller reports that text as it is. */
function scanned(parser: SqlParser, sql: string): Token[] | null {
  try {
    return parser.scan(sql).tokens;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null;
    throw error;
  }
}

function parses(parser: SqlParser, sql: string): boolean {
  try {
    parser.parse(sql);
    return true;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return false;
    throw error;
  }
}
