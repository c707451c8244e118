import { z } from 'zod';

const count = z.number().int().nonnegative();

export const indexProposalSchema = z.object({
  name: z.string(),
  schema: z.string(),
  table: z.string(),
  columns: z.array(z.object({ name: z.string(), direction: z.enum(['asc', 'desc']) })),
  include: z.array(z.string()),
  method: z.enum(['btree', 'brin']),
  /** A partial index's condition, or null. */
  predicate: z.string().nullable(),
  ddl: z.string(),
  serves: z.array(
    z.object({
      queryId: z.string().nullable(),
      template: z.string().nullable(),
      query: z.string(),
      costBefore: z.number(),
      costAfter: z.number(),
    }),
  ),
  estimatedGain: z.object({ costReduction: z.number(), share: z.number() }),
  estimatedSizeBytes: z.number().nonnegative(),
  writeCost: z.object({
    writesPerSecond: z.number().nonnegative(),
    overheadShare: z.number().nonnegative(),
    maintenanceCost: z.number().nonnegative(),
  }),
  reason: z.string(),
});
export type IndexProposalPayload = z.infer<typeof indexProposalSchema>;

export const indexFindingSchema = z.object({
  kind: z.enum(['unused', 'duplicate', 'invalid']),
  schema: z.string(),
  table: z.string(),
  index: z.string(),
  definition: z.string(),
  sizeBytes: z.number().nonnegative(),
  detail: z.string(),
  dropDdl: z.string(),
});
export type IndexFindingPayload = z.infer<typeof indexFindingSchema>;

export const advisorReportSchema = z.object({
  method: z.enum(['hypopg', 'estimate']),
  methodNote: z.string(),
  serverVersion: z.number(),
  /** When the analysis ran (ms since the epoch). */
  at: z.number(),
  statements: count,
  proposals: z.array(indexProposalSchema),
  findings: z.array(indexFindingSchema),
  skipped: z.array(z.object({ query: z.string(), reason: z.string() })),
  /** The storage the proposals could take together, where it came from, and what they take. */
  budget: z.object({ bytes: z.number(), source: z.enum(['default', 'operator']), proposedBytes: z.number() }),
});
export type AdvisorReportPayload = z.infer<typeof advisorReportSchema>;

/** The most statements one analysis takes from files and logs: more is a bulk load, not a workload to plan one by one. */
export const MAX_SUPPLIED_STATEMENTS = 10_000;
/** The longest statement text taken (PostgreSQL's own track_activity_query_size stops at 1 MiB; a query is far shorter). */
export const MAX_STATEMENT_CHARS = 100_000;
/** The longest role name PostgreSQL can have (NAMEDATALEN − 1 bytes; a byte per character at most). */
const NAMEDATALEN_MAX = 63;
/** The longest pg_stat_activity sampling: the analysis waits for it. */
export const MAX_SAMPLE_ACTIVITY_SECONDS = 600;

export const suppliedStatementSchema = z
  .object({
    query: z
      .string()
      .min(1, 'a statement needs its text')
      .max(MAX_STATEMENT_CHARS, `a statement may have at most ${MAX_STATEMENT_CHARS} characters`),
    calls: z.number().int().positive(),
    totalMs: z.number().nonnegative().optional(),
    /** Where it came from, for people ("statements.sql:12"). */
    source: z.string().max(1000),
    /** The roles that ran it, where the source names them (a csvlog's or jsonlog's user). */
    roles: z.array(z.string().max(NAMEDATALEN_MAX)).max(100).optional(),
  })
  .strict();

/** What an analysis takes besides the running workload's templates and pg_stat_statements (advisor.analyze, optimize.plan). */
export const analyzeParamsSchema = z
  .object({
    /** Storage for new indexes, in bytes; default a share of the database's size. */
    budgetBytes: z.number().int().positive('the storage budget must be a positive number of bytes').max(Number.MAX_SAFE_INTEGER).optional(),
    /** Statements from SQL files and server logs (the role that ran them is unknown). */
    statements: z
      .array(suppliedStatementSchema)
      .max(MAX_SUPPLIED_STATEMENTS, `at most ${MAX_SUPPLIED_STATEMENTS} statements per analysis`)
      .optional(),
    /** Sample pg_stat_activity's running statements for this many seconds before analyzing. */
    sampleActivitySeconds: z
      .number()
      .int()
      .positive()
      .max(MAX_SAMPLE_ACTIVITY_SECONDS, `sampling pg_stat_activity takes at most ${MAX_SAMPLE_ACTIVITY_SECONDS} s`)
      .optional(),
  })
  .strict();
