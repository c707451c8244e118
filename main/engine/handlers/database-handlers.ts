import type pg from 'pg';
import {
  readActivity,
  cancelQuery,
  readLockTree,
  readDatabaseSizes,
  readVacuumHealth,
  DatabaseRatesSampler,
  terminateBackend,
  readRedisOverview,
} from '../../database/index.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type DatabaseCommands =
  | 'database.topStatements'
  | 'database.activity'
  | 'database.cancelQuery'
  | 'database.locks'
  | 'database.sizes'
  | 'database.vacuum'
  | 'database.rates'
  | 'database.terminateBackend'
  | 'database.redis';

/** The database's own view of itself, read through the engine's admin pool of the connected stack. */
export function databaseHandlers(ctx: EngineContext): HandlerGroup<DatabaseCommands> {
  // One rates sampler per connected stack: a new stack brings a new admin pool, hence a fresh series.
  const rateSamplers = new WeakMap<pg.Pool, DatabaseRatesSampler>();
  const ratesOf = (admin: pg.Pool): DatabaseRatesSampler => {
    let sampler = rateSamplers.get(admin);
    if (!sampler) rateSamplers.set(admin, (sampler = new DatabaseRatesSampler(admin)));
    return sampler;
  };
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
    'database.locks': async () => readLockTree(ctx.requireConnected().admin),
    'database.sizes': async (p) => readDatabaseSizes(ctx.requireConnected().admin, p.limit),
    'database.vacuum': async (p) => readVacuumHealth(ctx.requireConnected().admin, p.limit),
    'database.rates': async () => ratesOf(ctx.requireConnected().admin).sample(),
    'database.terminateBackend': async (p) => {
      const result = await terminateBackend(ctx.requireConnected().admin, p.pid);
      ctx.log(
        'info',
        result.terminated
          ? `Terminated the connection of pid ${p.pid}.`
          : `PostgreSQL signalled pid ${p.pid}, but it had not ended within the wait (or had just closed).`,
      );
      return result;
    },
    'database.redis': async (p) => {
      const redis = ctx.requireConnected().stack.redis;
      if (!redis) {
        return {
          available: false,
          reason:
            'This stack has no Redis: connect one (a Redis URL with the PostgreSQL one) to see its memory, hit ratio, slow log and biggest keys.',
          server: null,
          slowlog: { entries: [], error: null },
          bigKeys: { keys: [], scanned: 0, complete: false, error: null },
        };
      }
      return readRedisOverview(redis.url, redis.displayUrl, { keys: p.keys, scanBudget: p.scanBudget });
    },
  };
}
