import type { SloJudge } from '../../slo/index.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type SloCommands = 'slo.status' | 'slo.setWindow';

/** The sustained success metrics: the report over the chosen window, and the choice of window. */
export function sloHandlers(ctx: EngineContext, judge: SloJudge): HandlerGroup<SloCommands> {
  return {
    'slo.status': async () => judge.report(),
    'slo.setWindow': async (p) => {
      judge.setWindow(p.windowSeconds);
      const report = judge.report();
      ctx.events.emit('slo.report', report); // every console shows the new window at once
      return report;
    },
  };
}
