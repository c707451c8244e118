import { z } from 'zod';

/** One normalized statement from pg_stat_statements, as rates over the last sampling window. */
export const topStatementSchema = z.object({
  queryId: z.string(),
  query: z.string(),
  /** Calls per second over the window (0 on the first sample). */
  callsPerSecond: z.number().nonnegative(),
  calls: z.number().nonnegative(),
  /** Mean execution time per call, ms (over the window when it has calls, else since the stats reset). */
  meanMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
  /** This statement's share of all statements' execution time in the window, 0..1. */
  shareOfTotal: z.number().min(0).max(1),
});
export type TopStatement = z.infer<typeof topStatementSchema>;

export const topStatementsSchema = z.object({
  /** False when pg_stat_statements is missing; `reason` says how to enable it. */
  available: z.boolean(),
  reason: z.string().nullable(),
  /** Length of the window the rates are computed over, ms (0 on the first sample). */
  windowMs: z.number().nonnegative(),
  statements: z.array(topStatementSchema),
});
export type TopStatements = z.infer<typeof topStatementsSchema>;

export const activeConnectionSchema = z.object({
  pid: z.number().int(),
  user: z.string().nullable(),
  application: z.string(),
  clientAddress: z.string().nullable(),
  state: z.string().nullable(),
  waitEvent: z.string().nullable(),
  query: z.string(),
  /** How long the current query has run, ms; null when idle. */
  queryAgeMs: z.number().nullable(),
  /** The connection belongs to Hotpath itself. */
  ours: z.boolean(),
});
export type ActiveConnection = z.infer<typeof activeConnectionSchema>;

export const databaseActivitySchema = z.object({ connections: z.array(activeConnectionSchema) });
export type DatabaseActivity = z.infer<typeof databaseActivitySchema>;

/**
 * One session in the lock tree: a session waiting for a lock, or one holding a lock another waits for. The list
 * is in tree order (each blocker followed by the sessions it blocks, depth-first); `depth` 0 is a root blocker.
 */
export const lockSessionSchema = z.object({
  pid: z.number().int(),
  /** Depth in the tree: 0 for a session that blocks others and waits for no one (or a cycle's entry). */
  depth: z.number().int().nonnegative(),
  /** The sessions this one waits for (pg_blocking_pids), all of them; the tree shows it under the first. */
  blockedBy: z.array(z.number().int()),
  /** How many sessions wait on this one, directly or through others. */
  blocking: z.number().int().nonnegative(),
  user: z.string().nullable(),
  application: z.string(),
  database: z.string().nullable(),
  state: z.string().nullable(),
  waitEvent: z.string().nullable(),
  /** The lock it waits for (`relation public.items RowExclusiveLock`), null when it waits for none. */
  waitingFor: z.string().nullable(),
  /** How long it has waited for that lock, ms (pg_locks.waitstart); null when not waiting. */
  waitingMs: z.number().nonnegative().nullable(),
  /** Age of its open transaction, ms; null outside a transaction. */
  transactionAgeMs: z.number().nonnegative().nullable(),
  query: z.string(),
  /** False when the role may not see this session's query text (it is another role's; needs pg_read_all_stats). */
  queryVisible: z.boolean(),
  ours: z.boolean(),
});
export type LockSession = z.infer<typeof lockSessionSchema>;

export const lockTreeSchema = z.object({
  sessions: z.array(lockSessionSchema),
  /** What the role could not see and the grant that fixes it; null when nothing is hidden. */
  notice: z.string().nullable(),
});
export type LockTree = z.infer<typeof lockTreeSchema>;

