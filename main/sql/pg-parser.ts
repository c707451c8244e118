import {
  fingerprintSync,
  hasSqlDetails,
  loadModule,
  normalizeSync,
  parseSync,
  scanSync,
  type ParseResult,
  type ScanResult,
} from 'libpg-query';

/**
 * PostgreSQL's own parser (libpg_query, compiled to WebAssembly by the `libpg-query` package): the one way
 * Hotpath reads SQL it did not write. Regular expressions cannot tell a `--` inside a string literal or a quoted
 * name from a comment; the server's grammar can.
 *
 * The module loads once (a few milliseconds, no native code, nothing downloaded); every call after
 * `loadSqlParser()` is synchronous.
 */
export interface SqlParser {
  /** The statements' parse trees, as PostgreSQL's `raw_parser` builds them. Throws `SqlSyntaxError`. */
  parse(sql: string): ParseResult;
  /** The same fingerprint for statements that differ only in constants, comments and whitespace. */
  fingerprint(sql: string): string;
  /** Constants replaced by `$n`, as pg_stat_statements shows them. */
  normalize(sql: string): string;
  /** The lexer's tokens, with their offsets. */
  scan(sql: string): ScanResult;
}

/** A statement PostgreSQL's grammar rejects; `position` is the 0-based offset it points at, when it does. */
export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
  ) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

function wrapped<T>(call: (sql: string) => T): (sql: string) => T {
  return (sql) => {
    try {
      return call(sql);
    } catch (error) {
      if (hasSqlDetails(error)) {
        const cursor = error.sqlDetails?.cursorPosition;
        throw new SqlSyntaxError(error.sqlDetails?.message ?? error.message, cursor === undefined ? null : cursor);
      }
      throw new SqlSyntaxError((error as Error).message, null);
    }
  };
}

const parser: SqlParser = {
  parse: wrapped(parseSync),
  fingerprint: wrapped(fingerprintSync),
  normalize: wrapped(normalizeSync),
  scan: wrapped(scanSync),
};

let loading: Promise<SqlParser> | null = null;

/** The parser, once its WebAssembly module is loaded (concurrent callers share one load). */
export function loadSqlParser(): Promise<SqlParser> {
  loading ??= loadModule().then(
    () => parser,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
