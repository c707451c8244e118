import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type {
  DatabaseActivity,
  DatabaseRates,
  DatabaseSizes,
  LockTree,
  RedisOverview,
  TopStatements,
  VacuumHealth,
} from '../../main/contract/database.ts';
import { createPoller } from './poller.ts';
import { toError } from './to-error.ts';
import { pageStore } from './page-store.ts';
import { appendRedisPoint, type RedisHistory } from './redis-history.ts';

export const DATABASE_POLL_MS = 2000;
export const TOP_STATEMENTS_LIMIT = 15;
/** Sizes (with the bloat estimate), vacuum ages and the Redis overview (a SCAN) are heavier reads: every 30 s, not every poll. */
export const CATALOG_REFRESH_MS = 30_000;
export const SIZES_LIMIT = 15;

export interface DatabaseState {
  top: TopStatements | null;
  activity: DatabaseActivity | null;
  topError: Error | null;
  activityError: Error | null;
  locks: LockTree | null;
  locksError: Error | null;
  rates: DatabaseRates | null;
  ratesError: Error | null;
  sizes: DatabaseSizes | null;
  sizesError: Error | null;
  vacuum: VacuumHealth | null;
  vacuumError: Error | null;
  redis: RedisOverview | null;
  redisError: Error | null;
  /** The Redis reads so far (INFO figures over time), oldest first. */
  redisHistory: RedisHistory;
  /** True while a page wants fresh data (it may still be paused by a hidden document). */
  polling: boolean;
  startPolling(): void;
  stopPolling(): void;
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
  /** Cancels a backend's running query; only call after the user confirmed. */
  cancelQuery(pid: number): Promise<boolean>;
  /** Terminates a backend's connection; only call after the user confirmed. */
  terminateBackend(pid: number): Promise<boolean>;
}

export type DatabaseStore = StoreApi<DatabaseState>;

/**
 * The database's own view (pg_stat_statements, pg_stat_activity, locks, pg_stat_database rates), polled every 2 s
 * while the Database page is shown and the document visible.
 */
export function createDatabaseStore(api: EngineApi): DatabaseStore {
  return createStore<DatabaseState>()((set, get) => {
    const poller = createPoller(() => get().refresh(), DATABASE_POLL_MS);
    let catalogReadAt = Number.NEGATIVE_INFINITY;
    return {
      top: null,
      activity: null,
      topError: null,
      activityError: null,
      locks: null,
      locksError: null,
      rates: null,
      ratesError: null,
      sizes: null,
      sizesError: null,
      vacuum: null,
      vacuumError: null,
      redis: null,
      redisError: null,
      redisHistory: [],
      polling: false,
      startPolling() {
        set({ polling: true });
        poller.start();
      },
      stopPolling() {
        set({ polling: false });
        poller.stop();
      },
      setVisible(visible) {
        poller.setVisible(visible);
      },
      async refresh() {
        const [top, activity, locks, rates] = await Promise.allSettled([
          api.call('database.topStatements', { limit: TOP_STATEMENTS_LIMIT }),
          api.call('database.activity', {}),
          api.call('database.locks', {}),
          api.call('database.rates', {}),
        ]);
        set({
          ...(top.status === 'fulfilled' ? { top: top.value, topError: null } : { topError: toError(top.reason) }),
          ...(activity.status === 'fulfilled'
            ? { activity: activity.value, activityError: null }
            : { activityError: toError(activity.reason) }),
          ...(locks.status === 'fulfilled' ? { locks: locks.value, locksError: null } : { locksError: toError(locks.reason) }),
          ...(rates.status === 'fulfilled' ? { rates: rates.value, ratesError: null } : { ratesError: toError(rates.reason) }),
        });
        if (Date.now() - catalogReadAt < CATALOG_REFRESH_MS) return;
        catalogReadAt = Date.now();
        const [sizes, vacuum, redis] = await Promise.allSettled([
          api.call('database.sizes', { limit: SIZES_LIMIT }),
          api.call('database.vacuum', { limit: SIZES_LIMIT }),
          api.call('database.redis', {}),
        ]);
        set({
          ...(sizes.status === 'fulfilled' ? { sizes: sizes.value, sizesError: null } : { sizesError: toError(sizes.reason) }),
          ...(vacuum.status === 'fulfilled' ? { vacuum: vacuum.value, vacuumError: null } : { vacuumError: toError(vacuum.reason) }),
          ...(redis.status === 'fulfilled'
            ? { redis: redis.value, redisError: null, redisHistory: appendRedisPoint(get().redisHistory, redis.value, Date.now()) }
            : { redisError: toError(redis.reason) }),
        });
        // A failed read is tried again at the next poll, not in 30 s.
        if (sizes.status === 'rejected' || vacuum.status === 'rejected' || redis.status === 'rejected')
          catalogReadAt = Number.NEGATIVE_INFINITY;
      },
      async cancelQuery(pid) {
        const { cancelled } = await api.call('database.cancelQuery', { pid, confirm: true });
        void get().refresh();
        return cancelled;
      },
      async terminateBackend(pid) {
        const { terminated } = await api.call('database.terminateBackend', { pid, confirm: true });
        void get().refresh();
        return terminated;
      },
    };
  });
}

/** The Database page's store, as the page registry lists it and `usePageStore` finds it. */
export const DATABASE_STORE = pageStore('database', createDatabaseStore);
