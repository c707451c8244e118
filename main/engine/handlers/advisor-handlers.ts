import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyByTemplate } from '../../contract/advisor.ts';
import type { AdvisorSession } from '../advisor-session.ts';
import { MEASUREMENT_WINDOW_S, loadDemoProfile } from '../../workload/index.ts';
import { OptimizeRunner, type OptimizeContext } from '../optimize-runner.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type AdvisorCommands =
  'advisor.analyze' | 'advisor.status' | 'advisor.build' | 'advisor.cancelBuild' | 'advisor.rollback' | 'optimize.plan' | 'optimize.apply';

/** The index advisor (analyze, build, cancel, roll back) and "Optimize" (plan, then apply what was confirmed). */
export function advisorHandlers(ctx: EngineContext): HandlerGroup<AdvisorCommands> {
  const advisor = (): AdvisorSession => ctx.requireReady().advisor;
  const optimizer = new OptimizeRunner(() => optimizeContext(ctx));
  return {
    'advisor.analyze': async (p) => {
      const report = await advisor().analyze(await templates(ctx), p);
      ctx.log(
        'info',
        `Index analysis: ${report.proposals.length} proposal${report.proposals.length === 1 ? '' : 's'} from ${report.statements} statements (${report.method === 'hypopg' ? 'HypoPG what-if costs' : 'estimated costs'}); ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} on existing indexes.`,
      );
      return report;
    },
    'advisor.status': async () => {
      const ready = ctx.connected();
      if (!ready) return { readOnly: false, report: null, running: [], history: [] };
      return {
        readOnly: ready.advisor.readOnly,
        report: ready.advisor.latest(),
        running: ready.advisor.buildsRunning(),
        history: await ready.advisor.entries(),
      };
    },
    'advisor.build': async (p) => {
      const outcome = await advisor().build(
        p.name,
        { onProgress: (progress) => ctx.events.emit('index.progress', progress) },
        () => measure(ctx),
        () => settle(ctx),
      );
      ctx.log(outcome.status === 'built' ? 'info' : 'warn', `Index ${p.name}: ${outcome.message}`);
      return outcome;
    },
    'advisor.cancelBuild': async (p) => ({ cancelled: advisor().cancel(p.name) }),
    'advisor.rollback': async (p) => {
      const entry = await advisor().rollback(p.name);
      ctx.log('info', `Index ${p.name} rolled back (DROP INDEX CONCURRENTLY).`);
      return entry;
    },
    'optimize.plan': async (p) => optimizer.plan(p),
    'optimize.apply': async (p) => {
      const result = await ctx.loadLock.run('Optimize', () => optimizer.apply(p.planId, p.steps));
      ctx.log('info', `Optimize applied: ${result.steps.map((s) => `${s.id} ${s.status}`).join(', ')}.`);
      return result;
    },
  };
}

function optimizeContext(ctx: EngineContext): OptimizeContext {
  const ready = ctx.requireReady();
  return {
    advisor: ready.advisor,
    cache: ready.cache,
    templates: () => templates(ctx),
    measure: () => measure(ctx),
    settle: () => settle(ctx),
    settleMs: ctx.settleMs,
    progress: (phase, message, done, total) => ctx.events.emit('task.progress', { task: 'optimize', phase, message, done, total }),
    buildProgress: (progress) => ctx.events.emit('index.progress', progress),
    log: (level, message) => ctx.log(level, message),
    signal: ctx.stopping,
    gate: ctx.background,
  };
}

/** The running workload's templates, weighted as the profile says: what the advisor optimizes for. */
/**
 * What the advisor weighs besides pg_stat_statements: the running workload's templates; with none running on the
 * local demo stack, the demo profile's, since that stack exists to run it (Optimize right after start-up then builds
 * the demo's indexes instead of finding only the seeding's statements). A stack of yours gets no assumed workload.
 */
async function templates(ctx: EngineContext): Promise<{ name: string; sql: string; weight: number }[]> {
  const profile = ctx.workload()?.profile ?? (ctx.requireReady().stack.kind === 'local' ? await loadDemoProfile() : null);
  return profile?.templates.map((t) => ({ name: t.name, sql: t.sql, weight: t.weight })) ?? [];
}

/** p95 per template (ms) over the last MEASUREMENT_WINDOW_S of the running workload, or null without one. */
function measure(ctx: EngineContext): LatencyByTemplate | null {
  const summaries = ctx.workload()?.runner.recorder.recentSummaries(MEASUREMENT_WINDOW_S);
  if (!summaries) return null;
  const out: LatencyByTemplate = {};
  for (const [template, summary] of summaries) if (summary.count > 0) out[template] = summary.p95;
  return Object.keys(out).length > 0 ? out : null;
}

/** Waits until the latency window holds only the settled new state (ends early when the engine stops). */
function settle(ctx: EngineContext): Promise<void> {
  if (!ctx.workload()) return Promise.resolve();
  // The timers/promises form removes its abort listener when it fires: none piles up on the engine's signal.
  return sleep(ctx.settleMs, undefined, { signal: ctx.stopping }).catch(() => undefined);
}
