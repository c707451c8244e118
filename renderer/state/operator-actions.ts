import { toError } from './to-error.ts';

/** What a page with operator actions shows about them: which runs, what the last one did, or why it failed. */
export interface OperatorActionState<A extends string> {
  /** The action running now; the page disables the others meanwhile. */
  busy: A | null;
  /** What the last action did, in a sentence with its figures; null until one ran. */
  lastResult: { action: A; message: string } | null;
  actionError: { action: A; error: Error } | null;
}

export const NO_OPERATOR_ACTION = { busy: null, lastResult: null, actionError: null } as const;

/**
 * Runs one operator action at a time through a store: marks it busy, keeps its result sentence or its error,
 * then calls `after` (a status refresh, so the page shows the effect at once).
 */
export function operatorActionRunner<A extends string>(
  set: (partial: Partial<OperatorActionState<A>>) => void,
  after: () => void = () => undefined,
) {
  return async (action: A, work: () => Promise<string>): Promise<void> => {
    set({ busy: action, actionError: null });
    try {
      set({ lastResult: { action, message: await work() } });
    } catch (error) {
      set({ actionError: { action, error: toError(error) } });
    } finally {
      set({ busy: null });
      after();
    }
  };
}