/** A table with its on-disk sizes and the statistics-based bloat estimate (ioguix's, as check_postgres and PgHero use). */
export const tableSizeSchema = z.object({
  schema: z.string(),
  name: z.string(),
  /** Heap + indexes + TOAST, bytes (pg_total_relation_size). */
  totalBytes: z.number().nonnegative(),
  tableBytes: z.number().nonnegative(),
  indexBytes: z.number().nonnegative(),
  toastBytes: z.number().nonnegative(),
  /** Planner's row estimate (pg_class.reltuples); null before the first VACUUM/ANALYZE. */
  rows: z.number().nullable(),
  /** Estimated wasted bytes beyond the fillfactor; null when it cannot be estimated (`bloatUnknown` says why). */
  bloatBytes: z.number().nonnegative().nullable(),
  /** bloatBytes over the heap (and TOAST) size, 0..1. */
  bloatShare: z.number().min(0).max(1).nullable(),
  bloatUnknown: z.string().nullable(),
});
export type TableSize = z.infer<typeof tableSizeSchema>;

export const indexSizeSchema = z.object({
  schema: z.string(),
  table: z.string(),
  name: z.string(),
  bytes: z.number().nonnegative(),
  /** Index scans since the statistics reset (pg_stat_user_indexes.idx_scan). */
  scans: z.number().nonnegative(),
  unique: z.boolean(),
  /** A B-tree's estimated bytes beyond what its rows need at its fillfactor; null for other methods or without statistics. */
  bloatBytes: z.number().nonnegative().nullable().optional(),
});
export type IndexSize = z.infer<typeof indexSizeSchema>;

export const databaseSizesSchema = z.object({
  databaseBytes: z.number().nonnegative(),
  tables: z.array(tableSizeSchema),
  indexes: z.array(indexSizeSchema),
  /** How the bloat figure is estimated, in a sentence (for the UI's footnote). */
  bloatMethod: z.string(),
  notice: z.string().nullable(),
});
export type DatabaseSizes = z.infer<typeof databaseSizesSchema>;

/** Transaction-ID age of one database against the freeze limit (autovacuum_freeze_max_age). */
export const databaseXidAgeSchema = z.object({
  name: z.string(),
  /** age(datfrozenxid), transactions. */
  xidAge: z.number().nonnegative(),
  /** xidAge over autovacuum_freeze_max_age: at 1 autovacuum forces an anti-wraparound vacuum. */
  shareOfFreezeMax: z.number().nonnegative(),
  /** xidAge over the 2^31 hard limit, where PostgreSQL stops assigning transaction IDs. */
  shareOfWraparound: z.number().nonnegative(),
});
export type DatabaseXidAge = z.infer<typeof databaseXidAgeSchema>;

export const tableVacuumSchema = z.object({
  schema: z.string(),
  name: z.string(),
  liveTuples: z.number().nonnegative(),
  deadTuples: z.number().nonnegative(),
  /** Rows changed since the last analyze (n_mod_since_analyze). */
  modifiedSinceAnalyze: z.number().nonnegative(),
  /** Milliseconds since the last (auto)vacuum/(auto)analyze; null when never. */
  lastVacuumAgoMs: z.number().nonnegative().nullable(),
  lastAutovacuumAgoMs: z.number().nonnegative().nullable(),
  lastAnalyzeAgoMs: z.number().nonnegative().nullable(),
  lastAutoanalyzeAgoMs: z.number().nonnegative().nullable(),
  /** age(relfrozenxid), transactions (the larger of the table's and its TOAST table's). */
  xidAge: z.number().nonnegative(),
  /** The freeze limit in force for this table (its reloption, else the server's). */
  freezeMaxAge: z.number().positive(),
  shareOfFreezeMax: z.number().nonnegative(),
});
export type TableVacuum = z.infer<typeof tableVacuumSchema>;

export const vacuumHealthSchema = z.object({
  /** The server's autovacuum_freeze_max_age. */
  freezeMaxAge: z.number().positive(),
  autovacuumOn: z.boolean(),
  databases: z.array(databaseXidAgeSchema),
  /** The tables with the oldest transaction IDs, then those with the most dead tuples. */
  tables: z.array(tableVacuumSchema),
  notice: z.string().nullable(),
});
export type VacuumHealth = z.infer<typeof vacuumHealthSchema>;

