import { readActivity, cancelQuery } from '../../database/index.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type DatabaseCommands = 'database.topStatements' | 'database.activity' | 'database.cancelQuery';

/** The database's own view of itself, read through the engine's admin pool of the connected stack. */
export function databaseHandlers(ctx: EngineContext): HandlerGroup<DatabaseCommands> {
  return {
    'database.topStatements': async (p) => ctx.requireConnected().topStatements.sample(p.limit),
    'database.activity': async () => readActivity(ctx.requireConnected().admin),
    'database.cancelQuery': async (p) => {
      const result = await cancelQuery(ctx.requireConnected().admin, p.pid);
      ctx.log(
        'info',
        result.cancelled
          ? `Asked PostgreSQL to cancel the query of pid ${p.pid}.`
          : `PostgreSQL could not signal pid ${p.pid} (the connection had just closed).`,
      );
      return result;
    },
  };
}
