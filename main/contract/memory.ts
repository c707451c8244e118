import { z } from 'zod';

const bytes = z.number().nonnegative();
export const pressureLevelSchema = z.enum(['normal', 'moderate', 'aggressive']);
export type PressureLevelPayload = z.infer<typeof pressureLevelSchema>;

export const cleanupStepSchema = z.object({
  step: z.string(),
  status: z.enum(['done', 'skipped', 'failed']),
  /** RSS given back, measured around the step (often ~0 at once: V8 returns pages later); may be negative. */
  freedBytes: z.number(),
  freedHeapBytes: z.number(),
  tookMs: z.number().nonnegative(),
  detail: z.string(),
});

export const memoryActionSchema = z.object({
  at: z.number(),
  level: pressureLevelSchema,
  kind: z.enum(['cleanup', 'restore']),
  trigger: z.enum(['automatic', 'operator']),
  /** Why, with the numbers ("entered aggressive: RSS 612 MiB is 91% of the 672 MiB budget"). */
  reason: z.string(),
  steps: z.array(cleanupStepSchema),
});
export type MemoryActionPayload = z.infer<typeof memoryActionSchema>;

/** Resources and memory pressure, as of the manager's latest reading (every 2 s). */
export const memoryIntervalSchema = z.object({
  process: z.object({
    rssBytes: bytes,
    heapUsedBytes: bytes,
    heapLimitBytes: bytes,
    externalBytes: bytes,
    arrayBuffersBytes: bytes,
    /** top-style: 100 = one core busy. */
    cpuPercent: z.number().nonnegative(),
  }),
  eventLoop: z.object({
    delayP50Ms: z.number().nonnegative(),
    delayP99Ms: z.number().nonnegative(),
    utilization: z.number().min(0).max(1),
  }),
  machine: z.object({
    totalBytes: bytes,
    availableBytes: bytes,
    cpuLoadPercent: z.number().nullable(),
    cores: z.number().int().positive(),
  }),
  /** The local stack's servers, when Hotpath started them. */
  children: z.array(z.object({ name: z.enum(['postgres', 'redis']), rssBytes: z.number().nullable(), cpuPercent: z.number().nullable() })),
  level: pressureLevelSchema,
  /** max(RSS / budget, machine memory in use); what the levels are decided on. */
  usage: z.number().nonnegative(),
  usageSource: z.enum(['budget', 'machine']),
  budgetBytes: bytes,
  l1Bytes: z.number().nonnegative().nullable(),
  /** Actions taken since the previous snapshot (each appears once on the timeline). */
  actions: z.array(memoryActionSchema),
});
export type MemoryInterval = z.infer<typeof memoryIntervalSchema>;

export const memoryStatusSchema = z.object({
  level: pressureLevelSchema,
  usage: z.number().nullable(),
  budgetBytes: bytes,
  /** Automatic cleanups paused by the operator (restorations still run). */
  paused: z.boolean(),
  backgroundPaused: z.boolean(),
  cleanups: z.object({ moderate: z.number().int().nonnegative(), aggressive: z.number().int().nonnegative() }),
  /** The most recent actions, newest last. */
  actions: z.array(memoryActionSchema),
  /** Whether V8 collections can be asked for (the process was started with --expose-gc). */
  gcExposed: z.boolean(),
});
export type MemoryStatusPayload = z.infer<typeof memoryStatusSchema>;

/** The budget a user may set: 64 MiB to 1 TiB (the engine also refuses more than the machine has). */
export const MEMORY_BUDGET_MIN = 64 * 1024 * 1024;
export const MEMORY_BUDGET_MAX = 1024 ** 4;
