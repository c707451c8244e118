/**
 * The trainer's worker thread: receives a `TrainingSet`, trains the per-plan forests, answers with the compiled
 * `SerializedModel`. One request at a time (the main thread never sends a second before the first answered), so
 * there is no queue here. Started by `WorkerModelTrainer` with tsx's loader, since the repository runs TypeScript
 * sources directly.
 */

import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../util/thread-priority.ts';
import { trainModel, type SerializedModel, type TrainOptions, type TrainingSet } from './latency-model.ts';

export interface TrainRequest {
  id: number;
  set: TrainingSet;
  options: TrainOptions;
}

export type TrainResponse = { id: number; ok: true; model: SerializedModel } | { id: number; ok: false; error: string };

if (!parentPort) throw new Error('model-trainer-worker.ts must run in a worker thread (see WorkerModelTrainer).');
const port = parentPort;
// Training is background work: it must not take a core from the threads answering queries, or from the database.
lowerThisThreadPriority();

port.on('message', (request: TrainRequest) => {
  let response: TrainResponse;
  try {
    response = { id: request.id, ok: true, model: trainModel(request.set, request.options) };
  } catch (error) {
    response = { id: request.id, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
  }
  port.postMessage(response);
});
