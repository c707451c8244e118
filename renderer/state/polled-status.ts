import { createPoller } from './poller.ts';
import { toError } from './to-error.ts';

/** A page's status from the engine, refreshed every few seconds while the page is shown. */
export interface PolledStatus<S> {
  status: S | null;
  statusError: Error | null;
  startPolling(): void;
  stopPolling(): void;
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
}

/** The part of a store that loads `load()` now and every `intervalMs` while polling (see createPoller). */
export function polledStatus<S>(
  load: () => Promise<S>,
  set: (partial: Partial<PolledStatus<S>>) => void,
  intervalMs: number,
): PolledStatus<S> {
  const refresh = async (): Promise<void> => {
    try {
      set({ status: await load(), statusError: null });
    } catch (error) {
      set({ statusError: toError(error) });
    }
  };
  const poller = createPoller(refresh, intervalMs);
  return {
    status: null,
    statusError: null,
    startPolling: () => poller.start(),
    stopPolling: () => poller.stop(),
    setVisible: (visible) => poller.setVisible(visible),
    refresh,
  };
}
