import { z } from 'zod';

/** Every candidate plan of the learned plan selector (main/planner/plans/); they all return the same rows. */
export const PLAN_NAMES = ['vector-first', 'graph-first', 'hybrid-parallel', 'filtered-vector', 'cached-partial'] as const;

export const planNameSchema = z.enum(PLAN_NAMES);
export type PlanNamePayload = z.infer<typeof planNameSchema>;

const ms = z.number().nonnegative().describe('milliseconds');
const count = z.number().int().nonnegative();
const perPlanCount = z.record(planNameSchema, count);

/** One 10-second bucket of the selector's work: what it chose, how fast that was, what it predicted, its regret. */
export const plannerIntervalSchema = z.object({
  at: z.number().describe('epoch ms of the bucket start'),
  queries: count,
  choices: perPlanCount,
  /** Mean measured latency of the chosen plans; null when the bucket had no query. */
  meanMs: ms.nullable(),
  /** Mean of the model's predictions for the chosen plans; null when it predicted nothing (fallback). */
  predictedMeanMs: ms.nullable(),
  /** Over the bucket's oracle samples (every plan run on the same query): chosen − best plan. Null without samples. */
  regretVsOracleMs: z.number().nullable(),
  /** Chosen − the plan that is best on average over all oracle samples so far (the best single fixed plan). */
  regretVsBestFixedMs: z.number().nullable(),
});
export type PlannerIntervalPayload = z.infer<typeof plannerIntervalSchema>;

/** One executed hybrid query, for the predicted-versus-actual chart. */
export const plannerSampleSchema = z.object({
  at: z.number(),
  plan: planNameSchema,
  actualMs: ms,
  predictedMs: ms.nullable(),
  /** The choice was exploration (Thompson sample or trying a little-known plan), not the model's best guess. */
  explored: z.boolean(),
});

export const plannerStatusSchema = z.object({
  /** off: no stack connected; loading: the vector index is being read; failed: see message. */
  state: z.enum(['off', 'loading', 'ready', 'failed']),
  /** What is happening or went wrong, and what to do next. */
  message: z.string().nullable(),
  /** How similarity is computed: pgvector on the server, or the in-process exact index kept in step with the table. */
  vectorPath: z.object({ kind: z.enum(['in-process', 'pgvector']), detail: z.string() }),
  index: z.object({ rows: count, bytes: count, loadedAt: z.number() }).nullable(),
  plans: z.array(z.object({ name: planNameSchema, description: z.string(), chosen: count, meanMs: ms.nullable() })),
  queries: count,
  model: z.object({
    observations: count,
    perPlan: perPlanCount,
    /** Still running the default plan because the model has too few observations. */
    fallback: z.boolean(),
    training: z.boolean(),
    trainings: count,
    trainedAt: z.number().nullable(),
    lastTrainMs: ms.nullable(),
  }),
  planCache: z.object({ entries: count, capacity: count, hits: count, misses: count }),
  /** The selector's own time per query (features, plan cache, model), in microseconds. */
  overheadUs: z.object({ mean: z.number().nonnegative(), p95: z.number().nonnegative() }).nullable(),
  regret: z.object({
    oracleSamples: count,
    selectorMeanMs: ms.nullable(),
    oracleMeanMs: ms.nullable(),
    bestFixedPlan: planNameSchema.nullable(),
    bestFixedMeanMs: ms.nullable(),
    meanRegretVsOracleMs: z.number().nullable(),
    meanRegretVsBestFixedMs: z.number().nullable(),
  }),
  /** The last 15 minutes, oldest first. */
  timeline: z.array(plannerIntervalSchema),
  /** The last 200 queries, oldest first. */
  recent: z.array(plannerSampleSchema),
});
export type PlannerStatusPayload = z.infer<typeof plannerStatusSchema>;
