import { parse } from 'csv-parse/sync';
import type { LogMessage } from './log-message.ts';
import { WorkloadSourceError } from './source-error.ts';

/** csvlog's columns (the same order since PostgreSQL 13; 14 and later append more at the end). */
const CSV = { database: 2, pid: 3, severity: 11, message: 13, detail: 14 } as const;

/** The records of a csvlog file: RFC 4180 CSV, where a statement's newlines stay inside its quoted field. */
export function csvLogMessages(text: string, name: string): LogMessage[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new WorkloadSourceError(
      `${name}: not a readable csvlog file: ${(error as Error).message}`,
      'Give the .csv file PostgreSQL writes with log_destination = csvlog, whole.',
    );
  }
  let line = 1;
  const messages: LogMessage[] = [];
  for (const { record, info } of records) {
    const start = line;
    line = info.lines + 1;
    if (record.length <= CSV.detail) continue;
    messages.push({
      severity: record[CSV.severity]!,
      message: record[CSV.message]!,
      detail: record[CSV.detail] || null,
      session: record[CSV.pid] || null,
      database: record[CSV.database] || null,
      line: start,
    });
  }
  return messages;
}

/** The records of a jsonlog file (PostgreSQL 15+): one JSON object per line. */
export function jsonLogMessages(text: string, name: string): LogMessage[] {
  const messages: LogMessage[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new WorkloadSourceError(
        `${name}:${index + 1}: not a JSON object: ${(error as Error).message}`,
        'Give the .json file PostgreSQL writes with log_destination = jsonlog, whole.',
      );
    }
    if (typeof record['message'] !== 'string') continue;
    messages.push({
      severity: typeof record['error_severity'] === 'string' ? record['error_severity'] : '',
      message: record['message'],
      detail: typeof record['detail'] === 'string' ? record['detail'] : null,
      session: record['pid'] === undefined ? null : String(record['pid']),
      database: typeof record['dbname'] === 'string' ? record['dbname'] : null,
      line: index + 1,
    });
  }
  return messages;
}
