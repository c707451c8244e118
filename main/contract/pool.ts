import { z } from 'zod';

export const laneSchema = z.enum(['high', 'normal', 'low']);
export type PoolLane = z.infer<typeof laneSchema>;

const perLane = <T extends z.ZodType>(schema: T) => z.object({ high: schema, normal: schema, low: schema });
const count = z.number().int().nonnegative();

/** Percentiles in milliseconds over one interval; count 0 means nothing was measured. */
export const poolLatencySchema = z.object({
  count,
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
});
export type PoolLatency = z.infer<typeof poolLatencySchema>;

/** One server's workload pool over an interval: where the reads went, and how long they took there. */
export const poolServerSchema = z.object({
  server: z.string(),
  queries: count,
  usage: poolLatencySchema,
  /**
   * A replica's replication lag as last measured (main/engine/replica-lag.ts): seconds behind the primary and WAL
   * bytes not yet replayed; null when unknown (not measured yet, the probe failed, or nothing replayed since it
   * started). Absent on the primary.
   */
  lag: z.object({ seconds: z.number().nonnegative().nullable(), bytes: z.number().nonnegative().nullable() }).optional(),
});
export type PoolServer = z.infer<typeof poolServerSchema>;

/** The workload pool over one telemetry interval: gauges at its end, counts and percentiles over it. */
export const poolIntervalSchema = z.object({
  connections: z.object({ total: count, idle: count, active: count, opening: count }),
  activeByLane: perLane(count),
  waitingByLane: perLane(count),
  /** The concurrency limit in force (the maximum, or an adaptive limit below it). */
  limit: count,
  min: count,
  max: count,
  acquiresByLane: perLane(count),
  timeoutsByLane: perLane(count),
  errors: count,
  brokenConnections: count,
  leaks: count,
  acquireWaitByLane: perLane(poolLatencySchema),
  /** How long callers held a connection. */
  usage: poolLatencySchema,
  /**
   * Of the time callers spent in the pool (waiting for a connection or holding one), the share their queries ran;
   * null when nobody held or waited for a connection. What the overview's pool-efficiency tile judges (see
   * main/pool/pool-metrics.ts, UtilisationMeter).
   */
  efficiency: z.number().min(0).max(1).nullable(),
  /** Share of the whole interval's connection-time spent running queries. */
  busyShare: z.number().min(0).max(1),
  /**
   * With read replicas: per server (`primary`, `replica-1`, …), the queries its workload pool ran and how long its
   * connections were held over the interval. Absent without replicas (the whole interval is the primary's).
   */
  servers: z.array(poolServerSchema).optional(),
});
export type PoolInterval = z.infer<typeof poolIntervalSchema>;

export const sessionSettingsSchema = z.object({
  statementTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000),
  lockTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000),
  idleInTransactionTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000),
  workMemKb: z
    .number()
    .int()
    .min(64)
    .max(2 * 1024 * 1024),
  jit: z.boolean(),
  planCacheMode: z.enum(['auto', 'force_generic_plan', 'force_custom_plan']),
});
export type SessionSettingsPayload = z.infer<typeof sessionSettingsSchema>;

export const poolStatusSchema = z.object({
  /** False before a stack is connected. */
  enabled: z.boolean(),
  size: z
    .object({
      min: count,
      max: count,
      serverMaxConnections: count,
      otherConnections: count,
      /** Why max is what it is, in a sentence. */
      limitReason: z.string(),
    })
    .nullable(),
  settings: z
    .object({
      values: sessionSettingsSchema,
      /** Why each value, for the operator. */
      reasons: z.record(z.string(), z.string()),
      /** True when an applied change can be taken back. */
      canRevert: z.boolean(),
    })
    .nullable(),
  /** Connections held longer than the leak threshold, with the stack that took them. */
  leaks: z.array(z.object({ heldMs: z.number().nonnegative(), lane: laneSchema, stack: z.string() })),
});
export type PoolStatusPayload = z.infer<typeof poolStatusSchema>;

export const poolResizeParamsSchema = z
  .object({ min: z.number().int().min(0).max(10_000).optional(), max: z.number().int().min(1).max(10_000).optional() })
  .strict()
  .refine((p) => p.min !== undefined || p.max !== undefined, 'give min, max or both');

export const settingsChangeSchema = sessionSettingsSchema.partial().strict();