/** pg_stat_database of the current database as rates over one window between two samples. */
export const databaseRatePointSchema = z.object({
  /** End of the window, epoch ms (engine clock). */
  at: z.number(),
  windowMs: z.number().positive(),
  commitsPerSecond: z.number().nonnegative(),
  rollbacksPerSecond: z.number().nonnegative(),
  returnedPerSecond: z.number().nonnegative(),
  fetchedPerSecond: z.number().nonnegative(),
  insertedPerSecond: z.number().nonnegative(),
  updatedPerSecond: z.number().nonnegative(),
  deletedPerSecond: z.number().nonnegative(),
  /** blks_hit over blks_hit + blks_read in the window, 0..1; null when no block was asked for. */
  blockHitRatio: z.number().min(0).max(1).nullable(),
});
export type DatabaseRatePoint = z.infer<typeof databaseRatePointSchema>;

export const databaseRatesSchema = z.object({ points: z.array(databaseRatePointSchema) });
export type DatabaseRates = z.infer<typeof databaseRatesSchema>;

/** One SLOWLOG entry: the command and its key only (values can be user data; Redis itself redacts AUTH). */
export const redisSlowEntrySchema = z.object({
  id: z.number().int(),
  /** When it ran, epoch ms (the server's clock). */
  at: z.number(),
  durationMicros: z.number().nonnegative(),
  command: z.string(),
  /** The first argument (usually the key), cut to 100 characters; null when none. */
  key: z.string().nullable(),
  /** Arguments after the key, not shown. */
  moreArgs: z.number().int().nonnegative(),
  client: z.string().nullable(),
  /** The server it ran on (host:port), on a Cluster (entries of every master, merged) and Sentinel; absent on one server. */
  node: z.string().optional(),
});
export type RedisSlowEntry = z.infer<typeof redisSlowEntrySchema>;

export const redisBigKeySchema = z.object({
  key: z.string(),
  type: z.string(),
  /** MEMORY USAGE (value, key and overhead), bytes. */
  bytes: z.number().nonnegative(),
  /** The server that holds it (host:port), on a Cluster and Sentinel; absent on one server. */
  node: z.string().optional(),
});
export type RedisBigKey = z.infer<typeof redisBigKeySchema>;

/** INFO and DBSIZE figures of one server, or of a Cluster's masters summed. */
const redisFiguresSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  usedMemoryBytes: z.number().nonnegative(),
  peakMemoryBytes: z.number().nonnegative(),
  /** 0 when unlimited. */
  maxMemoryBytes: z.number().nonnegative(),
  evictionPolicy: z.string(),
  fragmentationRatio: z.number().nullable(),
  /** keyspace_hits over hits + misses since the server started (or CONFIG RESETSTAT); null before any lookup. */
  hitRatio: z.number().min(0).max(1).nullable(),
  hits: z.number().nonnegative(),
  misses: z.number().nonnegative(),
  evictedKeys: z.number().nonnegative(),
  expiredKeys: z.number().nonnegative(),
  connectedClients: z.number().nonnegative(),
  opsPerSecond: z.number().nonnegative(),
  /** Keys of the selected database (DBSIZE). */
  keys: z.number().nonnegative(),
});

/** One server the overview read: the Sentinel group's master, or one Cluster master, with its own figures. */
export const redisNodeFiguresSchema = redisFiguresSchema.extend({
  /** host:port as Hotpath reached it (the address Sentinel or the Cluster's slot map gave). */
  node: z.string(),
});
export type RedisNodeFigures = z.infer<typeof redisNodeFiguresSchema>;

export const redisOverviewSchema = z.object({
  /** False when no Redis is connected or it cannot be read; `reason` says why. */
  available: z.boolean(),
  reason: z.string().nullable(),
  server: redisFiguresSchema.extend({ displayUrl: z.string() }).nullable(),
  slowlog: z.object({ entries: z.array(redisSlowEntrySchema), error: z.string().nullable() }),
  bigKeys: z.object({
    keys: z.array(redisBigKeySchema),
    /** Keys looked at by the bounded SCAN; `complete` when the scan went round the whole keyspace. */
    scanned: z.number().int().nonnegative(),
    complete: z.boolean(),
    error: z.string().nullable(),
  }),
  /** How the servers are deployed; absent in answers from before Sentinel and Cluster were read. */
  topology: z.enum(['standalone', 'sentinel', 'cluster']).optional(),
  /**
   * The servers read, each with its figures: the master Sentinel names, or every Cluster master (`server` then holds
   * their sums). Absent for one standalone server.
   */
  nodes: z.array(redisNodeFiguresSchema).optional(),
});
export type RedisOverview = z.infer<typeof redisOverviewSchema>;

