import type { PlanNamePayload, PlannerIntervalPayload, PlannerStatusPayload } from '../../main/contract/planner.ts';

// Pure shaping of `planner.status` for the Planner page's charts and tiles. The plan names come from the status
// itself (renderer/ may import only the contract's types), in the order the engine lists its plans.

/** One 10-second bucket of the plan-choice chart: how many queries went to each plan. */
export type ChoicePoint = { at: number } & Partial<Record<PlanNamePayload, number>>;

/** One bucket of the latency chart: measured against predicted, both means over the chosen plans, in ms. */
export interface PlannerLatencyPoint {
  at: number;
  actualMs: number | null;
  predictedMs: number | null;
}

/** One bucket of the regret chart, in ms (negative: the selector beat the best fixed plan there). */
export interface PlannerRegretPoint {
  at: number;
  vsOracleMs: number | null;
  vsBestFixedMs: number | null;
}

/** One executed query with a prediction, for the predicted-versus-actual scatter. */
export interface PlannerScatterPoint {
  at: number;
  plan: PlanNamePayload;
  actualMs: number;
  predictedMs: number;
  explored: boolean;
}

/** Every plan the status mentions: its list first (the engine's order), then any other name seen in a bucket. */
export function planNamesOf(status: Pick<PlannerStatusPayload, 'plans' | 'timeline'>): PlanNamePayload[] {
  const names = status.plans.map((p) => p.name);
  for (const bucket of status.timeline) {
    for (const name of Object.keys(bucket.choices) as PlanNamePayload[]) if (!names.includes(name)) names.push(name);
  }
  return names;
}

export function choicePoints(timeline: readonly PlannerIntervalPayload[], plans: readonly PlanNamePayload[]): ChoicePoint[] {
  return timeline.map((bucket) => {
    const point: ChoicePoint = { at: bucket.at };
    for (const plan of plans) point[plan] = bucket.choices[plan] ?? 0;
    return point;
  });
}

export function latencyPoints(timeline: readonly PlannerIntervalPayload[]): PlannerLatencyPoint[] {
  return timeline.map((b) => ({ at: b.at, actualMs: b.meanMs, predictedMs: b.predictedMeanMs }));
}

export function regretPoints(timeline: readonly PlannerIntervalPayload[]): PlannerRegretPoint[] {
  return timeline.map((b) => ({ at: b.at, vsOracleMs: b.regretVsOracleMs, vsBestFixedMs: b.regretVsBestFixedMs }));
}

/** The recent queries the model made a prediction for (in fallback it predicts nothing, so those have no point). */
export function scatterPoints(recent: PlannerStatusPayload['recent']): PlannerScatterPoint[] {
  const points: PlannerScatterPoint[] = [];
  for (const s of recent) {
    if (s.predictedMs !== null)
      points.push({ at: s.at, plan: s.plan, actualMs: s.actualMs, predictedMs: s.predictedMs, explored: s.explored });
  }
  return points;
}

/** Above this ratio of the largest to the smallest latency, the scatter uses log axes (a few slow queries would squash the rest). */
export const LOG_AXES_FROM_RATIO = 20;

/**
 * One shared scale for both axes of the scatter, so the y = x line is the diagonal: linear from 0, or logarithmic
 * when the latencies span more than LOG_AXES_FROM_RATIO. On log axes a 0 ms figure sits at the floor (half the
 * smallest positive figure), as a log scale has no 0.
 */
export interface ScatterScale {
  log: boolean;
  domain: [number, number];
  /** Round ticks for both axes: powers of ten on log axes, even steps on linear ones. */
  ticks: number[];
  floor: number;
}

export function scatterScale(points: readonly PlannerScatterPoint[]): ScatterScale {
  const values = points.flatMap((p) => [p.actualMs, p.predictedMs]);
  const positive = values.filter((v) => v > 0);
  const max = Math.max(0, ...values);
  if (positive.length === 0 || max / Math.min(...positive) < LOG_AXES_FROM_RATIO) return linearScale(max);
  const floor = Math.min(...positive) / 2;
  const low = Math.floor(Math.log10(floor));
  const high = Math.ceil(Math.log10(max));
  const ticks = Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
  return { log: true, domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks, floor };
}

/** From 0 to a round end at or above `max`, in 4 to 5 even steps of 1, 2 or 5 times a power of ten. */
function linearScale(max: number): ScatterScale {
  const top = max > 0 ? max : 1;
  const power = 10 ** Math.floor(Math.log10(top / 4));
  const step = ([1, 2, 5, 10].find((m) => m * power * 5 >= top) ?? 10) * power;
  const steps = Math.ceil(top / step);
  const ticks = Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { log: false, domain: [0, ticks[ticks.length - 1]!], ticks, floor: 0 };
}

export type ModelState = 'training' | 'fallback' | 'learning' | 'trained';

/**
 * The model in one word. Training wins (it is what happens now); fallback is the default plan for want of
 * observations; learning has enough of them but no trained model yet; trained has one in use.
 */
export function modelState(model: PlannerStatusPayload['model']): ModelState {
  if (model.training) return 'training';
  if (model.fallback) return 'fallback';
  return model.trainedAt === null ? 'learning' : 'trained';
}

/** Regret as a share of what it is measured against (the oracle's or the best fixed plan's mean); null when unknown. */
export function regretShare(regretMs: number | null, baseMs: number | null): number | null {
  if (regretMs === null || baseMs === null || baseMs <= 0) return null;
  return regretMs / baseMs;
}
