import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { CacheFlushTarget, CacheStatusPayload } from '../../main/contract/cache.ts';
import { polledStatus, type PolledStatus } from './polled-status.ts';
import { NO_OPERATOR_ACTION, operatorActionRunner, type OperatorActionState } from './operator-actions.ts';
import { pageStore } from './page-store.ts';

export const CACHE_POLL_MS = 2000;

export type CacheAction = 'flush' | 'invalidate' | 'warm' | 'resize';

export interface CacheState extends PolledStatus<CacheStatusPayload>, OperatorActionState<CacheAction> {
  flush(target: CacheFlushTarget): Promise<void>;
  /** Removes one template's cached results from every tier, and from other Hotpaths' L1 on this stack. */
  invalidate(template: string): Promise<void>;
  warm(keys: number): Promise<void>;
  resize(l1Bytes: number): Promise<void>;
}

export type CacheStore = StoreApi<CacheState>;

const count = (n: number) => n.toLocaleString('en-US');
const MiB = 1024 * 1024;

/**
 * The Cache page's state: the tiers and the L1's size (polled every 2 s while the page is shown), and the
 * operator's actions with their outcome. Charts come from the telemetry store, not from here.
 */
export function createCacheStore(api: EngineApi): CacheStore {
  return createStore<CacheState>()((set, get) => {
    const act = operatorActionRunner<CacheAction>(set, () => void get().refresh());
    return {
      ...polledStatus(() => api.call('cache.status', {}), set, CACHE_POLL_MS),
      ...NO_OPERATOR_ACTION,
      flush: (target) =>
        act('flush', async () => {
          const result = await api.call('cache.flush', { tier: target });
          const removed = Object.entries(result.removed).flatMap(([tier, n]) =>
            n === undefined ? [] : [`${count(n)} from ${tier.toUpperCase()}`],
          );
          const what = removed.length > 0 ? `Removed ${removed.join(', ')}.` : 'Nothing to remove.';
          return result.complete ? what : `${what} A tier could not be reached: flush again once it is back.`;
        }),
      invalidate: (template) =>
        act('invalidate', async () => {
          const result = await api.call('cache.invalidate', { template });
          const removed = Object.entries(result.removed).flatMap(([tier, n]) =>
            n === undefined ? [] : [`${count(n)} from ${tier.toUpperCase()}`],
          );
          const what = `Cached results of ${template}: removed ${removed.length > 0 ? removed.join(', ') : 'nothing'}.`;
          return result.complete ? what : `${what} A tier could not be reached: invalidate again once it is back.`;
        }),
      warm: (keys) =>
        act('warm', async () => {
          const r = await api.call('cache.warm', { keys });
          return `Warmed ${count(r.keys)} hot keys in ${(r.elapsedMs / 1000).toFixed(1)} s: ${count(r.loaded)} loaded from the database, ${count(r.alreadyCached)} already cached${r.failed > 0 ? `, ${count(r.failed)} failed` : ''}.`;
        }),
      resize: (l1Bytes) =>
        act('resize', async () => {
          const status = await api.call('cache.resize', { l1Bytes });
          set({ status });
          return `L1 budget set to ${(l1Bytes / MiB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB; it holds ${((status.l1?.bytes ?? 0) / MiB).toFixed(1)} MiB now.`;
        }),
    };
  });
}

/** The Cache page's store, as the page registry lists it and `usePageStore` finds it. */
export const CACHE_STORE = pageStore('cache', createCacheStore);
