import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { LatencyModel, type TrainingSet } from '../../../main/planner/latency-model.ts';
import { WorkerModelTrainer } from '../../../main/planner/model-trainer.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';
import { FEATURE_COUNT } from '../../../main/planner/query-features.ts';
import { seededRandom } from '../../../main/util/random.ts';

/** latency = (plan index + 1) × (1 + k / 10) ms on random feature vectors. */
function trainingSet(n: number): TrainingSet {
  const random = seededRandom(8);
  const set: TrainingSet = {
    featureCount: FEATURE_COUNT,
    features: new Float64Array(n * FEATURE_COUNT),
    plans: new Uint8Array(n),
    latencyMs: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < FEATURE_COUNT; c++) set.features[i * FEATURE_COUNT + c] = Math.floor(random() * 100);
    set.plans[i] = i % 2;
    set.latencyMs[i] = (set.plans[i]! + 1) * (1 + set.features[i * FEATURE_COUNT]! / 10);
  }
  return set;
}

describe('WorkerModelTrainer', () => {
  const trainer = new WorkerModelTrainer();
  afterAll(() => trainer.close());

  it('trains in a worker thread and returns a model that predicts', async () => {
    const serialized = await trainer.train(trainingSet(200), { nEstimators: 6, maxRowsPerPlan: 100 });
    expect(threadId).toBe(0);
    expect(serialized.trainedInThread).not.toBe(0);
    const model = LatencyModel.load(serialized);
    expect(model.knownPlans()).toEqual(PLAN_NAMES.slice(0, 2));
    const x = [50, 1, 1, 1, 1, 1, 1, 1, 1];
    const slow = model.predict(PLAN_NAMES[1]!, x)!;
    const fast = model.predict(PLAN_NAMES[0]!, x)!;
    expect(Math.exp(fast.mean)).toBeGreaterThan(6 / 1.3);
    expect(Math.exp(fast.mean)).toBeLessThan(6 * 1.3);
    expect(slow.mean).toBeGreaterThan(fast.mean);

    // The same worker serves the next request.
    const again = await trainer.train(trainingSet(120), { nEstimators: 4 });
    expect(again.trainedInThread).toBe(serialized.trainedInThread);
  });

  it('rejects a training in progress when closed', async () => {
    const own = new WorkerModelTrainer();
    const outcome = own.train(trainingSet(200), { nEstimators: 4 }).then(
      () => 'trained',
      (error: Error) => error.message,
    );
    await own.close();
    expect(await outcome).toMatch(/closed/);
    await expect(own.train(trainingSet(10))).rejects.toThrow(/closed/);
  });
});
