import { z } from 'zod';
import { sloIdSchema, sloJudgementSchema, sloSecondSchema } from './slo.ts';

/**
 * Defaults of a capacity search. The window is the seed's "sustained": 5 minutes (issue 19); settling skips the
 * seconds right after a rate change, when the backlog of the old rate drains and the cache and pool adapt; the
 * steps span the seed's goal (10,000 requests/s) and its stretch goal (20,000) in ten steps. Before the first step
 * the cache warms at the start rate until its hit rate is steady, for at most `warmupMaxSeconds` (0: no warm-up;
 * main/engine/capacity-warmup.ts).
 */
export const CAPACITY_DEFAULTS = {
  startRate: 2_000,
  step: 2_000,
  maxRate: 20_000,
  windowSeconds: 300,
  settleSeconds: 30,
  warmupMaxSeconds: 600,
} as const;

/** The judge keeps 15 minutes of seconds: no window can be longer. */
export const CAPACITY_MAX_WINDOW_SECONDS = 900;
/** A search is a handful of steps; more would run for days at the default window. */
export const CAPACITY_MAX_STEPS = 100;

const rate = z.number().positive().max(1_000_000).describe('requests per second');

export const capacityParamsSchema = z
  .object({
    startRate: rate.default(CAPACITY_DEFAULTS.startRate),
    step: rate.default(CAPACITY_DEFAULTS.step),
    maxRate: rate.default(CAPACITY_DEFAULTS.maxRate),
    windowSeconds: z.number().int().min(1).max(CAPACITY_MAX_WINDOW_SECONDS).default(CAPACITY_DEFAULTS.windowSeconds),
    settleSeconds: z.number().int().min(0).max(3_600).default(CAPACITY_DEFAULTS.settleSeconds),
    warmupMaxSeconds: z.number().int().min(0).max(3_600).default(CAPACITY_DEFAULTS.warmupMaxSeconds),
    confirm: z.literal(true, 'a capacity search drives the load up: it needs confirm: true'),
  })
  .strict()
  .refine((p) => p.maxRate >= p.startRate, { message: 'maxRate must be at least startRate', path: ['maxRate'] })
  .refine((p) => Math.floor((p.maxRate - p.startRate) / p.step) + 1 <= CAPACITY_MAX_STEPS, {
    message: `at most ${CAPACITY_MAX_STEPS} steps: raise step or lower maxRate`,
    path: ['step'],
  });
export type CapacityParams = z.output<typeof capacityParamsSchema>;

/** One metric that failed a step (or never got judged within the step's time), with its worst second. */
export const capacityFailureSchema = z.object({
  id: sloIdSchema,
  label: z.string(),
  /** The goal as people read it; for throughput, the step's own rate (see main/engine/capacity-steps.ts). */
  target: z.string(),
  /**
   * failed: a second missed the goal (memory, CPU: the window's mean did); unjudged: the window did not fill with
   * judged seconds in the step's time.
   */
  reason: z.enum(['failed', 'unjudged']),
  judgedOn: sloJudgementSchema,
  /** The window's mean, what a window-mean metric failed on (see SloJudgement); null when no second was judged. */
  mean: z.number().nullable(),
  worst: sloSecondSchema.nullable(),
});
export type CapacityFailure = z.infer<typeof capacityFailureSchema>;

export const capacityStepSchema = z.object({
  rate: z.number(),
  /** Mean successful completions per second over the seconds judged (after settling); null when none were. */
  achievedRate: z.number().nullable(),
  verdict: z.enum(['pass', 'fail']),
  /** Seconds judged after settling (the window when the step passed; fewer when it failed early). */
  secondsJudged: z.number().int().nonnegative(),
  failures: z.array(capacityFailureSchema),
});
export type CapacityStep = z.infer<typeof capacityStepSchema>;

/** The cache's warm-up before the first step (main/engine/capacity-warmup.ts). */
export const capacityWarmupSchema = z.object({
  seconds: z.number().int().nonnegative(),
  /** The cached reads' hit rate over the warm-up's last minute; null when none was read yet. */
  hitRate: z.number().min(0).max(1).nullable(),
  /** False when the warm-up ran out of time (or was cancelled) with the hit rate still rising. */
  steady: z.boolean(),
});
export type CapacityWarmup = z.infer<typeof capacityWarmupSchema>;

export const capacityResultSchema = z.object({
  params: z.object({
    startRate: z.number(),
    step: z.number(),
    maxRate: z.number(),
    windowSeconds: z.number(),
    settleSeconds: z.number(),
    warmupMaxSeconds: z.number(),
  }),
  /** Null when the workload read nothing through the cache (nothing to warm) or the search was told not to warm it. */
  warmup: capacityWarmupSchema.nullable(),
  steps: z.array(capacityStepSchema),
  /** The highest rate whose step passed: all eight held over a full window; null when the first step failed. */
  highestPassingRate: z.number().nullable(),
  /**
   * Why the search ended: a step failed (the answer is the step below); every step passed up to maxRate (capacity
   * is at least that); cancelled; the workload stopped or changed under it; the engine stopped.
   */
  ended: z.enum(['step-failed', 'max-rate-passed', 'cancelled', 'workload-gone', 'engine-stopping']),
  /** The seed's throughput goal (> 10,000 requests/s), and whether the highest passing rate meets it. */
  throughputGoal: z.number(),
  meetsThroughputGoal: z.boolean(),
  /** The workload's rate before the search, restored after it (null: the workload was gone at the end). */
  restoredRate: z.number().nullable(),
  startedAt: z.number(),
  endedAt: z.number(),
});
export type CapacityResult = z.infer<typeof capacityResultSchema>;

export const capacityStatusSchema = z.object({
  running: z.boolean(),
  /** What a search without parameters does (CAPACITY_DEFAULTS), for a console to say before it asks to confirm. */
  defaults: z.object({
    startRate: z.number(),
    step: z.number(),
    maxRate: z.number(),
    windowSeconds: z.number(),
    settleSeconds: z.number(),
    warmupMaxSeconds: z.number(),
  }),
  /** The last search that ended since the engine started (null before one). */
  last: capacityResultSchema.nullable(),
});
export type CapacityStatus = z.infer<typeof capacityStatusSchema>;

/** A metric's value as people read it: ms for latencies, requests/s for throughput, a percentage for the shares. */
export function formatSloValue(id: CapacityFailure['id'], value: number): string {
  if (id === 'p50' || id === 'p95' || id === 'p99') return `${value.toFixed(1)} ms`;
  if (id === 'throughput') return `${Math.round(value).toLocaleString('en')} req/s`;
  return `${(value * 100).toFixed(1)}%`;
}

/**
 * "p99 latency: 230.4 ms (< 100 ms)", "Throughput: 1,800 req/s, 40 requests shed", "CPU: not judged",
 * "CPU: mean 72.4%, worst second 91.0% (< 70% sustained)".
 */
export function describeCapacityFailure(failure: CapacityFailure): string {
  if (failure.reason === 'unjudged') return `${failure.label}: not judged`;
  if (failure.judgedOn === 'window-mean' && failure.mean !== null) {
    const worst = failure.worst ? `, worst second ${formatSloValue(failure.id, failure.worst.value)}` : '';
    return `${failure.label}: mean ${formatSloValue(failure.id, failure.mean)}${worst} (${failure.target})`;
  }
  if (!failure.worst) return `${failure.label}: failed`;
  const note = failure.worst.note ? `, ${failure.worst.note}` : '';
  return `${failure.label}: ${formatSloValue(failure.id, failure.worst.value)}${note} (${failure.target})`;
}
