/**
 * The engine's side of the plan selector's thread (see planner-thread-worker.ts for why it has one): the same
 * commands as `PlannerSession`, as messages. The worker starts when a workload with hybrid templates starts (or
 * an operator retrains or resets); until then the status says the selector is idle, without starting anything.
 * A worker that dies fails what it had in flight and the next request starts a fresh one (what it had learned is
 * lost, and the log says so).
 */

import type pg from 'pg';
import { PLAN_NAMES, type PlannerStatusPayload } from '../contract/planner.ts';
import type { HybridTemplateSpec } from '../workload/profile-schema.ts';
import type { ExecutionTiming, WorkloadTarget } from '../workload/workload-target.ts';
import { startModuleWorker } from '../util/start-module-worker.ts';
import { WorkerRequests } from '../util/worker-requests.ts';
import type { PlannerMessage, PlannerReplies, PlannerRequest, PlannerThreadData } from './planner-thread-protocol.ts';

type Log = (level: 'info' | 'warn', message: string) => void;
type Method = PlannerRequest['method'];
/** A request without its id, which `call` assigns. */
type Call = PlannerRequest extends infer R ? (R extends PlannerRequest ? Omit<R, 'id'> : never) : never;

/** How long `close` waits for the worker to close its pool before it is terminated anyway. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The status of a selector that has nothing loaded and has learned nothing (also the page's "not connected"). */
export function idlePlannerStatus(message: string, vectorPathDetail: string): PlannerStatusPayload {
  return {
    state: 'off',
    message,
    vectorPath: { kind: 'in-process', detail: vectorPathDetail },
    index: null,
    plans: [],
    queries: 0,
    model: { observations: 0, perPlan: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, 0])) as PlannerStatusPayload['model']['perPlan'], fallback: true, training: false, trainings: 0, trainedAt: null, lastTrainMs: null },
    planCache: { entries: 0, capacity: 0, hits: 0, misses: 0 },
    overheadUs: null,
    regret: { oracleSamples: 0, selectorMeanMs: null, oracleMeanMs: null, bestFixedPlan: null, bestFixedMeanMs: null, meanRegretVsOracleMs: null, meanRegretVsBestFixedMs: null },
    timeline: [],
    recent: [],
  };
}

const IDLE = idlePlannerStatus(
  'Idle: it loads when a workload with hybrid templates starts (the demo workload has two).',
  'Exact nearest neighbours in process, loaded when a workload with hybrid templates starts.',
);

export class PlannerThread {
  private requests: WorkerRequests | null = null;
  private closed = false;

  constructor(private readonly connection: pg.ClientConfig, private readonly log: Log) {}

  async status(): Promise<PlannerStatusPayload> {
    return this.requests ? await this.call({ method: 'status' }) : IDLE;
  }

  retrain(): Promise<PlannerStatusPayload> {
    return this.call({ method: 'retrain' });
  }

  reset(): Promise<PlannerStatusPayload> {
    return this.call({ method: 'reset' });
  }

  /** The target that answers a workload's hybrid templates, in the worker; its `close` ends them there. */
  hybridTarget(templates: readonly HybridTemplateSpec[], seed: number): WorkloadTarget & { close(): Promise<void> } {
    const opened = this.call({ method: 'openTarget', templates: [...templates], seed });
    // A failed open is reported by every execute (as the workload's errors), not as an unhandled rejection here.
    opened.catch(() => undefined);
    return {
      execute: async (template: number): Promise<ExecutionTiming> => await this.call({ method: 'execute', target: await opened, template }),
      close: async () => {
        const target = await opened.catch(() => null);
        if (target !== null && this.requests) await this.call({ method: 'closeTarget', target }).catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const requests = this.requests;
    if (!requests) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
    await Promise.race([this.call({ method: 'close' }).catch(() => undefined), timeout]);
    clearTimeout(timer);
    this.requests = null;
    requests.failAll(new Error('The plan selector has stopped (the stack was disconnected).'));
    await requests.worker.terminate();
  }

  private call<M extends Method>(request: Extract<Call, { method: M }>): Promise<PlannerReplies[M]> {
    if (this.closed && request.method !== 'close') return Promise.reject(new Error('The plan selector has stopped (the stack was disconnected).'));
    return this.ensureWorker().send<PlannerReplies[M]>(request);
  }

  private ensureWorker(): WorkerRequests {
    if (this.requests) return this.requests;
    const data: PlannerThreadData = { connection: this.connection };
    const requests = new WorkerRequests(startModuleWorker(import.meta.url, 'planner-thread-worker', { workerData: data }));
    const { worker } = requests;
    worker.on('message', (message: PlannerMessage) => {
      if (message.kind === 'log') this.log(message.level, message.message);
      else requests.settle(message.id, message.ok ? { ok: true, value: message.value } : { ok: false, error: new Error(message.error) });
    });
    const lost = (reason: string): void => {
      if (this.requests !== requests) return;
      this.requests = null;
      this.log('warn', `The plan selector's thread stopped (${reason}); the next hybrid query starts it again, with nothing learned.`);
      requests.failAll(new Error(`The plan selector's thread stopped: ${reason}.`));
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.requests = requests;
    return requests;
  }
}
