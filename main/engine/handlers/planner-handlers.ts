import { idlePlannerStatus } from '../planner-thread.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type PlannerCommands = 'planner.status' | 'planner.retrain' | 'planner.reset';

/** What the console shows when no stack is connected: nothing learned, nothing loaded. */
const DISCONNECTED = idlePlannerStatus(
  'Connect to a database (or start the local demo stack) to use the plan selector.',
  'Chosen when a stack is connected.',
);

/** The Planner page's commands: the selector's status, retrain now, start over. */
export function plannerHandlers(ctx: EngineContext): HandlerGroup<PlannerCommands> {
  return {
    'planner.status': async () => (await ctx.connected()?.planner.status()) ?? DISCONNECTED,
    'planner.retrain': async () => await ctx.requireReady().planner.retrain(),
    'planner.reset': async () => await ctx.requireReady().planner.reset(),
  };
}
