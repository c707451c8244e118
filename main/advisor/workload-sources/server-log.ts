import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { escapeLiteral } from 'pg';
import type { SuppliedStatement } from '../advisor-types.ts';
import { SqlSyntaxError, loadSqlParser, type SqlParser } from '../../sql/pg-parser.ts';
import { loggedParameters, loggedStatement, type LogMessage } from './log-message.ts';
import { statementKey } from './statement-key.ts';
import { stderrLogMessages } from './stderr-log.ts';
import { csvLogMessages, jsonLogMessages } from './structured-log.ts';

export type LogFormat = 'stderr' | 'csvlog' | 'jsonlog';

export interface ServerLogStatements {
  format: LogFormat;
  /** How the format was told ("by its .csv extension", "by its content"), for the operator. */
  formatReason: string;
  statements: SuppliedStatement[];
  /** Statement messages read, before grouping. */
  executions: number;
}

/**
 * The format of a server log: by the extension PostgreSQL gives csvlog and jsonlog files (.csv, .json), else by
 * the first record (a JSON object, or a CSV record whose first field is a timestamp); anything else is read as the
 * stderr format, which has no fixed shape (log_line_prefix is free).
 */
export function detectLogFormat(text: string, name: string): { format: LogFormat; reason: string } {
  const extension = extname(name).toLowerCase();
  if (extension === '.csv') return { format: 'csvlog', reason: 'by its .csv extension' };
  if (extension === '.json') return { format: 'jsonlog', reason: 'by its .json extension' };
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  if (first.startsWith('{')) return { format: 'jsonlog', reason: 'by its content (JSON objects)' };
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [^,]*,/.test(first) && first.split(',').length > 12) {
    return { format: 'csvlog', reason: 'by its content (CSV records)' };
  }
  return { format: 'stderr', reason: 'by its content (not CSV or JSON)' };
}

/** Where a log is read from: its text (tests, small inputs) or a file, streamed (a server's log may be larger than memory). */
interface LogInput {
  /** The start of the log, to tell its format by. */
  head: string;
  lines(): AsyncIterable<string> | Iterable<string>;
  stream(): Readable;
}

/** Distinct statement texts whose key is kept while a log is read: enough for an application's statements. */
const KEY_MEMO = 10_000;

/** How much of a file is read to tell its format: a few records, whatever their length. */
const HEAD_BYTES = 64 * 1024;

/**
 * The statements a server log recorded with log_min_duration_statement (or log_statement): each `statement:` and
 * `execute …:` message counts once, with its duration where logged (a bare `duration:` after a log_statement line
 * is credited to that backend's statement). Grouped by statementKey (PostgreSQL's fingerprint: the same statement up
 * to its constants): calls = how many, totalMs = the sum of the durations logged. One text is kept for each, the first,
 * with an execute's logged parameters put in as quoted literals (a parameter not logged stays `$n`), and the roles
 * that ran it where the format names them (csvlog, jsonlog: the advisor plans it as one of them).
 * `database`: keep only that database's statements where the format says (csvlog, jsonlog).
 */
export async function statementsFromServerLog(text: string, name: string, database?: string): Promise<ServerLogStatements> {
  return await readLog({ head: text, lines: () => text.split('\n'), stream: () => Readable.from([text]) }, name, database);
}

/** statementsFromServerLog of a file, streamed: only the distinct statements stay in memory. */
export async function statementsFromServerLogFile(path: string, database?: string): Promise<ServerLogStatements> {
  const file = await open(path, 'r');
  let head: string;
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
  return await readLog(
    {
      head,
      lines: () => createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity }),
      stream: () => createReadStream(path),
    },
    path,
    database,
  );
}

async function readLog(input: LogInput, name: string, database: string | undefined): Promise<ServerLogStatements> {
  const { format, reason } = detectLogFormat(input.head, name);
  // Before the file is opened: readline drops the lines it reads before iteration starts, so nothing may be
  // awaited between opening and reading.
  const parser = await loadSqlParser();
  const messages =
    format === 'csvlog'
      ? csvLogMessages(input.stream(), name)
      : format === 'jsonlog'
        ? jsonLogMessages(input.lines(), name)
        : stderrLogMessages(input.lines());
  const groups = new Map<string, SuppliedStatement>();
  // The statement a bare `duration:` of the same backend belongs to.
  const lastOfSession = new Map<string | null, SuppliedStatement>();
  let executions = 0;
  const keys = new Map<string, string>();
  for await (const m of messages) {
    if (m.severity !== 'LOG') continue;
    if (database !== undefined && m.database !== null && m.database !== database) continue;
    const logged = loggedStatement(m.message);
    if (!logged) continue;
    if (logged.text === null) {
      const owner = lastOfSession.get(m.session);
      if (owner && logged.durationMs !== null) owner.totalMs = (owner.totalMs ?? 0) + logged.durationMs;
      lastOfSession.delete(m.session);
      continue;
    }
    executions++;
    let shape = keys.get(logged.text);
    if (shape === undefined) {
      // The same text comes back in every execution of a prepared statement: parsed once (a bounded memo).
      if (keys.size >= KEY_MEMO) keys.clear();
      shape = statementKey(parser, logged.text);
      keys.set(logged.text, shape);
    }
    let group = groups.get(shape);
    if (!group) {
      const query = logged.execute ? withParameters(parser, logged.text, m) : logged.text;
      group = { query: query.trim(), calls: 0, source: `${name}:${m.line}` };
      groups.set(shape, group);
    }
    group.calls++;
    if (logged.durationMs !== null) group.totalMs = (group.totalMs ?? 0) + logged.durationMs;
    if (m.user !== null && !(group.roles ??= []).includes(m.user)) group.roles.push(m.user);
    lastOfSession.set(m.session, group);
  }
  return { format, formatReason: reason, statements: [...groups.values()], executions };
}

/** The statement with its `$n` tokens (PostgreSQL's lexer's, never inside a literal) replaced by the logged values. */
function withParameters(parser: SqlParser, text: string, message: LogMessage): string {
  const values = loggedParameters(message.detail);
  if (!values) return text;
  let tokens;
  try {
    tokens = parser.scan(text).tokens;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return text;
    throw error;
  }
  // Token offsets count UTF-8 bytes.
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let at = 0;
  for (const token of tokens) {
    if (token.tokenName !== 'PARAM') continue;
    const n = Number(token.text.slice(1));
    if (!values.has(n)) continue;
    const value = values.get(n)!;
    parts.push(bytes.subarray(at, token.start), Buffer.from(value === null ? 'NULL' : escapeLiteral(value).trim(), 'utf8'));
    at = token.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString('utf8');
}
