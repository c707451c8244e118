import { z } from 'zod';

/** The seed's eight success metrics, in the seed's order. */
export const SLO_IDS = ['p50', 'p95', 'p99', 'throughput', 'cache-hit-rate', 'pool-efficiency', 'memory', 'cpu'] as const;
export const sloIdSchema = z.enum(SLO_IDS);
export type SloId = z.infer<typeof sloIdSchema>;

/** The windows an operator may judge over, in seconds: 1, 5 and 15 minutes (the engine keeps 15 minutes). */
export const SLO_WINDOWS = [60, 300, 900] as const;
export const sloWindowSchema = z.union([z.literal(60), z.literal(300), z.literal(900)]);
export type SloWindowSeconds = z.infer<typeof sloWindowSchema>;
export const DEFAULT_SLO_WINDOW: SloWindowSeconds = 60;

/**
 * pass: the full window met the target; fail: it did not (for a metric judged each second, as soon as one second in
 * it failed); waiting: neither yet.
 */
export const sloVerdictSchema = z.enum(['pass', 'fail', 'waiting']);
export type SloVerdict = z.infer<typeof sloVerdictSchema>;

/** ms for latencies, requests per second for throughput, 0..1 for the shares (hit rate, efficiency, memory, CPU). */
export const sloUnitSchema = z.enum(['ms', 'requests-per-second', 'ratio']);
export type SloUnit = z.infer<typeof sloUnitSchema>;

/**
 * How a window is judged. each-second: every second must meet the target (latency, throughput, cache hit rate, pool
 * efficiency: a bad second is a bad second for the requests in it). window-mean: the mean of the window's seconds
 * must; the seed asks memory and CPU "sustained", so a second of a garbage collector's marking above 70% CPU is not a
 * failure, a minute of it is.
 */
export const sloJudgementSchema = z.enum(['each-second', 'window-mean']);
export type SloJudgement = z.infer<typeof sloJudgementSchema>;

/** What each metric is judged against: the seed's goals, as people read them and as numbers. */
export interface SloDefinition {
  id: SloId;
  /** What is measured, e.g. "p99 latency". */
  label: string;
  /** The goal as people read it, e.g. "< 100 ms". */
  target: string;
  /** The goal as a number in `unit`. */
  threshold: number;
  /** below: a second passes when its value is below the threshold; above: when it is above. */
  direction: 'below' | 'above';
  unit: SloUnit;
  judgedOn: SloJudgement;
}

/** The seed's eight success metrics, in SLO_IDS' order: the engine judges them, consoles label them from here. */
export const SLO_DEFINITIONS: readonly SloDefinition[] = [
  { id: 'p50', label: 'p50 latency', target: '< 10 ms', threshold: 10, direction: 'below', unit: 'ms', judgedOn: 'each-second' },
  { id: 'p95', label: 'p95 latency', target: '< 50 ms', threshold: 50, direction: 'below', unit: 'ms', judgedOn: 'each-second' },
  { id: 'p99', label: 'p99 latency', target: '< 100 ms', threshold: 100, direction: 'below', unit: 'ms', judgedOn: 'each-second' },
  {
    id: 'throughput',
    label: 'Throughput',
    target: '> 10,000 req/s',
    threshold: 10_000,
    direction: 'above',
    unit: 'requests-per-second',
    judgedOn: 'each-second',
  },
  {
    id: 'cache-hit-rate',
    label: 'Cache hit rate',
    target: '> 80%',
    threshold: 0.8,
    direction: 'above',
    unit: 'ratio',
    judgedOn: 'each-second',
  },
  {
    id: 'pool-efficiency',
    label: 'Pool efficiency',
    target: '> 90%',
    threshold: 0.9,
    direction: 'above',
    unit: 'ratio',
    judgedOn: 'each-second',
  },
  { id: 'memory', label: 'Memory', target: '< 80% sustained', threshold: 0.8, direction: 'below', unit: 'ratio', judgedOn: 'window-mean' },
  { id: 'cpu', label: 'CPU', target: '< 70% sustained', threshold: 0.7, direction: 'below', unit: 'ratio', judgedOn: 'window-mean' },
];

/** One judged second of one metric. */
export const sloSecondSchema = z.object({
  /** Wall-clock end of the second (the telemetry snapshot's `at`), ms since the epoch. */
  at: z.number(),
  value: z.number(),
  passed: z.boolean(),
  /** Why a second failed whatever its value says, e.g. "120 requests shed". */
  note: z.string().nullable(),
});
export type SloSecond = z.infer<typeof sloSecondSchema>;

/** One metric over one window; its definition's fields (SloDefinition) come along, so a report reads on its own. */
export const sloMetricReportSchema = z.object({
  id: sloIdSchema,
  label: z.string(),
  target: z.string(),
  threshold: z.number(),
  direction: z.enum(['below', 'above']),
  unit: sloUnitSchema,
  judgedOn: sloJudgementSchema,
  verdict: sloVerdictSchema,
  /** Seconds of the window so far (the current run, at most the window); the window is full at `windowSeconds`. */
  secondsIn: z.number().int().nonnegative(),
  /** Of those, the seconds that passed and failed (the rest had nothing to measure). */
  passedSeconds: z.number().int().nonnegative(),
  failedSeconds: z.number().int().nonnegative(),
  /** The mean of the judged seconds' values in the window: what a window-mean metric is judged on; null before one. */
  mean: z.number().nullable(),
  /** The worst judged second in the window (a failed one before any passed one); null when none was judged. */
  worst: sloSecondSchema.nullable(),
  /** The newest second, when it was judged. */
  current: sloSecondSchema.nullable(),
});
export type SloMetricReport = z.infer<typeof sloMetricReportSchema>;

/** The eight metrics judged over one window, as of one engine tick. */
export const sloReportSchema = z.object({
  /** The newest second judged (the telemetry snapshot's `at`); null before the engine's first tick. */
  at: z.number().nullable(),
  windowSeconds: sloWindowSchema,
  metrics: z.array(sloMetricReportSchema),
});
export type SloReport = z.infer<typeof sloReportSchema>;
