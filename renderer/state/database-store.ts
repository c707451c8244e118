import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { DatabaseActivity, TopStatements } from '../../main/contract/database.ts';
import { createPoller } from './poller.ts';
import { toError } from './to-error.ts';
import { pageStore } from './page-store.ts';

export const DATABASE_POLL_MS = 2000;
export const TOP_STATEMENTS_LIMIT = 15;

export interface DatabaseState {
  top: TopStatements | null;
  activity: DatabaseActivity | null;
  topError: Error | null;
  activityError: Error | null;
  /** True while a page wants fresh data (it may still be paused by a hidden document). */
  polling: boolean;
  startPolling(): void;
  stopPolling(): void;
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
  /** Cancels a backend's running query; only call after the user confirmed. */
  cancelQuery(pid: number): Promise<boolean>;
}

export type DatabaseStore = StoreApi<DatabaseState>;

/**
 * The database's own view (pg_stat_statements, pg_stat_activity), polled every 2 s
 * while the Database page is shown and the document visible.
 */
export function createDatabaseStore(api: EngineApi): DatabaseStore {
  return createStore<DatabaseState>()((set, get) => {
    const poller = createPoller(() => get().refresh(), DATABASE_POLL_MS);
    return {
      top: null,
      activity: null,
      topError: null,
      activityError: null,
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
        const [top, activity] = await Promise.allSettled([
          api.call('database.topStatements', { limit: TOP_STATEMENTS_LIMIT }),
          api.call('database.activity', {}),
        ]);
        set({
          ...(top.status === 'fulfilled' ? { top: top.value, topError: null } : { topError: toError(top.reason) }),
          ...(activity.status === 'fulfilled'
            ? { activity: activity.value, activityError: null }
            : { activityError: toError(activity.reason) }),
        });
      },
      async cancelQuery(pid) {
        const { cancelled } = await api.call('database.cancelQuery', { pid, confirm: true });
        void get().refresh();
        return cancelled;
      },
    };
  });
}

/** The Database page's store, as the page registry lists it and `usePageStore` finds it. */
export const DATABASE_STORE = pageStore('database', createDatabaseStore);
