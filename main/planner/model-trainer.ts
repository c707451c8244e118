/**
 * What the latency model learns from (the observation windows) and where it is trained: in a
 * `node:worker_threads` Worker, never on the thread that serves queries (a retrain takes seconds of CPU; see
 * latency-model.ts). The selector only sees the `ModelTrainer` interface, so tests can inject a trainer they
 * control (one that answers only when released).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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

const WORKER_NAME = 'model-trainer-worker';

/*
 * From the sources (tsx, vitest) the worker runs model-trainer-worker.ts, so it needs tsx's loader just as the
 * main thread does (app/cli/hotpath.mjs calls tsx's `register()`; vitest transforms sources itself, but a worker
 * is a fresh isolate that neither reaches). On Node 20 `execArgv: ['--import', 'tsx']` does not apply the hooks
 * to the worker's entry module ("Unknown file extension .ts"), so a tiny JavaScript bootstrap registers tsx
 * inside the worker and then imports the TypeScript entry. tsx is located from this file, not the working
 * directory, so this works wherever the process was started.
 *
 * From a bundle (electron-vite builds out/main/index.js) this module is JavaScript and expects the worker built
 * next to it as model-trainer-worker.js (a second entry of the main build); the name is assembled at run time so
 * the bundler does not try to resolve it as an asset.
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL(`./${WORKER_NAME}${'.js'}`, import.meta.url));
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const exportsMap = JSON.parse(readFileSync(packageJson, 'utf8')).exports as Record<string, { import: { default: string } }>;
  const api = pathToFileURL(join(dirname(packageJson), exportsMap['./esm/api']!.import.default)).href;
  const entry = new URL(`./${WORKER_NAME}.ts`, import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

interface Pending {
  resolve: (model: SerializedModel) => void;
  reject: (error: Error) => void;
}

export class WorkerModelTrainer implements ModelTrainer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  train(set: TrainingSet, options: TrainOptions = {}): Promise<SerializedModel> {
    if (this.closed) return Promise.reject(new Error('The model trainer is closed.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<SerializedModel>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while a training is in flight, so an idle trainer never holds up exit.
      worker.ref();
      const request: TrainRequest = { id, set, options };
      // The arrays are transferred, not copied: the caller built them for this request alone.
      const buffers = [set.features.buffer, set.plans.buffer, set.latencyMs.buffer, set.strata?.buffer].filter((b) => b !== undefined);
      worker.postMessage(request, buffers as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('The model trainer was closed before training finished.'));
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.unref();
    worker.on('message', (response: TrainResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.model);
      else pending.reject(new Error(`Training the plan latency model failed: ${response.error}`));
    });
    // A crashed worker fails what it had; the next train() starts a fresh one.
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`The model training worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (code !== 0) this.failAll(new Error(`The model training worker exited with code ${code}.`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

/** FNV-1a of the shape key: the strata of the training subsample (see latency-model.ts). */
function hashShape(shape: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < shape.length; i++) h = Math.imul(h ^ shape.charCodeAt(i), 0x01000193);
  return h >>> 0;
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
    this.strata[plan]![slot] = hashShape(features.shape);
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
    let row = 0;
    for (let p = 0; p < PLAN_NAMES.length; p++) {
      for (let i = 0; i < this.sizes[p]!; i++, row++) {
        const slot = (this.start[p]! + i) % this.capacity;
        set.features.set(this.features[p]!.subarray(slot * FEATURE_COUNT, (slot + 1) * FEATURE_COUNT), row * FEATURE_COUNT);
        set.latencyMs[row] = this.latencyMs[p]![slot]!;
        set.strata![row] = this.strata[p]![slot]!;
        set.plans[row] = p;
      }
    }
    return set;
  }
}
