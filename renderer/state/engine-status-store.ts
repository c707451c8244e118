import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { CommandParams } from '../../main/contract/commands.ts';
import type { EnginePhase, EngineStatus } from '../../main/contract/status.ts';
import { toError } from './to-error.ts';

/** The commands whose result is the engine's new status. */
export type StatusCommand =
  'stack.startLocal' | 'stack.connect' | 'stack.disconnect' | 'workload.start' | 'workload.stop' | 'workload.setRate' | 'profiles.connect';

export interface EngineStatusState {
  /** Null until the first answer from the engine. */
  status: EngineStatus | null;
  /** Set when `engine.status` could not be fetched: the engine is unreachable. */
  loadError: Error | null;
  /** Asks the engine for its status (at start, and on "Retry"). */
  refresh(): Promise<void>;
  /** Applies a status pushed by the engine or returned by a command. */
  apply(status: EngineStatus): void;
  /** Runs a command that answers with the new status, applies it and returns it; errors are rethrown for the caller to show. */
  run<C extends StatusCommand>(command: C, params: CommandParams<C>): Promise<EngineStatus>;
}

export type EngineStatusStore = StoreApi<EngineStatusState>;

/**
 * The engine's status as the console knows it. Statuses arrive from three places
 * (the `engine.status` event, command results, and `refresh`); a refresh answer that
 * was overtaken by a newer status while in flight is dropped so that a slow reply
 * cannot roll the phase back (say, from `ready` to `connecting`).
 */
export function createEngineStatusStore(api: EngineApi): EngineStatusStore {
  let version = 0;
  return createStore<EngineStatusState>()((set) => ({
    status: null,
    loadError: null,
    async refresh() {
      const asked = version;
      try {
        const status = await api.call('engine.status', {});
        if (version === asked) {
          version++;
          set({ status, loadError: null });
        }
      } catch (error) {
        if (version === asked) set({ loadError: toError(error) });
      }
    },
    apply(status) {
      version++;
      set({ status, loadError: null });
    },
    async run(command, params) {
      const status = await api.call(command, params as never);
      version++;
      set({ status, loadError: null });
      return status;
    },
  }));
}

export const selectStatus = (s: EngineStatusState) => s.status;
export const selectPhase = (s: EngineStatusState): EnginePhase | null => s.status?.phase ?? null;
export const selectWorkload = (s: EngineStatusState) => s.status?.workload ?? null;
export const selectStack = (s: EngineStatusState) => s.status?.stack ?? null;
export const selectLoadError = (s: EngineStatusState) => s.loadError;

const PHASE_LABELS: Record<EnginePhase, string> = {
  disconnected: 'Not connected',
  connecting: 'Connecting…',
  seeding: 'Seeding demo data…',
  ready: 'Ready',
  failed: 'Failed',
  stopping: 'Stopping…',
};

export function phaseLabel(phase: EnginePhase): string {
  return PHASE_LABELS[phase];
}
