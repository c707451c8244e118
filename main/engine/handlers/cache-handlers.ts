import { ContractError } from '../../contract/api.ts';
import type { CacheStatusPayload } from '../../contract/cache.ts';
import type { CacheSession } from '../cache-session.ts';
import { templateInvalidationPrefix } from '../cached-workload-target.ts';
import { warmCache } from '../cache-warmer.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type CacheCommands = 'cache.status' | 'cache.flush' | 'cache.invalidate' | 'cache.warm' | 'cache.resize';

const DISABLED: CacheStatusPayload = { enabled: false, tiers: [], l1: null, cachedTemplates: [], hotKeys: 0 };

/** Flush, invalidate, warm and resize of the connected stack's cache, and what it is made of. */
export function cacheHandlers(ctx: EngineContext): HandlerGroup<CacheCommands> {
  const status = (): CacheStatusPayload => {
    const cache = ctx.requireConnected().cache;
    return cache ? cache.status(cachedTemplates(ctx)) : DISABLED;
  };
  return {
    'cache.status': async () => (ctx.connected() ? status() : DISABLED),
    'cache.flush': async (p) => {
      const result = await requireCache(ctx).flush(p.tier);
      const removed = Object.entries(result.removed)
        .flatMap(([tier, n]) => (n === undefined ? [] : [`${tier.toUpperCase()} ${n.toLocaleString('en')}`]))
        .join(', ');
      ctx.log(
        result.complete ? 'info' : 'warn',
        `Cache flushed (${p.tier}): removed ${removed || 'nothing'}${result.complete ? '' : '; a tier could not be reached, flush again when it is back'}.`,
      );
      return result;
    },
    'cache.invalidate': async (p) => {
      const cache = requireCache(ctx);
      // Every tier here, and (through the invalidation bus) the L1 of every other Hotpath on this database.
      const result = await cache.cache.invalidatePrefix(templateInvalidationPrefix(cache.namespace, p.template));
      const present = new Set(cache.status([]).tiers.map((t) => t.tier));
      const removed = {
        l1: result.l1Deleted,
        ...(present.has('l2') ? { l2: result.l2Deleted } : {}),
        ...(present.has('l3') ? { l3: result.l3Deleted } : {}),
      };
      const counts = Object.entries(removed)
        .map(([tier, n]) => `${tier.toUpperCase()} ${n.toLocaleString('en')}`)
        .join(', ');
      ctx.log(
        result.complete ? 'info' : 'warn',
        `Cached results of ${p.template} invalidated: removed ${counts}${result.complete ? '' : '; a tier could not be reached, invalidate again when it is back'}.`,
      );
      return { template: p.template, removed, complete: result.complete };
    },
    'cache.warm': async (p) => {
      const cache = requireCache(ctx);
      const keys = cache.hotKeys.top(p.keys);
      if (keys.length === 0) {
        throw new ContractError(
          'nothing-to-warm',
          'No hot keys are known yet: warming loads what recent traffic asked for.',
          'Run a workload with cached templates for a while, then warm.',
        );
      }
      ctx.events.emit('task.progress', {
        task: 'warm',
        phase: 'loading',
        message: `Warming ${keys.length.toLocaleString('en')} hot keys…`,
        done: 0,
        total: keys.length,
      });
      const result = await warmCache({
        cache: cache.cache,
        keys,
        load: (recipe) => cache.load(recipe),
        signal: ctx.stopping,
        gate: ctx.background,
        onProgress: (progress) =>
          ctx.events.emit('task.progress', {
            task: 'warm',
            phase: progress.done === progress.total ? 'done' : 'loading',
            message: `Warmed ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} hot keys (${progress.loaded.toLocaleString('en')} loaded from the database)`,
            done: progress.done,
            total: progress.total,
          }),
      });
      ctx.log(
        'info',
        `Cache warmed: ${result.loaded} keys loaded, ${result.alreadyCached} already cached, ${result.failed} failed, in ${(result.elapsedMs / 1000).toFixed(1)} s.`,
      );
      return result;
    },
    'cache.resize': async (p) => {
      requireCache(ctx).resizeL1(p.l1Bytes);
      ctx.log('info', `L1 cache budget set to ${(p.l1Bytes / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 1 })} MiB.`);
      return status();
    },
  };
}

function requireCache(ctx: EngineContext): CacheSession {
  const cache = ctx.requireConnected().cache;
  if (!cache)
    throw new ContractError('cache-off', 'The cache is turned off for this engine.', 'Start Hotpath without --no-cache to use it.');
  return cache;
}

function cachedTemplates(ctx: EngineContext): CacheStatusPayload['cachedTemplates'] {
  const templates = ctx.workload()?.profile.templates ?? [];
  return templates.flatMap((t) => (t.cache ? [{ template: t.name, ttlMs: t.cache.ttlSeconds * 1000 }] : []));
}
