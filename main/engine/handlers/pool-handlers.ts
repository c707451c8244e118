import type { PoolStatusPayload, SessionSettingsPayload } from '../../contract/pool.ts';
import type { PoolManager } from '../../pool/index.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type PoolCommands = 'pool.status' | 'pool.resize' | 'pool.proposeSettings' | 'pool.applySettings' | 'pool.revertSettings';

const DISCONNECTED: PoolStatusPayload = { enabled: false, size: null, settings: null, leaks: [] };

/** The workload pool's size and session settings: read, change (validated by the server), revert. */
export function poolHandlers(ctx: EngineContext): HandlerGroup<PoolCommands> {
  const status = (pool: PoolManager): PoolStatusPayload => {
    const { values, reasons, canRevert } = pool.settings();
    return {
      enabled: true,
      size: pool.size(),
      // The pool validates plan_cache_mode with the server; the contract names its three values.
      settings: { values: values as SessionSettingsPayload, reasons, canRevert },
      leaks: pool.leaks().map((leak) => ({ heldMs: leak.heldMs, lane: leak.lane, stack: leak.stack })),
    };
  };
  return {
    'pool.status': async () => {
      const ready = ctx.connected();
      return ready ? status(ready.pool) : DISCONNECTED;
    },
    'pool.resize': async (p) => {
      const pool = ctx.requireConnected().pool;
      const size = await pool.resize({ ...(p.min === undefined ? {} : { min: p.min }), ...(p.max === undefined ? {} : { max: p.max }) });
      ctx.log('info', `Workload pool resized: min ${size.min}, max ${size.max} connections (${size.limitReason}).`);
      return status(pool);
    },
    'pool.proposeSettings': async (p) =>
      (await ctx.requireConnected().pool.proposeSettings(givenSettings(p.change))) as SessionSettingsPayload,
    'pool.applySettings': async (p) => {
      const pool = ctx.requireConnected().pool;
      await pool.applySettings(givenSettings(p.change));
      ctx.log(
        'info',
        `Session settings changed: ${Object.entries(p.change)
          .map(([k, v]) => `${k} = ${String(v)}`)
          .join(', ')}.`,
      );
      return status(pool);
    },
    'pool.revertSettings': async () => {
      const pool = ctx.requireConnected().pool;
      if (pool.settings().canRevert) {
        await pool.revertSettings();
        ctx.log('info', 'Session settings reverted to the previous values.');
      }
      return status(pool);
    },
  };
}

/**
 * The settings a change names. A key present with no value (IPC's structured clone keeps undefined) names none:
 * spread over the overrides in force, it would erase one instead of leaving it be.
 */
function givenSettings<T extends object>(change: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
