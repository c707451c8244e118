import { z } from 'zod';
import { engineStatusSchema } from './status.ts';
import { telemetrySnapshotSchema } from './telemetry.ts';
import {
  connectionProfileSchema,
  connectionTestSchema,
  profileListSchema,
  replicaUrlsSchema,
  l3UrlSchema,
  MAX_LAG_NEEDS_LAG_BOUNDED,
  maxLagNeedsLagBounded,
  replicaMaxLagSecondsSchema,
  replicaPolicySchema,
  saveProfileParamsSchema,
} from './profiles.ts';
import {
  databaseActivitySchema,
  databaseRatesSchema,
  databaseSizesSchema,
  explainParamsSchema,
  lockTreeSchema,
  statementPlanSchema,
  redisOverviewSchema,
  topStatementsSchema,
  vacuumHealthSchema,
} from './database.ts';
import {
  advisorReportSchema,
  analyzeParamsSchema,
  buildHistoryEntrySchema,
  buildOutcomeSchema,
  buildProgressSchema,
  optimizePlanSchema,
  optimizeResultSchema,
} from './advisor.ts';
import { MEMORY_BUDGET_MAX, MEMORY_BUDGET_MIN, memoryActionSchema, memoryStatusSchema } from './memory.ts';
import { poolResizeParamsSchema, poolStatusSchema, sessionSettingsSchema, settingsChangeSchema } from './pool.ts';
import { plannerStatusSchema } from './planner.ts';
import { sloReportSchema, sloWindowSchema } from './slo.ts';
import { capacityParamsSchema, capacityResultSchema, capacityStatusSchema } from './capacity.ts';
import {
  cacheFlushResultSchema,
  cacheFlushTargetSchema,
  cacheInvalidateResultSchema,
  cacheStatusSchema,
  cacheWarmResultSchema,
  L1_MAX_BYTES,
  L1_MIN_BYTES,
} from './cache.ts';

/** The highest rate the workload runner schedules, in requests per second (profiles are bounded by it too). */
export const MAX_WORKLOAD_RATE = 1_000_000;
const positiveRate = z.number().positive().max(MAX_WORKLOAD_RATE).describe('requests per second');

export const seedReportSchema = z.object({
  chunks: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  reused: z.boolean(),
  elapsedMs: z.number().nonnegative(),
});
export type SeedReportPayload = z.infer<typeof seedReportSchema>;

/**
 * Every command a host can send to the engine: its parameters and its result, both
 * validated at run time on the engine's side of every transport.
 */
