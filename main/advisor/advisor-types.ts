import type { IndexSpec } from './index-spec.ts';

/** One statement of the workload as the advisor saw it. */
export interface WorkloadStatement {
  /** pg_stat_statements' queryid, or null for an engine template not (yet) seen there. */
  queryId: string | null;
  /** The engine's workload template this statement is, if any. */
  template: string | null;
  /** Normalized text with $1…$n placeholders. */
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
}

/** A statement given to the advisor from outside pg_stat_statements: a SQL file, a server log, activity samples. */
export interface SuppliedStatement {
  /** SQL text: with literals, or with $1…$n placeholders. */
  query: string;
  /** How often it ran (or was seen running); 1 for a statement of a file. */
  calls: number;
  /** Total execution time in ms where the source knows it (a log's durations), else absent. */
  totalMs?: number;
  /** Where it came from, for people: "statements.sql:12", "postgresql.log", "pg_stat_activity". */
  source: string;
  /** The roles that ran it where the source names them (csvlog's and jsonlog's user): planned as one of them. */
  roles?: string[];
}

/** A proposed index, with what it is for and what it costs. */
export interface IndexProposal extends IndexSpec {
  /** Deterministic (see indexName): the same proposal always has the same name. */
  name: string;
  /** The CREATE INDEX CONCURRENTLY statement. */
  ddl: string;
  /** The statements it serves, each with its estimated plan cost before and after (planner cost units). */
  serves: { queryId: string | null; template: string | null; query: string; costBefore: number; costAfter: number }[];
  /** Workload-wide: Σ calls × (before − after) over the statements it serves, and that as a share of the workload's total estimated cost. */
  estimatedGain: { costReduction: number; share: number };
  estimatedSizeBytes: number;
  /**
   * The table's writes per second (from pg_stat_user_tables since the last stats reset), the estimated slowdown of
   * each write, and what keeping the index up to date costs the analyzed workload's writes (planner cost units, in the
   * frame of estimatedGain, from which it is already subtracted).
   */
  writeCost: { writesPerSecond: number; overheadShare: number; maintenanceCost: number };
  /** In a sentence: why this index, for people. */
  reason: string;
}

/** Existing indexes worth a look: never used, duplicating another, or left invalid by a failed build. */
export interface IndexFinding {
  kind: 'unused' | 'duplicate' | 'invalid';
  schema: string;
  table: string;
  index: string;
  /** pg_get_indexdef. */
  definition: string;
  sizeBytes: number;
  /** Why, with numbers ("0 scans since 2026-11-01", "its columns are a prefix of idx_b"). */
  detail: string;
  /** The statement that would remove it (DROP INDEX CONCURRENTLY …); Hotpath never runs it unasked. */
  dropDdl: string;
}

export interface AdvisorReport {
  /** How costs were estimated: HypoPG's hypothetical indexes, or the stated fallback model. */
  method: 'hypopg' | 'estimate';
  /** For people: what the method means and its limits ("HypoPG not installed: costs are estimated from pg_stats …"). */
  methodNote: string;
  serverVersion: number;
  statements: WorkloadStatement[];
  proposals: IndexProposal[];
  findings: IndexFinding[];
  /** Statements that could not be planned (with the reason), so nothing is silently skipped. */
  skipped: { query: string; reason: string }[];
  /** The storage the proposals could take together (the operator's, or the default share of the database's size), and what they take. */
  budget: { bytes: number; source: 'default' | 'operator'; proposedBytes: number };
}