export type AnalyzeParams = z.infer<typeof analyzeParamsSchema>;

export const buildProgressSchema = z.object({
  name: z.string(),
  schema: z.string(),
  table: z.string(),
  /** The building backend. */
  pid: z.number().int(),
  phase: z.string(),
  /** The phase for people ("scanning the table", "waiting for other transactions to finish"). */
  phaseText: z.string(),
  /** 0..1 within what the server reports; null when it reports nothing countable (waiting phases). */
  fraction: z.number().min(0).max(1).nullable(),
  blocksDone: count,
  blocksTotal: count,
  tuplesDone: count,
  tuplesTotal: count,
  lockersDone: count,
  lockersTotal: count,
  /** The backend the build waits for, if any: what the operator may cancel. */
  blocker: z
    .object({ pid: z.number().int(), query: z.string().nullable(), state: z.string().nullable(), xactAgeMs: z.number().nullable() })
    .nullable(),
});
export type BuildProgressPayload = z.infer<typeof buildProgressSchema>;

/** p95 latency per workload template, in ms, over the measurement window (MEASUREMENT_WINDOW_S) before (or after) a change. */
export const latencyByTemplateSchema = z.record(z.string(), z.number().nonnegative());
export type LatencyByTemplate = z.infer<typeof latencyByTemplateSchema>;

export const buildHistoryEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  schema: z.string(),
  table: z.string(),
  ddl: z.string(),
  reason: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  status: z.enum(['building', 'built', 'failed', 'cancelled', 'lock-timeout', 'rolled-back']),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  latencyBefore: latencyByTemplateSchema.nullable(),
  latencyAfter: latencyByTemplateSchema.nullable(),
  rolledBackAt: z.number().nullable(),
  /**
   * A failed or interrupted build left an INVALID index that is still there: `advisor.rollback` of this name drops
   * it. Optional (not nullable) so engines from before crash reconciliation, which never send it, still validate.
   */
  leftInvalid: z.boolean().optional(),
  /**
   * True on the one entry whose INVALID leftover `advisor.rollback` of its name would drop now (the engine decides,
   * with the same code the rollback runs); absent otherwise. A console offers "drop the invalid index" only there.
   */
  droppableLeftover: z.boolean().optional(),
  /** What reconciliation after a crash (or a later drop) found, for people. Optional for the same reason. */
  note: z.string().optional(),
});
export type BuildHistoryEntryPayload = z.infer<typeof buildHistoryEntrySchema>;

export const buildOutcomeSchema = z.object({
  name: z.string(),
  status: z.enum(['built', 'failed', 'cancelled', 'lock-timeout']),
  /** What happened, in a sentence, with the server's message on failure. */
  message: z.string(),
  entry: buildHistoryEntrySchema.nullable(),
});
export type BuildOutcomePayload = z.infer<typeof buildOutcomeSchema>;

export const optimizeStepSchema = z.object({
  id: z.string(),
  kind: z.enum(['index', 'cache-warm']),
  title: z.string(),
  /** What the step does and why, with numbers. */
  detail: z.string(),
  /** The estimated gain, for people ("−96% planner cost for 3 templates, 1.2% of the workload's time"). */
  estimatedGain: z.string(),
  /** The DDL an index step runs. */
  ddl: z.string().nullable(),
});
export type OptimizeStep = z.infer<typeof optimizeStepSchema>;

export const optimizePlanSchema = z.object({
  id: z.string(),
  at: z.number(),
  steps: z.array(optimizeStepSchema),
  /** Why the plan is empty or what was left out (read-only mode, nothing to gain, no workload to measure). */
  notes: z.array(z.string()),
  /** Latency now (p95 per template over the last MEASUREMENT_WINDOW_S of the running workload), or null without a workload. */
  before: latencyByTemplateSchema.nullable(),
  advisor: advisorReportSchema,
});
export type OptimizePlanPayload = z.infer<typeof optimizePlanSchema>;

export const optimizeResultSchema = z.object({
  planId: z.string(),
  steps: z.array(z.object({ id: z.string(), status: z.enum(['done', 'failed', 'cancelled', 'skipped']), message: z.string() })),
  before: latencyByTemplateSchema.nullable(),
  /** Measured once the workload has run on the result long enough (see windowSeconds); null without a workload. */
  after: latencyByTemplateSchema.nullable(),
  /** Seconds of live traffic each of before and after covers. */
  windowSeconds: z.number().int().positive(),
});
export type OptimizeResultPayload = z.infer<typeof optimizeResultSchema>;
