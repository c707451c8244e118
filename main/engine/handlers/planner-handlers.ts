import type { PlannerStatusPayload } from '../../contract/planner.ts';
import { PLAN_NAMES } from '../../contract/planner.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type PlannerCommands = 'planner.status' | 'planner.retrain' | 'planner.reset';

/** What the console shows when no stack is connected: nothing learned, nothing loaded. */
const DISCONNECTED: PlannerStatusPayload = {
  state: 'off',
  message: 'Connect to a database (or start the local demo stack) to use the plan selector.',
  vectorPath: { kind: 'in-process', detail: 'Chosen when a stack is connected.' },
  index: null,
  plans: [],
  queries: 0,
  model: { observations: 0, perPlan: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, 0])) as PlannerStatusPayload['model']['perPlan'], fallback: true, training: false, trainings: 0, trainedAt: null, lastTrainMs: null },
  planCache: { entries: 0, capacity: 0, hits: 0, misses: 0 },
  overheadUs: null,
  regret: { oracleSamples: 0, selectorMeanMs: null, oracleMeanMs: null, bestFixedPlan: null, bestFixedMeanMs: null, meanRegretVsOracleMs: null, meanRegretVsBestFixedMs: null },
  timeline: [],
  recent: [],
};

/** The Planner page's commands: the selector's status, retrain now, start over. */
export function plannerHandlers(ctx: EngineContext): HandlerGroup<PlannerCommands> {
  return {
    'planner.status': async () => ctx.connected()?.planner.status() ?? DISCONNECTED,
    'planner.retrain': async () => await ctx.requireReady().planner.retrain(),
    'planner.reset': async () => ctx.requireReady().planner.reset(),
  };
}
