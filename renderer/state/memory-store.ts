import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { MemoryActionPayload, MemoryStatusPayload } from '../../main/contract/memory.ts';
import { formatAge, formatBytes, formatShare } from '../format/units.ts';
import { freedBy } from './memory-series.ts';
import { polledStatus, type PolledStatus } from './polled-status.ts';
import { NO_OPERATOR_ACTION, operatorActionRunner, type OperatorActionState } from './operator-actions.ts';
import { pageStore } from './page-store.ts';

export const MEMORY_POLL_MS = 2000;

export type MemoryAction = 'cleanup' | 'budget' | 'automatic';
export type CleanupLevel = 'moderate' | 'aggressive';

export interface MemoryState extends PolledStatus<MemoryStatusPayload>, OperatorActionState<MemoryAction> {
  cleanup(level: CleanupLevel): Promise<void>;
  setBudget(bytes: number): Promise<void>;
  setAutomatic(enabled: boolean): Promise<void>;
}

export type MemoryStore = StoreApi<MemoryState>;

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One sentence on a cleanup's outcome: what it freed, how long it took, and any step that did not run. */
export function describeCleanup(action: MemoryActionPayload): string {
  const { rssBytes, heapBytes } = freedBy(action);
  const tookMs = action.steps.reduce((sum, step) => sum + step.tookMs, 0);
  const failed = action.steps.filter((s) => s.status === 'failed').map((s) => s.step);
  const steps = `${action.steps.length} step${action.steps.length === 1 ? '' : 's'}`;
  const failure = failed.length > 0 ? ` Failed: ${failed.join(', ')} (see the log below).` : '';
  return `${capitalized(action.level)} cleanup done: freed ${formatBytes(rssBytes)} RSS and ${formatBytes(heapBytes)} heap in ${steps}, ${formatAge(Math.round(tookMs))}.${failure}`;
}

/**
 * The Memory page's state: the manager's status and action log (polled every 2 s while the page is shown), and
 * the operator's actions with their outcome. Charts come from the telemetry store, not from here.
 */
export function createMemoryStore(api: EngineApi): MemoryStore {
  return createStore<MemoryState>()((set, get) => {
    const act = operatorActionRunner<MemoryAction>(set, () => void get().refresh());
    return {
      ...polledStatus(() => api.call('memory.status', {}), set, MEMORY_POLL_MS),
      ...NO_OPERATOR_ACTION,
      cleanup: (level) => act('cleanup', async () => describeCleanup(await api.call('memory.cleanup', { level }))),
      setBudget: (bytes) =>
        act('budget', async () => {
          const status = await api.call('memory.setBudget', { bytes });
          set({ status });
          const usage = status.usage === null ? '' : ` (usage ${formatShare(status.usage)})`;
          return `Memory budget set to ${formatBytes(status.budgetBytes)}; pressure is ${status.level}${usage}.`;
        }),
      setAutomatic: (enabled) =>
        act('automatic', async () => {
          const status = await api.call('memory.setAutomatic', { enabled });
          set({ status });
          return status.paused
            ? 'Automatic cleanups paused: pressure no longer frees memory by itself. Cleanups you run still work, and what was taken away is still restored.'
            : 'Automatic cleanups resumed: the next reading over a level’s line runs its cleanup.';
        }),
    };
  });
}

/** The Memory page's store, as the page registry lists it and `usePageStore` finds it. */
export const MEMORY_STORE = pageStore('memory', createMemoryStore);
