/** Time one request spent waiting for a connection, and in the server (µs). */
export interface ExecutionTiming {
  acquireUs: number;
  serverUs: number;
}

/**
 * What a workload drives: the real database through a pool, or a stand-in (the
 * runner's overhead benchmark uses a target that does nothing).
 */
export interface WorkloadTarget {
  /** Runs template number `template` with `params`; rejects with the database's error. */
  execute(template: number, params: unknown[]): Promise<ExecutionTiming>;
}

export const NOOP_TARGET: WorkloadTarget = {
  execute: () => Promise.resolve({ acquireUs: 0, serverUs: 0 }),
};
