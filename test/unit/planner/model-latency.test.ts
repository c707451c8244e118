import { describe, expect, it } from 'vitest';
import {
  compileForest,
  DEFAULT_TRAIN_OPTIONS,
  LatencyModel,
  SPREAD_FLOOR,
  trainForest,
  trainModel,
  type TrainingSet,
} from '../../../main/planner/latency-model.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';
import { seededRandom } from '../../../main/util/random.ts';

const F = 3;

/** latency = 2^(x0 / 10) × (plan index + 1) ms, with x1 irrelevant and x2 constant. */
function dataset(n: number, plans: number[], seed = 1): TrainingSet {
  const random = seededRandom(seed);
  const set: TrainingSet = { featureCount: F, features: new Float64Array(n * F), plans: new Uint8Array(n), latencyMs: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x0 = Math.floor(random() * 100);
    set.features.set([x0, random(), 7], i * F);
    set.plans[i] = plans[i % plans.length]!;
    set.latencyMs[i] = 2 ** (x0 / 10) * (set.plans[i]! + 1);
  }
  return set;
}

describe('latency model', () => {
  it('compiled trees predict exactly what the library forest predicts, through a column mapping', () => {
    const random = seededRandom(3);
    const x = Array.from({ length: 120 }, () => [random() * 10, Math.floor(random() * 3), random()]);
    const y = x.map((r) => Math.log(1 + r[0]! * (r[1]! + 1)));
    const forest = trainForest(x, y, { ...DEFAULT_TRAIN_OPTIONS, nEstimators: 5 }, 11);
    // Train-matrix columns 0,1,2 are features 4,0,2 of the model's vector.
    const compiled = compileForest(forest, [4, 0, 2], x.length);
    const model = LatencyModel.load({
      version: 1,
      featureCount: 5,
      trainedAt: 0,
      trainMs: 0,
      trainedInThread: 1,
      plans: { 'graph-first': compiled },
    });
    for (const row of x.slice(0, 20)) {
      const library = forest.predictionValues([row]).getRow(0);
      const vector = [row[1]!, 0, row[2]!, 0, row[0]!];
      expect(model.treePredictions('graph-first', vector)).toEqual(library);
    }
  });

  it('learns per-plan latency in log space, with a spread floor, and skips plans with too few observations', () => {
    const set = dataset(600, [0, 1, 1, 3]);
    set.plans[0] = 4; // a single cached-partial observation: below minObservations
    const model = LatencyModel.load(trainModel(set, { nEstimators: 8, minObservations: 30 }));
    expect(model.knownPlans()).toEqual(['vector-first', 'graph-first', 'filtered-vector']);
    expect(model.predict('cached-partial', [50, 0, 7])).toBeNull();
    expect(model.observations('graph-first')).toBe(300);
    for (const [plan, factor] of [
      ['vector-first', 1],
      ['graph-first', 2],
      ['filtered-vector', 4],
    ] as const) {
      const p = model.predict(plan, [50, 0.5, 7])!;
      expect(Math.exp(p.mean) / (2 ** 5 * factor)).toBeGreaterThan(0.75);
      expect(Math.exp(p.mean) / (2 ** 5 * factor)).toBeLessThan(1.33);
      expect(p.spread).toBeGreaterThanOrEqual(SPREAD_FLOOR);
    }
  });

  it('round-trips through JSON with identical predictions', () => {
    const model = LatencyModel.load(trainModel(dataset(200, [0, 2]), { nEstimators: 4 }));
    const copy = LatencyModel.load(JSON.parse(JSON.stringify(model.toJSON())));
    for (const x0 of [0, 33, 66, 99]) {
      for (const plan of PLAN_NAMES) expect(copy.predict(plan, [x0, 0.1, 7])).toEqual(model.predict(plan, [x0, 0.1, 7]));
    }
  });

  it('keeps rare query shapes in the training subsample', () => {
    // 1000 cheap observations of one shape, then 10 slow ones of another: a recency or uniform subsample of 50
    // would hardly see the slow ones; the stratified one keeps them all.
    const n = 1010;
    const set: TrainingSet = {
      featureCount: 1,
      features: new Float64Array(n),
      plans: new Uint8Array(n),
      latencyMs: new Float64Array(n),
      strata: new Uint32Array(n),
    };
    const random = seededRandom(5);
    for (let i = 0; i < n; i++) {
      const rare = i % 101 === 0;
      set.features[i] = rare ? 1 : 0;
      // Measurements are never exact; ml-cart also will not split a node whose best split leaves zero error.
      set.latencyMs[i] = (rare ? 500 : 1) * (0.9 + 0.2 * random());
      set.strata![i] = rare ? 2 : 1;
    }
    const model = LatencyModel.load(trainModel(set, { nEstimators: 6, maxRowsPerPlan: 50, minNumSamples: 2 }));
    expect(Math.exp(model.predict('vector-first', [1])!.mean)).toBeGreaterThan(250);
    expect(Math.exp(model.predict('vector-first', [0])!.mean)).toBeLessThan(2);
  });

  it('refuses a model format it does not know', () => {
    expect(() => LatencyModel.load({ version: 2 } as never)).toThrow(/retrain/);
  });
});
