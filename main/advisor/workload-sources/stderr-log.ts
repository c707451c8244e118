import type { LogMessage } from './log-message.ts';

/** The severities PostgreSQL writes, each followed by a colon and two spaces (elog.c's error_severity). */
const SEVERITY = /(?:^|[\s\]>)])(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT): {2}/;

/**
 * The messages of a log in the stderr format, whatever its log_line_prefix: a record starts at the first
 * `SEVERITY:  ` of a line, and goes on over the lines that start with a tab (a multi-line statement). A DETAIL
 * belongs to the record just before it (the server writes a record's lines in one write, so they are not
 * interleaved with other backends'). Lines that are neither (output of other programs) are passed over. Read line
 * by line: a server's log may be larger than memory.
 */
export async function* stderrLogMessages(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<LogMessage> {
  let pending: LogMessage | null = null;
  // Where a continuation line goes: the message or the detail of the record being read.
  let append: ((line: string) => void) | null = null;
  let number = 0;
  for await (const raw of lines) {
    number++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('\t')) {
      append?.(line.slice(1));
      continue;
    }
    const found = SEVERITY.exec(line);
    if (!found) {
      append = null;
      continue;
    }
    const severity = found[1]!;
    const body = line.slice(found.index + found[0].length);
    const previous: LogMessage | null = pending;
    if (severity === 'DETAIL' && append !== null && previous !== null && previous.detail === null) {
      previous.detail = body;
      append = (more) => (previous.detail += `\n${more}`);
      continue;
    }
    if (pending) yield pending;
    const message: LogMessage = { severity, message: body, detail: null, session: null, database: null, user: null, line: number };
    pending = message;
    append = (more) => (message.message += `\n${more}`);
  }
  if (pending) yield pending;
}