/** One node of an EXPLAIN plan, as the plan view shows it (the server's JSON keeps everything else). */
export interface PlanNodeView {
  /** `Seq Scan`, `Index Scan`, `Hash Join`… (with the join type or strategy when there is one). */
  nodeType: string;
  /** `schema.table` the node reads, or null. */
  relation: string | null;
  alias: string | null;
  /** The index it scans (HypoPG's hypothetical indexes are named `<oid>btree_…`), or null. */
  index: string | null;
  startupCost: number;
  totalCost: number;
  /** The planner's estimated rows. */
  rows: number;
  width: number | null;
  /** Conditions and keys (`Index Cond: (id = $1)`, `Filter: …`, `Sort Key: …`). */
  details: string[];
  children: PlanNodeView[];
}

export const planNodeSchema: z.ZodType<PlanNodeView> = z.object({
  nodeType: z.string(),
  relation: z.string().nullable(),
  alias: z.string().nullable(),
  index: z.string().nullable(),
  startupCost: z.number(),
  totalCost: z.number(),
  rows: z.number(),
  width: z.number().nullable(),
  details: z.array(z.string()),
  children: z.array(z.lazy(() => planNodeSchema)),
});

/** A plan three ways: a tree for the view, the server's EXPLAIN (FORMAT JSON) output, and EXPLAIN's text layout. */
export const explainedPlanSchema = z.object({
  totalCost: z.number(),
  root: planNodeSchema,
  json: z.string(),
  text: z.string(),
});
export type ExplainedPlan = z.infer<typeof explainedPlanSchema>;

/** The longest statement text database.explain takes (as the advisor's supplied statements). */
export const MAX_EXPLAIN_TEXT = 100_000;

export const explainParamsSchema = z
  .object({
    /** A statement of pg_stat_statements (Top statements' queryId). */
    queryId: z.string().min(1).max(40).optional(),
    /** A statement text from the workload (a template's, a proposal's); matched to pg_stat_statements for its role. */
    query: z.string().min(1).max(MAX_EXPLAIN_TEXT).optional(),
    /**
     * A proposal of the latest analysis, by name: the statement is also planned with it as a hypothetical index.
     * Without queryId or query, the first statement it serves is planned.
     */
    proposal: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((p) => p.queryId !== undefined || p.query !== undefined || p.proposal !== undefined, 'give queryId, query or proposal')
  .refine((p) => p.queryId === undefined || p.query === undefined, 'give queryId or query, not both');
export type ExplainParams = z.infer<typeof explainParamsSchema>;

/** EXPLAIN (generic plan, never ANALYZE) of a workload statement, or why it was not planned. */
export const statementPlanSchema = z.object({
  /** The text planned (normalized text repaired as the advisor plans it), or refused. */
  query: z.string(),
  source: z.enum(['pg_stat_statements', 'template', 'text']),
  queryId: z.string().nullable(),
  /** The role it was planned as (the role that ran it); null for Hotpath's connecting role. */
  plannedAs: z.string().nullable(),
  planned: z.boolean(),
  /** Why it was not planned (another role's statement while untrusted functions exist, a missing grant…). */
  reason: z.string().nullable(),
  plan: explainedPlanSchema.nullable(),
  /** A proposal's index: the plan without and with it as a HypoPG hypothetical index. */
  whatIf: z
    .object({
      proposal: z.string(),
      ddl: z.string(),
      hypopg: z.boolean(),
      /** Without HypoPG: why there is no plan with the index, and how to enable it. */
      note: z.string().nullable(),
      before: explainedPlanSchema.nullable(),
      after: explainedPlanSchema.nullable(),
    })
    .nullable(),
});
export type StatementPlan = z.infer<typeof statementPlanSchema>;
