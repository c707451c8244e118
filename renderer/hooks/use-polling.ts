import { useEffect } from 'react';

interface PollingStore {
  getState(): { startPolling(): void; stopPolling(): void };
}

/** Polls `store` while the page using it is mounted and `enabled` (a stack connected); stops when either ends. */
export function usePolling(store: PollingStore, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    store.getState().startPolling();
    return () => store.getState().stopPolling();
  }, [store, enabled]);
}
