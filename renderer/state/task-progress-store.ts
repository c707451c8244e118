import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TaskProgress } from '../../main/contract/status.ts';

export type TaskName = TaskProgress['task'];

export interface TaskProgressState {
  /** The latest progress of each long task; null when it has not run (or was cleared). */
  tasks: Record<TaskName, TaskProgress | null>;
  apply(progress: TaskProgress): void;
  clear(task: TaskName): void;
}

export type TaskProgressStore = StoreApi<TaskProgressState>;

/** Progress of long engine work (starting the stack, seeding, warming the cache), fed by `task.progress` events. */
export function createTaskProgressStore(): TaskProgressStore {
  return createStore<TaskProgressState>()((set, get) => ({
    tasks: { stack: null, seed: null, warm: null, optimize: null, capacity: null },
    apply(progress) {
      set({ tasks: { ...get().tasks, [progress.task]: progress } });
    },
    clear(task) {
      set({ tasks: { ...get().tasks, [task]: null } });
    },
  }));
}

/** Done as a 0..1 fraction, or null when the engine does not know the total (an indeterminate bar). */
export function progressFraction(progress: TaskProgress): number | null {
  if (progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}
