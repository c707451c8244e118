/**
 * Static checks on the SQL of a workload template: one statement, read-only, and
 * which `$N` placeholders it uses. A small lexer that knows PostgreSQL's comments,
 * strings, quoted identifiers and dollar quoting, so that a `;`, a `$1` or a
 * `DELETE` inside a string literal is not mistaken for the real thing.
 *
 * This is a first line of defence that gives the profile author a precise error at
 * load time. It is not the guarantee: the workload runner also executes every request
 * inside a READ ONLY transaction, which the server enforces (it catches what a lexer
 * cannot, e.g. `SELECT nextval('s')`).
 */

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

const READ_ONLY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/** Said wherever a write is refused, so nobody reads the lexer as the only safeguard. */
export const READ_ONLY_NOTE = 'the runner also executes every request in a READ ONLY transaction';

/** Words that only appear in SQL that writes (or, for INTO, creates a table: `SELECT … INTO t`). */
const WRITING_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE', 'INTO']);

const isWordStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordPart = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function snippet(sql: string, offset: number): string {
  const text = sql.slice(offset, offset + 30).replace(/\s+/g, ' ').trim();
  return offset + 30 < sql.length ? `${text}…` : text;
}

/** Checks that `sql` is one read-only statement and collects its `$N` placeholders. */
export function checkReadOnlySql(sql: string): SqlCheck {
  const problems: SqlProblem[] = [];
  const parameters = new Set<number>();
  let firstWord: { word: string; offset: number } | null = null;
  let firstToken: number | null = null;
  let previousWord = '';
  let previousWordEnd = -1;
  let i = 0;

  // Returns the offset just past a string literal starting at `start` (the opening quote).
  const skipQuoted = (start: number, quote: string, backslashEscapes: boolean): number => {
    let j = start + 1;
    while (j < sql.length) {
      const c = sql[j]!;
      if (backslashEscapes && c === '\\') j += 2;
      else if (c === quote && sql[j + 1] === quote) j += 2;
      else if (c === quote) return j + 1;
      else j += 1;
    }
    problems.push({ message: `unterminated ${quote === '"' ? 'quoted identifier' : 'string literal'}`, offset: start });
    return sql.length;
  };

  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === '/' && sql[j + 1] === '*') (depth += 1), (j += 2);
        else if (sql[j] === '*' && sql[j + 1] === '/') (depth -= 1), (j += 2);
        else j += 1;
      }
      if (depth > 0) problems.push({ message: 'unterminated /* comment', offset: i });
      i = j;
      continue;
    }
    firstToken ??= i;
    if (c === ';') {
      const rest = textAfterStatement(sql, i + 1);
      if (rest !== null) {
        problems.push({
          message: `must be a single statement, but more follows the ";": "${snippet(sql, rest)}"`,
          offset: rest,
        });
      }
      break;
    }
    if (c === "'") {
      // E'…' strings take backslash escapes, so E'\'' does not end at the second quote.
      i = skipQuoted(i, "'", previousWord === 'E' && previousWordEnd === i);
      previousWord = '';
      continue;
    }
    if (c === '"') {
      i = skipQuoted(i, '"', false);
      previousWord = '"';
      continue;
    }
    if (c === '$' && isDigit(next)) {
      let j = i + 1;
      while (j < sql.length && isDigit(sql[j]!)) j += 1;
      parameters.add(Number(sql.slice(i + 1, j)));
      previousWord = '';
      i = j;
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end < 0) {
          problems.push({ message: `unterminated dollar-quoted string ${tag[0]}`, offset: i });
          break;
        }
        i = end + tag[0].length;
        previousWord = '';
        continue;
      }
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql[j]!)) j += 1;
      const word = sql.slice(i, j).toUpperCase();
      firstWord ??= { word, offset: i };
      if (WRITING_WORDS.has(word) && firstWord.offset !== i) {
        problems.push({
          message: `must be read-only, but uses ${word} ("${snippet(sql, i)}"); double-quote it if it is a column name (${READ_ONLY_NOTE})`,
          offset: i,
        });
      } else if (word === 'SHARE' && (previousWord === 'FOR' || previousWord === 'KEY')) {
        const lock = `FOR ${previousWord === 'KEY' ? 'KEY ' : ''}SHARE`;
        problems.push({ message: `must be read-only, but takes row locks (${lock}; ${READ_ONLY_NOTE})`, offset: i });
      }
      previousWord = word;
      previousWordEnd = j;
      i = j;
      continue;
    }
    previousWord = '';
    i += 1;
  }

  if (firstToken === null) {
    problems.unshift({ message: 'must not be empty: write one SELECT (or WITH, VALUES, TABLE) statement', offset: 0 });
  } else {
    // Only opening parentheses may come before the first keyword: `(SELECT …) UNION …`.
    const leading = firstWord !== null && /^[(\s]*$/.test(sql.slice(firstToken, firstWord.offset)) ? firstWord : null;
    if (!leading || !READ_ONLY_STARTS.has(leading.word)) {
      const got = leading ? leading.word : snippet(sql, firstToken);
      problems.unshift({
        message: `must be one read-only statement starting with SELECT, WITH, VALUES or TABLE, got "${got}" (${READ_ONLY_NOTE})`,
        offset: leading?.offset ?? firstToken,
      });
    }
  }
  return { problems, parameters: [...parameters].sort((a, b) => a - b) };
}

/** After a `;`: the offset of the first thing that is not whitespace or a comment, or null. */
function textAfterStatement(sql: string, from: number): number | null {
  let i = from;
  while (i < sql.length) {
    if (/\s/.test(sql[i]!)) i += 1;
    else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (sql[i] === ';') i += 1;
    else return i;
  }
  return null;
}
