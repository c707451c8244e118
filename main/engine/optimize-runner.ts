import { randomUUID } from 'node:crypto';
import type {
  AnalyzeParams,
  BuildProgressPayload,
  LatencyByTemplate,
  OptimizePlanPayload,
  OptimizeResultPayload,
} from '../contract/advisor.ts';
import { ContractError } from '../contract/api.ts';
import { buildOptimizeSteps, WARM_KEYS } from '../optimize/index.ts';
import type { AdvisorSession } from './advisor-session.ts';
import type { CacheSession } from './cache-session.ts';
import { MEASUREMENT_WINDOW_S } from '../workload/index.ts';
import { warmCache } from './cache-warmer.ts';

export interface OptimizeContext {
  advisor: AdvisorSession;
  cache: CacheSession | null;
  /** The running workload's templates (what the advisor weighs), or none. */
  templates(): Promise<{ name: string; sql: string; weight: number }[]>;
  /** p95 per template over the last MEASUREMENT_WINDOW_S of the running workload; null without one. */
  measure(): LatencyByTemplate | null;
  /** Resolves once the workload has run long enough on the new state for measure() to see only it. */
  settle(): Promise<void>;
  /** How long settle() waits, in ms (for the progress message). */
  settleMs: number;
  progress(phase: string, message: string, done: number, total: number): void;
  buildProgress(progress: BuildProgressPayload): void;
  log(level: 'info' | 'warn', message: string): void;
  signal: AbortSignal;
  gate: { whenRunning(): Promise<void> };
}

/** Plans are kept briefly so that apply runs exactly what the operator saw and confirmed. */
const PLAN_TTL_MS = 30 * 60_000;

/** "Optimize": plan (analysis + steps, nothing changed), then apply a confirmed plan step by step. */
export class OptimizeRunner {
  private readonly plans = new Map<string, OptimizePlanPayload>();

  constructor(private readonly ctx: () => OptimizeContext) {}

  /** `inputs`: statements from files and logs, pg_stat_activity sampling, a storage budget (advisor.analyze's). */
  async plan(inputs: AnalyzeParams = {}): Promise<OptimizePlanPayload> {
    const ctx = this.ctx();
    if (inputs.sampleActivitySeconds !== undefined) {
      ctx.progress('sampling', `Sampling pg_stat_activity for ${inputs.sampleActivitySeconds} s…`, 0, 0);
    }
    const advisor = await ctx.advisor.analyze(await ctx.templates(), inputs);
    const status = ctx.cache?.status([]) ?? null;
    const before = ctx.measure();
    const { steps, notes } = buildOptimizeSteps({
      advisor,
      readOnly: ctx.advisor.readOnly,
      cache: status && status.l1 ? { hotKeys: status.hotKeys, l1Entries: status.l1.entries } : null,
      workloadRunning: before !== null,
    });
    const plan: OptimizePlanPayload = { id: randomUUID(), at: Date.now(), steps, notes, before, advisor };
    for (const [id, old] of this.plans) if (plan.at - old.at > PLAN_TTL_MS) this.plans.delete(id);
    this.plans.set(plan.id, plan);
    return plan;
  }

  async apply(planId: string, only?: readonly string[]): Promise<OptimizeResultPayload> {
    const plan = this.plans.get(planId);
    if (!plan)
      throw new ContractError(
        'no-such-plan',
        'That Optimize plan is unknown or older than 30 minutes.',
        'Ask for a new plan (Optimize), review it, and apply that one.',
      );
    const ctx = this.ctx();
    const steps = plan.steps.filter((s) => !only || only.includes(s.id));
    const before = ctx.measure() ?? plan.before;
    const results: OptimizeResultPayload['steps'] = [];
    const builtEntries: string[] = [];
    for (const [index, step] of steps.entries()) {
      if (ctx.signal.aborted) {
        results.push({ id: step.id, status: 'cancelled', message: 'The engine is stopping.' });
        continue;
      }
      ctx.progress(step.kind, `Step ${index + 1} of ${steps.length}: ${step.title}`, index, steps.length);
      results.push(await this.runStep(ctx, step.id, builtEntries));
    }
    const settling = Math.max(0, Math.round(ctx.settleMs / 1000) - MEASUREMENT_WINDOW_S);
    ctx.progress(
      'measuring',
      `Measuring the workload on the result (${settling > 0 ? `it settles for ${settling} s, then ` : ''}${MEASUREMENT_WINDOW_S} s of live traffic count)…`,
      steps.length,
      steps.length,
    );
    let after: LatencyByTemplate | null = null;
    // Nothing changed when no step was done: there is no "after" to wait for.
    if (before !== null && results.some((r) => r.status === 'done')) {
      await ctx.settle();
      after = ctx.measure();
      // One measurement for the whole plan: the steps ran back to back, so each index is credited with the
      // plan's before and after (the history says which plan step it was by its time).
      for (const id of builtEntries)
        await ctx.advisor.history.setEffect(id, before ?? undefined, after ?? undefined).catch(() => undefined);
    }
    ctx.progress(
      'done',
      `Optimize finished: ${results.filter((r) => r.status === 'done').length} of ${steps.length} steps done.`,
      steps.length,
      steps.length,
    );
    this.plans.delete(planId);
    return { planId, steps: results, before, after, windowSeconds: MEASUREMENT_WINDOW_S };
  }

  private async runStep(ctx: OptimizeContext, id: string, builtEntries: string[]): Promise<OptimizeResultPayload['steps'][number]> {
    try {
      if (id.startsWith('index:')) {
        const outcome = await ctx.advisor.build(
          id.slice('index:'.length),
          { onProgress: (p) => ctx.buildProgress(p) },
          () => null,
          async () => undefined,
        );
        if (outcome.status === 'built' && outcome.entry) builtEntries.push(outcome.entry.id);
        return {
          id,
          status: outcome.status === 'built' ? 'done' : outcome.status === 'cancelled' ? 'cancelled' : 'failed',
          message: outcome.message,
        };
      }
      if (id === 'cache:warm' && ctx.cache) {
        const cache = ctx.cache;
        const result = await warmCache({
          cache: cache.cache,
          keys: cache.hotKeys.top(WARM_KEYS),
          load: (recipe) => cache.load(recipe),
          signal: ctx.signal,
          gate: ctx.gate,
        });
        return {
          id,
          status: 'done',
          message: `Warmed: ${result.loaded} keys loaded, ${result.alreadyCached} already cached, ${result.failed} failed.`,
        };
      }
      return { id, status: 'skipped', message: 'This step no longer applies (the cache is off).' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log('warn', `Optimize step ${id} failed: ${message}`);
      return { id, status: 'failed', message };
    }
  }
}
