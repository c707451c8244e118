import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { PlannerStatusPayload } from '../../main/contract/planner.ts';
import { formatCount, formatDuration } from '../format/units.ts';
import { polledStatus, type PolledStatus } from './polled-status.ts';
import { NO_OPERATOR_ACTION, operatorActionRunner, type OperatorActionState } from './operator-actions.ts';
import { pageStore } from './page-store.ts';

export const PLANNER_POLL_MS = 2000;

export type PlannerAction = 'retrain' | 'reset';

export interface PlannerState extends PolledStatus<PlannerStatusPayload>, OperatorActionState<PlannerAction> {
  /** Retrains the latency model now; resolves when the new model is in use. */
  retrain(): Promise<void>;
  /** Forgets every observation, the model and the plan cache (the page asks first). */
  reset(): Promise<void>;
}

export type PlannerStore = StoreApi<PlannerState>;

const observations = (n: number) => `${formatCount(n)} observation${n === 1 ? '' : 's'}`;

/** One sentence on a finished retraining: on how much, how long it took, and whether the model is in use yet. */
export function describeRetrain(status: PlannerStatusPayload): string {
  const { model } = status;
  const took = model.lastTrainMs === null ? '' : ` in ${formatDuration(model.lastTrainMs)}`;
  const use = model.fallback
    ? ' The selector still runs the default plan: it needs more observations before it trusts the model.'
    : ' The selector uses the new model from now on.';
  return `Model retrained on ${observations(model.observations)}${took}.${use}`;
}

/** What a reset took away, from the status before it. */
export function describeReset(before: PlannerStatusPayload | null): string {
  const forgotten = before
    ? `${observations(before.model.observations)}, the model and ${formatCount(before.planCache.entries)} cached plan choices`
    : 'every observation, the model and the plan cache';
  return `Planner reset: ${forgotten} forgotten. The selector runs the default plan until it has learned again.`;
}

/**
 * The Planner page's state: the selector's status (polled every 2 s while the page is shown and a stack is
 * connected; it carries its own 15-minute timeline, so the charts need nothing from the telemetry store), and the
 * operator's retrain and reset with their outcome.
 */
export function createPlannerStore(api: EngineApi): PlannerStore {
  return createStore<PlannerState>()((set, get) => {
    const act = operatorActionRunner<PlannerAction>(set, () => void get().refresh());
    return {
      ...polledStatus(() => api.call('planner.status', {}), set, PLANNER_POLL_MS),
      ...NO_OPERATOR_ACTION,
      retrain: () =>
        act('retrain', async () => {
          const status = await api.call('planner.retrain', {});
          set({ status });
          return describeRetrain(status);
        }),
      reset: () =>
        act('reset', async () => {
          const before = get().status;
          set({ status: await api.call('planner.reset', {}) });
          return describeReset(before);
        }),
    };
  });
}

/** The Planner page's store, as the page registry lists it and `usePageStore` finds it. */
export const PLANNER_STORE = pageStore('planner', createPlannerStore);