export const commandSchemas = {
  'engine.status': { params: z.object({}).strict(), result: engineStatusSchema },
  'stack.startLocal': {
    params: z.object({ dataDir: z.string().min(1).optional(), redis: z.enum(['auto', 'off']).optional() }).strict(),
    result: engineStatusSchema,
  },
  'stack.connect': {
    params: z
      .object({
        pgUrl: z.string().min(1),
        redisUrl: z.string().min(1).optional(),
        replicaUrls: replicaUrlsSchema.optional(),
        l3Url: l3UrlSchema.optional(),
        /** This connection's read policy (and lag-bounded's bound), instead of the engine's start-up one. */
        replicaPolicy: replicaPolicySchema.optional(),
        replicaMaxLagSeconds: replicaMaxLagSecondsSchema.optional(),
      })
      .strict()
      .refine(maxLagNeedsLagBounded, MAX_LAG_NEEDS_LAG_BOUNDED),
    result: engineStatusSchema,
  },
  'stack.disconnect': { params: z.object({}).strict(), result: engineStatusSchema },
  'demo.seed': {
    params: z.object({ chunks: z.number().int().positive().max(50_000_000), force: z.boolean().optional() }).strict(),
    result: seedReportSchema,
  },
  'workload.start': {
    params: z
      .object({
        /** `demo`, or the path of a profile file on the engine's machine. */
        profile: z.string().min(1).default('demo'),
        rate: positiveRate.optional(),
      })
      .strict(),
    result: engineStatusSchema,
  },
  'workload.stop': { params: z.object({}).strict(), result: engineStatusSchema },
  'workload.setRate': { params: z.object({ rate: positiveRate }).strict(), result: engineStatusSchema },
  'stack.test': {
    params: z
      .object({
        pgUrl: z.string().min(1),
        redisUrl: z.string().min(1).optional(),
        replicaUrls: replicaUrlsSchema.optional(),
        l3Url: l3UrlSchema.optional(),
      })
      .strict(),
    result: connectionTestSchema,
  },
  'profiles.list': { params: z.object({}).strict(), result: profileListSchema },
  'profiles.save': { params: saveProfileParamsSchema, result: connectionProfileSchema },
  'profiles.delete': { params: z.object({ id: z.string().min(1) }).strict(), result: profileListSchema },
  /** Connects to a saved profile; `password` fills in a secret that was not saved. */
  'profiles.connect': {
    params: z.object({ id: z.string().min(1), password: z.string().optional() }).strict(),
    result: engineStatusSchema,
  },
  'database.topStatements': {
    params: z.object({ limit: z.number().int().min(1).max(100).default(15) }).strict(),
    result: topStatementsSchema,
  },
  'database.activity': { params: z.object({}).strict(), result: databaseActivitySchema },
  /** Cancels the running query of a backend (pg_cancel_backend). `confirm` must be true: the UI asks first. */
  'database.cancelQuery': {
    params: z.object({ pid: z.number().int().positive(), confirm: z.literal(true, 'cancelling a query needs confirm: true') }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  /** Who blocks whom: sessions waiting for a lock and the sessions holding it (pg_locks, pg_blocking_pids), as a tree. */
  'database.locks': { params: z.object({}).strict(), result: lockTreeSchema },
  /** The largest tables (with a statistics-based bloat estimate) and indexes of the current database. */
  'database.sizes': {
    params: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(),
    result: databaseSizesSchema,
  },
  /** Vacuum/analyze ages, dead tuples and transaction-ID wraparound risk, per database and for the top tables. */
  'database.vacuum': {
    params: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(),
    result: vacuumHealthSchema,
  },
  /** pg_stat_database rates (commits, rollbacks, tuples, block hit ratio) from the deltas between samples. */
  'database.rates': { params: z.object({}).strict(), result: databaseRatesSchema },
  /** Ends a backend's connection (pg_terminate_backend). `confirm` must be true: the UI asks first. Hotpath's own are refused. */
  'database.terminateBackend': {
    params: z
      .object({ pid: z.number().int().positive(), confirm: z.literal(true, 'terminating a connection needs confirm: true') })
      .strict(),
    result: z.object({ terminated: z.boolean() }),
  },
  /**
   * EXPLAIN (generic plan; never ANALYZE) of a top statement or workload text, planned as the role that ran it or
   * refused with the reason (the advisor's rules); with `proposal`, also with that index as a HypoPG hypothetical one.
   */
  'database.explain': { params: explainParamsSchema, result: statementPlanSchema },
  /** The connected Redis: INFO figures, SLOWLOG GET and the biggest keys of a bounded SCAN (MEMORY USAGE); reads only. */
  'database.redis': {
    params: z
      .object({
        keys: z.number().int().min(1).max(100).default(10),
        /** At most this many keys are scanned (and sized) for the biggest keys. */
        scanBudget: z.number().int().min(100).max(100_000).default(5_000),
      })
      .strict(),
    result: redisOverviewSchema,
  },
  'cache.status': { params: z.object({}).strict(), result: cacheStatusSchema },
  /** Empties one tier or all of them (other instances' L1 too, through the invalidation bus). */
  'cache.flush': { params: z.object({ tier: cacheFlushTargetSchema }).strict(), result: cacheFlushResultSchema },
  /** Removes one template's cached results from every tier, and from other instances' L1 through the invalidation bus. */
  'cache.invalidate': { params: z.object({ template: z.string().min(1) }).strict(), result: cacheInvalidateResultSchema },
  /** Loads the hottest keys of recent traffic that are not cached, on the background lane, with progress (task `warm`). */
  'cache.warm': {
    params: z.object({ keys: z.number().int().min(1).max(100_000).default(5_000) }).strict(),
    result: cacheWarmResultSchema,
  },
  /** Sets the L1's byte budget at run time; shrinking evicts the coldest entries at once. */
  'cache.resize': {
    params: z
      .object({
        l1Bytes: z
          .number()
          .int()
          .min(L1_MIN_BYTES, `the L1 needs at least ${L1_MIN_BYTES / 1024 / 1024} MiB`)
          .max(L1_MAX_BYTES, `the L1 can have at most ${L1_MAX_BYTES / 1024 ** 3} GiB`),
      })
      .strict(),
    result: cacheStatusSchema,
  },
  'pool.status': { params: z.object({}).strict(), result: poolStatusSchema },
  /** New min and/or max of the workload pool, checked against the server's max_connections and other clients. */
  'pool.resize': { params: poolResizeParamsSchema, result: poolStatusSchema },
  /** Validates a change of session settings with the server; nothing is applied. */
  'pool.proposeSettings': { params: z.object({ change: settingsChangeSchema }).strict(), result: sessionSettingsSchema },
  /** Validates, then applies a change of session settings to every pooled connection (the previous values are kept for revert). */
  'pool.applySettings': { params: z.object({ change: settingsChangeSchema }).strict(), result: poolStatusSchema },
  'pool.revertSettings': { params: z.object({}).strict(), result: poolStatusSchema },
  /** Analyzes the workload (its templates, pg_stat_statements, and the statements, sampling and budget given) and proposes indexes; reads only. */
  'advisor.analyze': { params: analyzeParamsSchema, result: advisorReportSchema },
  /** The latest analysis (null before the first), the builds running now, and what Hotpath built. */
  'advisor.status': {
    params: z.object({}).strict(),
    result: z.object({
      readOnly: z.boolean(),
      report: advisorReportSchema.nullable(),
      running: z.array(buildProgressSchema),
      history: z.array(buildHistoryEntrySchema),
    }),
  },
  /** Builds one proposal of the latest analysis (CREATE INDEX CONCURRENTLY), with `index.progress` events. */
  'advisor.build': { params: z.object({ name: z.string().min(1) }).strict(), result: buildOutcomeSchema },
  'advisor.cancelBuild': { params: z.object({ name: z.string().min(1) }).strict(), result: z.object({ cancelled: z.boolean() }) },
  /** DROP INDEX CONCURRENTLY of an index Hotpath built (and only those). `confirm` must be true: the UI asks first. */
  'advisor.rollback': {
    params: z.object({ name: z.string().min(1), confirm: z.literal(true, 'a rollback needs confirm: true') }).strict(),
    result: buildHistoryEntrySchema,
  },
  /** Analyzes and gathers the steps of "Optimize" (indexes, cache warming) with their estimated gains; changes nothing. */
  'optimize.plan': { params: analyzeParamsSchema, result: optimizePlanSchema },
  /** Runs a plan from optimize.plan (all its steps, or the ones named), with progress, and measures before/after. */
  'optimize.apply': {
    params: z
      .object({
        planId: z.string().min(1),
        steps: z.array(z.string().max(200)).max(100, 'a plan has at most 100 steps').optional(),
        confirm: z.literal(true, 'applying a plan needs confirm: true'),
      })
      .strict(),
    result: optimizeResultSchema,
  },
  /** The learned plan selector: its choices, model, regret and index (the Planner page polls this). */
  'planner.status': { params: z.object({}).strict(), result: plannerStatusSchema },
  /** Retrains the latency model now, in the background worker; resolves when the new model is in use. */
  'planner.retrain': { params: z.object({}).strict(), result: plannerStatusSchema },
  /** Forgets every observation, the model and the plan cache: the selector starts over on the default plan. */
  'planner.reset': { params: z.object({}).strict(), result: plannerStatusSchema },
  'memory.status': { params: z.object({}).strict(), result: memoryStatusSchema },
  /** Runs a cleanup now (moderate: shrink the L1, trim idle connections; aggressive: also empty the L1, pause background work, pool to minimum). */
  'memory.cleanup': { params: z.object({ level: z.enum(['moderate', 'aggressive']) }).strict(), result: memoryActionSchema },
  'memory.setBudget': {
    params: z
      .object({
        bytes: z
          .number()
          .int()
          .min(MEMORY_BUDGET_MIN, `the memory budget must be at least ${MEMORY_BUDGET_MIN / 1024 / 1024} MiB`)
          .max(MEMORY_BUDGET_MAX, 'the memory budget must be at most 1 TiB'),
      })
      .strict(),
    result: memoryStatusSchema,
  },
  /** Pauses or resumes automatic cleanups (operator cleanups always run). */
  'memory.setAutomatic': { params: z.object({ enabled: z.boolean() }).strict(), result: memoryStatusSchema },
  /** The eight success metrics judged over the chosen window (the same report the `slo.report` event carries). */
  'slo.status': { params: z.object({}).strict(), result: sloReportSchema },
  /** Chooses the window the console's tiles are judged over (60, 300 or 900 s) for every console; /metrics has all three. */
  'slo.setWindow': { params: z.object({ windowSeconds: sloWindowSchema }).strict(), result: sloReportSchema },
  /**
   * Finds capacity: ramps the running workload's rate step by step until a step fails one of the eight success
   * metrics, with `task.progress` (task `capacity`); resolves with every step and the highest passing rate, the
   * workload back at its rate. `confirm` must be true: the UI asks first (it drives the load up).
   */
  'capacity.start': { params: capacityParamsSchema, result: capacityResultSchema },
  /** Ends the running search at once (the workload goes back to its rate); cancelled: false when none ran. */
  'capacity.cancel': { params: z.object({}).strict(), result: z.object({ cancelled: z.boolean() }) },
  /** Whether a search runs, and the last one's result. */
  'capacity.status': { params: z.object({}).strict(), result: capacityStatusSchema },
  'telemetry.history': {
    params: z.object({ seconds: z.number().int().min(1).max(900).default(900) }).strict(),
    result: z.array(telemetrySnapshotSchema),
  },
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<C extends CommandName> = z.input<(typeof commandSchemas)[C]['params']>;
export type CommandResult<C extends CommandName> = z.infer<(typeof commandSchemas)[C]['result']>;
export const commandNames = Object.keys(commandSchemas) as CommandName[];
