import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { LogMessage } from './log-message.ts';
import { WorkloadSourceError } from './source-error.ts';

/** csvlog's columns (the same order since PostgreSQL 13; 14 and later append more at the end). */
const CSV = { user: 1, database: 2, pid: 3, severity: 11, message: 13, detail: 14 } as const;

/**
 * The records of a csvlog file: RFC 4180 CSV, where a statement's newlines stay inside its quoted field. Streamed
 * through csv-parse: a server's log may be larger than memory.
 */
export async function* csvLogMessages(input: Readable, name: string): AsyncGenerator<LogMessage> {
  let line = 1;
  const records = input.pipe(parse({ relax_column_count: true, info: true }));
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const start = line;
      line = info.lines + 1;
      if (record.length <= CSV.detail) continue;
      yield {
        severity: record[CSV.severity]!,
        message: record[CSV.message]!,
        detail: record[CSV.detail] || null,
        session: record[CSV.pid] || null,
        database: record[CSV.database] || null,
        user: record[CSV.user] || null,
        line: start,
      };
    }
  } catch (error) {
    throw new WorkloadSourceError(
      `${name}: not a readable csvlog file: ${(error as Error).message}`,
      'Give the .csv file PostgreSQL writes with log_destination = csvlog, whole.',
    );
  }
}

/** The records of a jsonlog file (PostgreSQL 15+): one JSON object per line, read line by line. */
export async function* jsonLogMessages(lines: AsyncIterable<string> | Iterable<string>, name: string): AsyncGenerator<LogMessage> {
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new WorkloadSourceError(
        `${name}:${number}: not a JSON object: ${(error as Error).message}`,
        'Give the .json file PostgreSQL writes with log_destination = jsonlog, whole.',
      );
    }
    if (typeof record['message'] !== 'string') continue;
    yield {
      severity: typeof record['error_severity'] === 'string' ? record['error_severity'] : '',
      message: record['message'],
      detail: typeof record['detail'] === 'string' ? record['detail'] : null,
      session: record['pid'] === undefined ? null : String(record['pid']),
      database: typeof record['dbname'] === 'string' ? record['dbname'] : null,
      user: typeof record['user'] === 'string' ? record['user'] : null,
      line: number,
    };
  }
}
