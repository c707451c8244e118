import { readFile, stat } from 'node:fs/promises';
import { ContractError } from '../../../main/contract/api.ts';
import type { AnalyzeParams } from '../../../main/contract/advisor.ts';
import { MAX_STATEMENT_CHARS, MAX_SUPPLIED_STATEMENTS } from '../../../main/contract/advisor.ts';
import {
  statementsFromServerLogFile,
  statementsFromSqlFile,
  WorkloadSourceError,
  type SuppliedStatement,
} from '../../../main/advisor/index.ts';

export interface WorkloadInputFlags {
  /** Storage budget in bytes (--budget, parsed by parseStorageSize). */
  budget?: number;
  /** SQL files (--statements, repeatable). */
  statements?: string[];
  /** Server log files (--log, repeatable): stderr, csvlog or jsonlog. */
  log?: string[];
  /** Seconds of pg_stat_activity sampling (--sample-activity). */
  sampleActivity?: number;
}

function unreadable(flag: string, file: string, error: unknown): ContractError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return new ContractError('bad-arguments', `${flag} ${file}: cannot be read (${why}).`);
}

async function readText(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(flag, file, error);
  }
}

/** A log is streamed (it may be larger than memory): checked first, so a missing file gets the same message. */
async function checkFile(flag: string, file: string): Promise<void> {
  try {
    if ((await stat(file)).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  } catch (error) {
    throw unreadable(flag, file, error);
  }
}

/**
 * What optimize's workload flags add to the analysis: the statements of SQL files and server logs (read here, on
 * the command line's side, and sent over the contract as text), the sampling time and the budget. `say` gets a
 * line per file for the operator (what was found, in which format). `database`: a log's statements of other
 * databases are left out where the format names the database (csvlog, jsonlog).
 */
export async function workloadInputs(flags: WorkloadInputFlags, say: (line: string) => void, database?: string): Promise<AnalyzeParams> {
  const statements: SuppliedStatement[] = [];
  try {
    for (const file of flags.statements ?? []) {
      const found = await statementsFromSqlFile(await readText('--statements', file), file);
      say(`${file}: ${found.length} statement${found.length === 1 ? '' : 's'}.`);
      statements.push(...found);
    }
    for (const file of flags.log ?? []) {
      await checkFile('--log', file);
      const found = await statementsFromServerLogFile(file, database);
      say(
        `${file}: read as ${found.format} (${found.formatReason}): ${found.executions} statement executions, ${found.statements.length} distinct statements.`,
      );
      if (found.executions === 0) {
        say(
          `${file}: no statement was logged; the server logs them with log_min_duration_statement = 0 (or log_statement = 'all') and lc_messages = 'C'.`,
        );
      }
      statements.push(...found.statements);
    }
  } catch (error) {
    if (error instanceof WorkloadSourceError) throw new ContractError('bad-arguments', error.message, error.hint);
    throw error;
  }
  const tooLong = statements.filter((s) => s.query.length > MAX_STATEMENT_CHARS);
  for (const s of tooLong) say(`${s.source}: a statement of ${s.query.length} characters is left out (at most ${MAX_STATEMENT_CHARS}).`);
  if (tooLong.length > 0) statements.splice(0, statements.length, ...statements.filter((s) => s.query.length <= MAX_STATEMENT_CHARS));
  if (statements.length > MAX_SUPPLIED_STATEMENTS) {
    // The busiest first: by time where logged, else by count.
    statements.sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0) || b.calls - a.calls);
    say(`Analyzing the ${MAX_SUPPLIED_STATEMENTS} busiest of ${statements.length} distinct statements.`);
    statements.length = MAX_SUPPLIED_STATEMENTS;
  }
  return {
    ...(flags.budget === undefined ? {} : { budgetBytes: flags.budget }),
    ...(statements.length > 0 ? { statements } : {}),
    ...(flags.sampleActivity === undefined ? {} : { sampleActivitySeconds: flags.sampleActivity }),
  };
}
