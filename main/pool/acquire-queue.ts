import type { Connection } from './connection.ts';
import { LaneQueue, type Lane, type LanePolicy, type Waiter } from './lanes.ts';
import { PoolError } from './pool-errors.ts';
import type { PoolMetrics } from './pool-metrics.ts';
import type { CallOptions } from './pooled-connection.ts';

/** A caller waiting for a connection: how to hand it one (or fail it), and what to undo when it leaves. */
export interface Pending {
  resolve(connection: Connection): void;
  reject(error: Error): void;
  enqueuedAt: number;
  timer: NodeJS.Timeout | undefined;
  cleanup(): void;
}

/** What the waiting callers need from their pool. */
export interface AcquireQueueHost {
  clock(): number;
  /** Why a caller of `lane` waited `timeoutMs` in vain (the pool knows what held the connections). */
  timeoutError(lane: Lane, timeoutMs: number): PoolError;
  /** A caller joined the queue: the pool hands out an idle connection or opens one. */
  pump(): void;
}

/**
 * Callers that found no ready connection: each waits in its lane (see lanes.ts) until the pool hands it one,
 * its deadline passes, or its signal aborts. Apart from the pool manager because the timers and abort
 * listeners are the slow path only; the manager reads `lanes` directly (same object, no call) on its hot path.
 */
export class AcquireQueue {
  readonly lanes: LaneQueue<Pending>;

  constructor(
    policy: LanePolicy,
    private readonly acquireTimeoutMs: number,
    private readonly metrics: PoolMetrics,
    private readonly host: AcquireQueueHost,
  ) {
    this.lanes = new LaneQueue(policy);
  }

  wait(lane: Lane, options?: CallOptions): Promise<Connection> {
    return new Promise<Connection>((resolve, reject) => {
      const enqueuedAt = this.host.clock();
      const timeoutMs = Math.min(this.acquireTimeoutMs, options?.timeoutMs ?? Infinity);
      const signal = options?.signal;
      const pending: Pending = {
        enqueuedAt,
        timer: undefined,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(pending.timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const waiter: Waiter<Pending> = this.lanes.enqueue(lane, pending);
      this.metrics.meter.change(enqueuedAt, 0, 0, 1);
      const giveUp = (error: PoolError): void => {
        if (!this.lanes.remove(waiter)) return;
        this.metrics.meter.change(this.host.clock(), 0, 0, -1);
        pending.cleanup();
        reject(error);
      };
      const onAbort = (): void =>
        giveUp(
          new PoolError(
            'cancelled',
            `The caller gave up after waiting ${Math.round(this.host.clock() - enqueuedAt)} ms for a connection on lane ${lane}.`,
            'Nothing ran; retry if still needed.',
          ),
        );
      pending.timer = setTimeout(() => {
        this.metrics.counters.timeouts[lane] += 1;
        giveUp(this.host.timeoutError(lane, timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.host.pump();
    });
  }

  /** Shutdown: every waiter still queued fails with `error`. */
  rejectAll(error: () => PoolError): void {
    for (const waiter of [...this.lanes.all()]) {
      this.lanes.remove(waiter);
      waiter.payload.cleanup();
      waiter.payload.reject(error());
    }
  }
}
