import type { Transferable, Worker } from 'node:worker_threads';
import { DictionaryMap } from './dictionary-map.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Requests to one worker thread, each answered by one reply carrying the request's id. The worker is referenced
 * (keeps the process alive) only while some request waits for its reply, so an idle worker never holds up exit.
 * One instance per worker: when a worker dies, `failAll` rejects exactly what it had.
 */
export class WorkerRequests {
  /** Not a Map: every request adds and removes an entry, and a Map would promote each request's graph (see DictionaryMap). */
  private readonly pending = new DictionaryMap<number, Pending>();
  private nextId = 1;

  constructor(readonly worker: Worker) {
    worker.unref();
  }

  /** Posts `message` with a fresh `id` and resolves with the value of the reply that carries it. */
  send<T>(message: object, transfer?: readonly Transferable[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // Posted first: a message that cannot be sent (not cloneable, a buffer already transferred) rejects and leaves
      // nothing waiting, nor the worker referenced.
      this.worker.postMessage({ ...message, id }, transfer);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.ref();
    });
  }

  /** The reply to request `id` arrived: resolves it with `value`, or rejects it with `error`. */
  settle(id: number, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  }

  /** Rejects every request still waiting (the worker died, or is being stopped). */
  failAll(error: Error): void {
    const all = this.pending.values();
    this.pending.clear();
    this.worker.unref();
    for (const p of all) p.reject(error);
  }
}
