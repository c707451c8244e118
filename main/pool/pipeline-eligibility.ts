import type { SqlParser } from '../sql/pg-parser.ts';

/**
 * Which named statements may share a connection with other callers' queries (pipelining, see pipelining.ts),
 * decided once per statement (name and text) and then by how long the statement takes.
 *
 * - **Its kind**, read with PostgreSQL's own parser: exactly one SELECT, INSERT, UPDATE, DELETE or MERGE (WITH,
 *   VALUES and TABLE parse as these). None can open a transaction block that the queries behind it would run in,
 *   or switch the protocol to COPY. Anything else (BEGIN, SET, CALL, DO, COPY, several statements, text the
 *   parser rejects) keeps a connection to itself, as without pipelining.
 * - **Its speed**: only statements known to be short are pipelined, so a query never waits long behind others on
 *   its connection (at most `pipelineDepth - 1` of them, each short). A statement is short when its fastest
 *   execution among the last `WINDOW` to `2 × WINDOW` took under the threshold (`pipelineShortMs`, default
 *   `SHORT_STATEMENT_MS`). The fastest, not the mean: the time is measured by the client, from send to result,
 *   and only for executions with nothing ahead of them on their connection (behind others, results read together
 *   look instant). A busy client (when pipelining matters most) adds its own delays to such a measurement, but
 *   cannot make a query look faster than it ran. Its first execution runs alone, to be timed; a statement that
 *   becomes slow (a dropped index, a grown table) stops being pipelined within `2 × WINDOW` timed executions, and
 *   a connection stuck on one takes no more queries meanwhile (`stalledAfterMs` in pipelining.ts).
 */

/**
 * What counts as short by default: 1 ms. Pipelining saves the client tens of µs per query (one write and one read for many
 * queries); a statement that takes longer than a millisecond gains little from that, and queued behind others it
 * would make each of them wait as long as it runs.
 */
export const SHORT_STATEMENT_MS = 1;
/** Executions per window of the fastest-time record. */
const WINDOW = 16;
/** Statement names remembered; past this the oldest is forgotten (and timed again if it returns). */
const MAX_STATEMENTS = 10_000;
const PIPELINABLE_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

interface Statement {
  /** The text the kind was read from: a name given another text is read again. */
  text: string;
  /** The kind allows pipelining. */
  kindAllows: boolean;
  /** Fastest server time (ms) of the previous window and of the current one; Infinity while none. */
  previousFastestMs: number;
  fastestMs: number;
  /** Executions in the current window. */
  runs: number;
}

export class PipelineEligibility {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly parser: SqlParser,
    private readonly shortMs = SHORT_STATEMENT_MS,
  ) {}

  /** May this named statement be pipelined now? */
  allows(name: string, text: string): boolean {
    const statement = this.statementOf(name, text);
    return statement.kindAllows && Math.min(statement.previousFastestMs, statement.fastestMs) < this.shortMs;
  }

  /** One execution's time (ms), from its send to its result, measured when nothing was ahead of it on its connection. */
  record(name: string, text: string, ms: number): void {
    const statement = this.statementOf(name, text);
    if (ms < statement.fastestMs) statement.fastestMs = ms;
    if (++statement.runs < WINDOW) return;
    statement.previousFastestMs = statement.fastestMs;
    statement.fastestMs = Infinity;
    statement.runs = 0;
  }

  private statementOf(name: string, text: string): Statement {
    const known = this.statements.get(name);
    return known !== undefined && known.text === text ? known : this.remember(name, text);
  }

  private remember(name: string, text: string): Statement {
    if (this.statements.size >= MAX_STATEMENTS && !this.statements.has(name)) this.statements.delete(this.statements.keys().next().value!);
    const statement = { text, kindAllows: this.kindAllows(text), previousFastestMs: Infinity, fastestMs: Infinity, runs: 0 };
    this.statements.set(name, statement);
    return statement;
  }

  private kindAllows(text: string): boolean {
    try {
      const stmts = this.parser.parse(text).stmts ?? [];
      const kinds = stmts.length === 1 ? Object.keys(stmts[0]!.stmt ?? {}) : [];
      return kinds.length === 1 && PIPELINABLE_KINDS.has(kinds[0]!);
    } catch {
      return false; // the server will answer with its own error, on a connection of its own
    }
  }
}
