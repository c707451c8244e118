/**
 * What the latency model learns from (the observation windows) and where it is trained: in a
 * `node:worker_threads` Worker, never on the thread that serves queries (a retrain takes seconds of CPU; see
 * latency-model.ts). The selector only sees the `ModelTrainer` interface, so tests can inject a trainer they
 * control (one that answers only when released).
 */

import { startModuleWorker } from '../util/start-module-worker.ts';
import { WorkerRequests } from '../util/worker-requests.ts';
import type { SerializedModel, TrainOptions, TrainingSet } from './latency-model.ts';
import type { TrainRequest, TrainResponse } from './model-trainer-worker.ts';
import { PLAN_NAMES, type QueryFeatures } from './planner-types.ts';
import { FEATURE_COUNT, writeFeatureVector } from './query-features.ts';

export interface ModelTrainer {
  /** Trains a model from the observations. May take seconds; must not block the caller's thread. */
  train(set: TrainingSet, options?: TrainOptions): Promise<SerializedModel>;
  /** Stops the trainer; a training in progress is rejected. */
  close(): Promise<void>;
}

export class WorkerModelTrainer implements ModelTrainer {
  private requests: WorkerRequests | null = null;
  private closed = false;

  train(set: TrainingSet, options: TrainOptions = {}): Promise<SerializedModel> {
    if (this.closed) return Promise.reject(new Error('The model trainer is closed.'));
    const request: Omit<TrainRequest, 'id'> = { set, options };
    // The arrays are transferred, not copied: the caller built them for this request alone.
    const buffers = [set.features.buffer, set.plans.buffer, set.latencyMs.buffer, set.strata?.buffer].filter((b) => b !== undefined);
    return this.ensureWorker().send<SerializedModel>(request, buffers as ArrayBuffer[]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const requests = this.requests;
    this.requests = null;
    requests?.failAll(new Error('The model trainer was closed before training finished.'));
    if (requests) await requests.worker.terminate();
  }

  private ensureWorker(): WorkerRequests {
    if (this.requests) return this.requests;
    // Beside this module: model-trainer-worker.ts from the sources, model-trainer-worker.js in the bundle.
    const requests = new WorkerRequests(startModuleWorker(import.meta.url, 'model-trainer-worker'));
    const { worker } = requests;
    worker.on('message', (response: TrainResponse) => {
      requests.settle(
        response.id,
        response.ok
          ? { ok: true, value: response.model }
          : { ok: false, error: new Error(`Training the plan latency model failed: ${response.error}`) },
      );
    });
    // A crashed worker fails what it had; the next train() starts a fresh one.
    worker.on('error', (error) => {
      if (this.requests === requests) this.requests = null;
      requests.failAll(new Error(`The model training worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.requests === requests) this.requests = null;
      if (code !== 0) requests.failAll(new Error(`The model training worker exited with code ${code}.`));
    });
    this.requests = requests;
    return requests;
  }
}

/** The newest observations of each plan, in flat ring buffers: no allocation per observation on the query path. */
export class ObservationWindows {
  private readonly features: Float64Array[];
  private readonly latencyMs: Float64Array[];
  private readonly strata: Uint32Array[];
  private readonly start = new Array<number>(PLAN_NAMES.length).fill(0);
  private readonly sizes = new Array<number>(PLAN_NAMES.length).fill(0);

  constructor(readonly capacity: number) {
    this.features = PLAN_NAMES.map(() => new Float64Array(capacity * FEATURE_COUNT));
    this.latencyMs = PLAN_NAMES.map(() => new Float64Array(capacity));
    this.strata = PLAN_NAMES.map(() => new Uint32Array(capacity));
  }

  push(plan: number, features: QueryFeatures, latencyMs: number): void {
    const size = this.sizes[plan]!;
    const slot = (this.start[plan]! + size) % this.capacity;
    writeFeatureVector(features, this.features[plan]!, slot * FEATURE_COUNT);
    this.latencyMs[plan]![slot] = latencyMs;
    // The shape is a small integer (query-shape.ts): it is the stratum as it is.
    this.strata[plan]![slot] = features.shape;
    if (size < this.capacity) this.sizes[plan] = size + 1;
    else this.start[plan] = (slot + 1) % this.capacity;
  }

  size(plan: number): number {
    return this.sizes[plan]!;
  }

  total(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  clear(): void {
    this.start.fill(0);
    this.sizes.fill(0);
  }

  /** A copy of every window, oldest first per plan, in arrays of its own (so they can be transferred). */
  trainingSet(): TrainingSet {
    const total = this.total();
    const set: TrainingSet = {
      featureCount: FEATURE_COUNT,
      features: new Float64Array(total * FEATURE_COUNT),
      plans: new Uint8Array(total),
      latencyMs: new Float64Array(total),
      strata: new Uint32Array(total),
    };
    // Started from `observe`, so on a request's path: each window is at most two contiguous runs, copied whole.
    let row = 0;
    for (let p = 0; p < PLAN_NAMES.length; p++) {
      const size = this.sizes[p]!;
      const start = this.start[p]!;
      const firstRun = Math.min(size, this.capacity - start);
      for (const [from, count] of [
        [start, firstRun],
        [0, size - firstRun],
      ] as const) {
        if (count === 0) continue;
        set.features.set(this.features[p]!.subarray(from * FEATURE_COUNT, (from + count) * FEATURE_COUNT), row * FEATURE_COUNT);
        set.latencyMs.set(this.latencyMs[p]!.subarray(from, from + count), row);
        set.strata!.set(this.strata[p]!.subarray(from, from + count), row);
        set.plans.fill(p, row, row + count);
        row += count;
      }
    }
    return set;
  }
}
