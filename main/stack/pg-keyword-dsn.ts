import { StackError } from './stack-errors.ts';

/**
 * libpq's keyword/value connection strings (`host=db dbname=app user=me password='a b'`), as psql users write
 * them. The grammar is libpq's `conninfo_parse`: `key = value` pairs separated by whitespace; a value is either
 * single-quoted (ends at the next unescaped quote) or runs to the next whitespace; a backslash escapes the next
 * character in both. No npm library reads this form (pg-connection-string reads URLs only), so it is here.
 */

export interface KeywordPair {
  key: string;
  value: string;
  /** Where the value's text (quotes included) starts and ends in the input, so it can be masked in place. */
  valueStart: number;
  valueEnd: number;
}

const EXAMPLE = "host=db.example.com port=5432 dbname=app user=me password='my secret'";

function malformed(problem: string): StackError {
  return new StackError(
    'malformed-url',
    `The PostgreSQL connection string is not valid: ${problem}.`,
    `A keyword/value connection string looks like ${EXAMPLE} (quote values with spaces; escape ' and \\ with a backslash).`,
  );
}

/** libpq's rule: a string that does not start with postgres:// or postgresql:// and has an = is keyword/value. */
export function isKeywordDsn(text: string): boolean {
  const trimmed = text.trim();
  return !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) && trimmed.includes('=');
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/**
 * Splits a keyword/value string into its pairs; throws StackError('malformed-url') naming the keyword at fault
 * (never echoing a value: it may be the password).
 */
export function parseKeywordDsn(text: string): KeywordPair[] {
  const pairs: KeywordPair[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && !isSpace(text[i]) && text[i] !== '=') i++;
    const key = text.slice(keyStart, i);
    while (i < n && isSpace(text[i])) i++;
    if (text[i] !== '=') throw malformed(`"${key}" is not followed by =`);
    if (key === '') throw malformed('an = has no keyword before it');
    i++;
    while (i < n && isSpace(text[i])) i++;
    const valueStart = i;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw malformed(`the quoted value of "${key}" has no closing quote`);
    } else {
      while (i < n && !isSpace(text[i])) {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
    }
    pairs.push({ key, value, valueStart, valueEnd: i });
  }
  if (pairs.length === 0) throw malformed('it is empty');
  return pairs;
}

/**
 * The same connection as a postgres:// URL with every pair as a query parameter (libpq gives parameters the
 * same meaning as keywords), so one parser, one masking and one profile store serve both forms. Later pairs win
 * over earlier ones, as in libpq.
 */
export function keywordDsnToUrl(text: string): string {
  const params = new URLSearchParams();
  for (const { key, value } of parseKeywordDsn(text)) params.set(key, value);
  return `postgres://?${params.toString()}`;
}
