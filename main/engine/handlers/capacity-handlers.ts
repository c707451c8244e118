import type { SloWindowSeconds } from '../../contract/slo.ts';
import type { SloJudge } from '../../slo/index.ts';
import { CapacityRunner, type CapacityProbe } from '../capacity-runner.ts';
import { judgeServed } from '../capacity-steps.ts';
import { cacheWarmth, WARMUP_WINDOW_SECONDS } from '../capacity-warmup.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type CapacityCommands = 'capacity.start' | 'capacity.cancel' | 'capacity.status';

/** "Find capacity": ramps the running workload's rate until one of the eight success metrics fails (see CapacityRunner). */
export function capacityHandlers(ctx: EngineContext, judge: SloJudge): HandlerGroup<CapacityCommands> {
  const runner = new CapacityRunner(ctx.stopping);
  return {
    'capacity.start': async (p) => {
      const result = await ctx.loadLock.run('A capacity search', () => runner.run(p, probe(ctx, judge)));
      const highest = result.highestPassingRate;
      ctx.log(
        'info',
        `Capacity search ended (${result.ended}): ${highest === null ? 'no step held all eight success metrics' : `all eight held at ${highest.toLocaleString('en')} req/s`}.`,
      );
      return result;
    },
    'capacity.cancel': async () => ({ cancelled: runner.cancel() }),
    'capacity.status': async () => runner.status(),
  };
}

/** The engine as a capacity search sees it: the workload running now (and only it), the judge, the engine's ticks. */
function probe(ctx: EngineContext, judge: SloJudge): CapacityProbe {
  const session = ctx.workload();
  const current = () => (session && ctx.workload() === session && session.runner.running ? session : null);
  return {
    now: () => Date.now(),
    rate: () => current()?.runner.targetRate ?? null,
    setRate: (rate) => {
      current()?.runner.setRate(rate);
      ctx.changed();
    },
    judge: (windowSeconds, sinceAt, rate) => {
      // The judge's windows are typed as the console's choices (60/300/900 s); judgeWindow counts any number of
      // ticks up to the 15 minutes it keeps, which capacityParamsSchema bounds the window to.
      const report = judge.report(windowSeconds as SloWindowSeconds, { sinceAt });
      const served = judgeServed(ctx.history.recent(windowSeconds), rate, windowSeconds, sinceAt);
      return {
        metrics: report.metrics.map((metric) => (metric.id === 'throughput' ? served.report : metric)),
        achievedRate: served.achievedRate,
      };
    },
    cacheWarmth: (sinceAt) =>
      ctx.connected()?.cache && current()?.profile.templates.some((t) => t.cache)
        ? cacheWarmth(ctx.history.recent(2 * WARMUP_WINDOW_SECONDS), sinceAt)
        : { state: 'no-cache' },
    nextSecond: (signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          off();
          signal.removeEventListener('abort', done);
          resolve();
        };
        // The engine's tick (one a second), not slo.report: a console changing the window emits that one too.
        const off = ctx.events.subscribe('telemetry.snapshot', done);
        if (signal.aborted) done();
        else signal.addEventListener('abort', done, { once: true });
      }),
    progress: (phase, message, done, total) => {
      ctx.events.emit('task.progress', { task: 'capacity', phase, message, done, total });
      // Each finished step is also a log line: a host that shows progress as a bar keeps the steps' record.
      if (phase === 'pass' || phase === 'fail') ctx.log(phase === 'pass' ? 'info' : 'warn', `Capacity: ${message}`);
    },
  };
}
