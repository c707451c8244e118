/**
 * One message of a PostgreSQL server log, whatever the format it was written in (stderr, csvlog, jsonlog).
 * `session` is the backend's identity where the format gives it (csvlog's and jsonlog's pid), so a bare
 * `duration:` is credited to that backend's statement; the stderr format's prefix is the operator's choice
 * (log_line_prefix), so there the previous statement of the file takes it.
 */
export interface LogMessage {
  severity: string;
  message: string;
  /** The DETAIL of the same record (an execute's `parameters: $1 = '…'`), or null. */
  detail: string | null;
  session: string | null;
  database: string | null;
  /** The role that ran it, where the format names it (csvlog, jsonlog). */
  user: string | null;
  /** 1-based line of the file where the record starts. */
  line: number;
}

/** What a logged statement message says: its duration, its text, or both. Null for anything else. */
export interface LoggedStatement {
  durationMs: number | null;
  /** Null for a bare `duration: N ms` (log_statement logged the text when it started). */
  text: string | null;
  /** From an `execute <name>:` message: its DETAIL may carry the parameters. */
  execute: boolean;
}

/**
 * Reads a message as PostgreSQL writes the statement logging of log_min_duration_statement and log_statement
 * (postgres.c: "duration: %s ms  statement: %s", "execute %s: %s", …). parse and bind messages of the extended
 * protocol are not executions: only `statement:` and `execute …:` count. The messages are matched in English:
 * a server with translated messages (lc_messages) writes other words.
 */
export function loggedStatement(message: string): LoggedStatement | null {
  let rest = message;
  let durationMs: number | null = null;
  const duration = /^duration: (\d+(?:\.\d+)?) ms/.exec(rest);
  if (duration) {
    durationMs = Number(duration[1]);
    rest = rest.slice(duration[0].length);
    if (rest.trim() === '') return { durationMs, text: null, execute: false };
    if (!rest.startsWith('  ')) return null;
    rest = rest.slice(2);
  }
  if (rest.startsWith('statement: ')) return { durationMs, text: rest.slice('statement: '.length), execute: false };
  const execute = /^execute [^:\n]*: /.exec(rest);
  if (execute) return { durationMs, text: rest.slice(execute[0].length), execute: true };
  return null;
}

/**
 * The values of an execute's `parameters: $1 = '5', $2 = NULL` DETAIL, by number (null: SQL NULL); null when
 * the detail is something else. Values are quoted as SQL literals with doubled quotes, which is how they are read.
 */
export function loggedParameters(detail: string | null): Map<number, string | null> | null {
  // "parameters:" up to PostgreSQL 15, "Parameters:" from 16 on.
  if (detail === null || !/^parameters: /i.test(detail)) return null;
  const values = new Map<number, string | null>();
  let i = 'parameters: '.length;
  while (i < detail.length) {
    const head = /^\$(\d+) = /.exec(detail.slice(i));
    if (!head) return values.size > 0 ? values : null;
    const n = Number(head[1]);
    i += head[0].length;
    if (detail.startsWith('NULL', i)) {
      values.set(n, null);
      i += 4;
    } else if (detail[i] === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= detail.length) return values.size > 0 ? values : null;
        if (detail[i] === "'") {
          if (detail[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += detail[i];
        i++;
      }
      values.set(n, value);
    } else {
      return values.size > 0 ? values : null;
    }
    if (detail.startsWith(', ', i)) i += 2;
    else break;
  }
  return values;
}
