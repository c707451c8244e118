import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { PoolStatusPayload, SessionSettingsPayload } from '../../main/contract/pool.ts';
import { polledStatus, type PolledStatus } from './polled-status.ts';
import { NO_OPERATOR_ACTION, operatorActionRunner, type OperatorActionState } from './operator-actions.ts';
import { pageStore } from './page-store.ts';

export const POOL_POLL_MS = 2000;

export type PoolAction = 'resize' | 'check' | 'apply' | 'revert';

export interface PoolState extends PolledStatus<PoolStatusPayload>, OperatorActionState<PoolAction> {
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
  return createStore<PoolState>()((set) => {
    const act = operatorActionRunner<PoolAction>(set);
    return {
      ...polledStatus(() => api.call('pool.status', {}), set, POOL_POLL_MS),
      ...NO_OPERATOR_ACTION,
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

/** The Pool page's store, as the page registry lists it and `usePageStore` finds it. */
export const POOL_STORE = pageStore('pool', createPoolStore);
