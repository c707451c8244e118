import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { PoolStatusPayload, SessionSettingsPayload } from '../../main/contract/pool.ts';
import { createPoller } from './poller.ts';
import { toError } from './to-error.ts';
import { NO_OPERATOR_ACTION, operatorActionRunner, type OperatorActionState } from './operator-actions.ts';

export const POOL_POLL_MS = 2000;

export type PoolAction = 'resize' | 'check' | 'apply' | 'revert';

export interface PoolState extends OperatorActionState<PoolAction> {
  status: PoolStatusPayload | null;
  statusError: Error | null;
  startPolling(): void;
  stopPolling(): void;
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
  resize(size: { min?: number; max?: number }): Promise<void>;
  /** Asks the server whether it accepts the change; applies nothing. */
  check(change: Partial<SessionSettingsPayload>): Promise<void>;
  apply(change: Partial<SessionSettingsPayload>): Promise<void>;
  revert(): Promise<void>;
}

export type PoolStore = StoreApi<PoolState>;

const describeChange = (change: Partial<SessionSettingsPayload>) =>
  Object.entries(change)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');

/** The Pool page's state: size, session settings and leaks (polled while shown), and the operator's actions. */
export function createPoolStore(api: EngineApi): PoolStore {
  return createStore<PoolState>()((set, get) => {
    const poller = createPoller(() => get().refresh(), POOL_POLL_MS);
    const act = operatorActionRunner<PoolAction>(set);
    return {
      status: null,
      statusError: null,
      ...NO_OPERATOR_ACTION,
      startPolling: () => poller.start(),
      stopPolling: () => poller.stop(),
      setVisible: (visible) => poller.setVisible(visible),
      async refresh() {
        try {
          set({ status: await api.call('pool.status', {}), statusError: null });
        } catch (error) {
          set({ statusError: toError(error) });
        }
      },
      resize: (size) =>
        act('resize', async () => {
          const status = await api.call('pool.resize', size);
          set({ status });
          return `Pool resized: min ${status.size?.min} and max ${status.size?.max} connections.`;
        }),
      check: (change) =>
        act('check', async () => {
          await api.call('pool.proposeSettings', { change });
          return `The server accepts ${describeChange(change)}. Nothing was applied yet.`;
        }),
      apply: (change) =>
        act('apply', async () => {
          set({ status: await api.call('pool.applySettings', { change }) });
          return `Applied ${describeChange(change)}: idle connections have it now, busy ones when they come back.`;
        }),
      revert: () =>
        act('revert', async () => {
          set({ status: await api.call('pool.revertSettings', {}) });
          return 'Session settings are back to their previous values.';
        }),
    };
  });
}
