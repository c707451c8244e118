/**
 * The engine's side of the plan selector's thread (see planner-thread-worker.ts for why it has one): the same
 * commands as `PlannerSession`, as messages. The worker starts when a workload with hybrid templates starts (or
 * an operator retrains or resets); until then the status says the selector is idle, without starting anything.
 * A worker that dies fails what it had in flight; a request at least RESTART_AFTER_MS later starts a fresh one and
 * a running workload's target is opened in it again (what the old one had learned is lost, and the log says so).
 */

import type pg from 'pg';
import { PLAN_NAMES, type PlannerStatusPayload } from '../contract/planner.ts';
import type { HybridTemplateSpec, ExecutionTiming, WorkloadTarget } from '../workload/index.ts';
import { startModuleWorker } from '../util/start-module-worker.ts';
import { WorkerRequests } from '../util/worker-requests.ts';
import type { PlannerMessage, PlannerReplies, PlannerRequest, PlannerThreadData } from './planner-thread-protocol.ts';

type Log = (level: 'info' | 'warn', message: string) => void;
type Method = PlannerRequest['method'];
/** A request without its id, which `call` assigns. */
type Call = PlannerRequest extends infer R ? (R extends PlannerRequest ? Omit<R, 'id'> : never) : never;

/** How long `close` waits for the worker to close its pool before it is terminated anyway. */
const CLOSE_TIMEOUT_MS = 5_000;
/** A worker that died is replaced no sooner than this: one that cannot start must not be restarted per request. */
const RESTART_AFTER_MS = 5_000;

/** The status of a selector that has nothing loaded and has learned nothing (also the page's "not connected"). */
export function idlePlannerStatus(message: string, vectorPathDetail: string): PlannerStatusPayload {
  return {
    state: 'off',
    message,
    vectorPath: { kind: 'in-process', detail: vectorPathDetail },
    index: null,
    plans: [],
    queries: 0,
    model: {
      observations: 0,
      perPlan: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, 0])) as PlannerStatusPayload['model']['perPlan'],
      fallback: true,
      training: false,
      trainings: 0,
      trainedAt: null,
      lastTrainMs: null,
    },
    planCache: { entries: 0, capacity: 0, hits: 0, misses: 0 },
    overheadUs: null,
    regret: {
      oracleSamples: 0,
      selectorMeanMs: null,
      oracleMeanMs: null,
      bestFixedPlan: null,
      bestFixedMeanMs: null,
      meanRegretVsOracleMs: null,
      meanRegretVsBestFixedMs: null,
    },
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
  /** When the last worker died, and why: a new one starts only RESTART_AFTER_MS later. */
  private lostAt: number | null = null;
  private lostReason = '';

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly log: Log,
  ) {}

  async status(): Promise<PlannerStatusPayload> {
    if (this.requests) return await this.call({ method: 'status' });
    if (this.lostAt === null) return IDLE;
    return {
      ...IDLE,
      state: 'failed',
      message: `The plan selector's thread stopped (${this.lostReason}); the next hybrid query starts it again, with nothing learned.`,
    };
  }

  retrain(): Promise<PlannerStatusPayload> {
    return this.call({ method: 'retrain' });
  }

  reset(): Promise<PlannerStatusPayload> {
    return this.call({ method: 'reset' });
  }

  /** Memory pressure: the worker drops its caches; 0 when no worker runs (none is started for this). */
  async releaseCaches(): Promise<number> {
    if (!this.requests) return 0;
    return await this.call({ method: 'releaseCaches' });
  }

  /**
   * The target that answers a workload's hybrid templates, in the worker; its `close` ends them there. The target
   * is opened in the worker that runs now: after a failed open, or once that worker died and another took over,
   * the next request opens it again, so a workload outlives a crash of the selector's thread.
   */
  hybridTarget(templates: readonly HybridTemplateSpec[], seed: number): WorkloadTarget & { close(): Promise<void> } {
    let opened: { on: WorkerRequests; target: Promise<number>; failed: boolean } | null = null;
    const target = (): Promise<number> => {
      const requests = this.running();
      if (opened === null || opened.failed || opened.on !== requests) {
        const now = {
          on: requests,
          target: requests.send<number>({ method: 'openTarget', templates: [...templates], seed }),
          failed: false,
        };
        // A failed open is reported by the executes waiting on it (as the workload's errors), then retried.
        now.target.catch(() => (now.failed = true));
        opened = now;
      }
      return opened.target;
    };
    return {
      execute: async (template: number): Promise<ExecutionTiming> => {
        const id = await target();
        return await this.call({ method: 'execute', target: id, template });
      },
      close: async () => {
        const last = opened;
        opened = null;
        if (last === null || last.on !== this.requests) return;
        const id = await last.target.catch(() => null);
        if (id !== null) await last.on.send({ method: 'closeTarget', target: id }).catch(() => undefined);
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
    if (request.method === 'close' && this.requests) return this.requests.send<PlannerReplies[M]>(request);
    try {
      return this.running().send<PlannerReplies[M]>(request);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** The worker, started if none runs; throws once closed, and for a while after a worker died (no restart storm). */
  private running(): WorkerRequests {
    if (this.closed) throw new Error('The plan selector has stopped (the stack was disconnected).');
    if (this.requests) return this.requests;
    if (this.lostAt !== null && performance.now() - this.lostAt < RESTART_AFTER_MS) {
      throw new Error(`The plan selector's thread stopped (${this.lostReason}); it starts again within ${RESTART_AFTER_MS / 1000} s.`);
    }
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
      this.lostAt = performance.now();
      this.lostReason = reason;
      this.log(
        'warn',
        `The plan selector's thread stopped (${reason}); a hybrid query after ${RESTART_AFTER_MS / 1000} s starts it again, with nothing learned.`,
      );
      requests.failAll(new Error(`The plan selector's thread stopped: ${reason}.`));
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.requests = requests;
    return requests;
  }
}
