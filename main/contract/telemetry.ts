import { z } from 'zod';
import { cacheIntervalSchema } from './cache.ts';
import { poolIntervalSchema } from './pool.ts';
import { memoryIntervalSchema } from './memory.ts';

/** Latency percentiles in milliseconds. */
export const latencySummarySchema = z.object({
  count: z.number().int().nonnegative(),
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const templateIntervalSchema = z.object({
  template: z.string(),
  /** Successful completions in the interval. */
  count: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Requests not sent because too many were in flight; counted as failures. */
  shed: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** End-to-end latency measured from each request's intended start (ms). */
  latency: latencySummarySchema,
  /** p99 of the wait for a pooled connection (ms). */
  acquireP99: z.number().nonnegative(),
  /** p99 of statement send-to-result time (ms). */
  serverP99: z.number().nonnegative(),
});
export type TemplateIntervalStats = z.infer<typeof templateIntervalSchema>;

export const workloadIntervalSchema = z.object({
  /** Wall-clock end of the interval, ms since the epoch. */
  at: z.number(),
  durationMs: z.number().nonnegative(),
  warmup: z.boolean(),
  /** Requests per second. */
  targetRate: z.number().nonnegative(),
  /** Successful completions per second. */
  achievedRate: z.number().nonnegative(),
  sent: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  /** How late our own sender dispatched the latest request (ms). */
  schedulerLagMs: z.number().nonnegative(),
  saturated: z.boolean(),
  /** One entry per template, then `all`. */
  templates: z.array(templateIntervalSchema),
});
export type WorkloadInterval = z.infer<typeof workloadIntervalSchema>;

/** One second of everything the console charts. Later capabilities add their own sections. */
export const telemetrySnapshotSchema = z.object({
  at: z.number(),
  workload: workloadIntervalSchema.nullable(),
  /** Null while no cache is set up (no stack connected). */
  cache: cacheIntervalSchema.nullable(),
  /** The workload pool; null while no stack is connected. */
  pool: poolIntervalSchema.nullable(),
  /** Resources and memory pressure; null until the memory manager's first reading. */
  memory: memoryIntervalSchema.nullable(),
});
export type TelemetrySnapshot = z.infer<typeof telemetrySnapshotSchema>;
