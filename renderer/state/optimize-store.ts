import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OptimizePlanPayload, OptimizeResultPayload } from '../../main/contract/advisor.ts';
import type { EngineApi } from '../../main/contract/api.ts';
import { toError } from './to-error.ts';

export type OptimizeStage = 'closed' | 'planning' | 'review' | 'applying' | 'done';

export interface OptimizeState {
  stage: OptimizeStage;
  plan: OptimizePlanPayload | null;
  result: OptimizeResultPayload | null;
  error: Error | null;
  /** Asks the engine for a plan (analysis + steps; nothing changes) and shows it for review. */
  open(): Promise<void>;
  /** Applies the reviewed plan; only after the operator confirmed. */
  apply(): Promise<void>;
  close(): void;
}

export type OptimizeStore = StoreApi<OptimizeState>;

/** "Optimize": plan → review (confirm) → apply with progress → before/after. */
export function createOptimizeStore(api: EngineApi, onApplied: () => void = () => undefined): OptimizeStore {
  return createStore<OptimizeState>()((set, get) => ({
    stage: 'closed',
    plan: null,
    result: null,
    error: null,
    async open() {
      set({ stage: 'planning', plan: null, result: null, error: null });
      try {
        const plan = await api.call('optimize.plan', {});
        if (get().stage === 'planning') set({ stage: 'review', plan });
      } catch (error) {
        set({ stage: 'review', error: toError(error) });
      }
    },
    async apply() {
      const plan = get().plan;
      if (!plan) return;
      set({ stage: 'applying', error: null });
      try {
        set({ stage: 'done', result: await api.call('optimize.apply', { planId: plan.id, confirm: true }) });
        onApplied();
      } catch (error) {
        set({ stage: 'review', error: toError(error) });
      }
    },
    close() {
      if (get().stage !== 'applying') set({ stage: 'closed' });
    },
  }));
}
