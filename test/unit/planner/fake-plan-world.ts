/**
 * A fake world for the selector's tests: each plan's latency is a pure function of the query's features (costs
 * shaped like the real plans': a full ranked scan, a SQL filter whose cost grows with the rows it returns, a graph
 * walk that is cheap near small neighbourhoods and hopeless without an anchor, a cache that is nearly free when it
 * has the sets) plus multiplicative noise. An in-thread trainer runs the real training code without a worker.
 */

import { trainModel, type SerializedModel, type TrainOptions, type TrainingSet } from '../../../main/planner/latency-model.ts';
import type { ModelTrainer } from '../../../main/planner/model-trainer.ts';
import { PLAN_NAMES, type PlanName, type QueryFeatures } from '../../../main/planner/planner-types.ts';
import { buildFeatures } from '../../../main/planner/query-features.ts';
import { seededRandom, type Random } from '../../../main/util/random.ts';

export const ROWS = 100_000;

/** Noise-free latency (ms) of `plan` on a query with these features. */
export function trueLatency(f: QueryFeatures, plan: PlanName): number {
  const rows = 2 ** f.log2Rows - 1;
  const filterRows = 2 ** f.log2FilterRows - 1;
  const hood = f.hasAnchor ? 2 ** f.log2Neighbourhood - 1 : rows;
  const s = Math.max(f.filterSelectivity, 1e-5);
  const inHood = Math.max(hood / rows, 1e-5);
  const filtered = 1.5 + filterRows * 0.0008 + (f.hasAnchor ? hood * 0.0004 : 0);
  const walked = 1 + hood * 0.001 + (f.hasAnchor ? 0 : 100);
  switch (plan) {
    case 'vector-first':
      // Rank everything, then check candidates until k pass filters and neighbourhood.
      return 2 + rows * 0.00002 + Math.min(rows, f.k / (s * inHood)) * 0.002;
    case 'filtered-vector':
      return filtered;
    case 'graph-first':
      return walked + (f.log2FilterRows < f.log2Rows ? hood * 0.0002 : 0);
    case 'hybrid-parallel':
      return 1 + Math.min(filtered, walked) * 0.6 + Math.max(filtered, walked) * 0.4;
    case 'cached-partial': {
      const haveAll = (!f.hasAnchor || f.neighbourhoodCached === 1) && (f.filterSelectivity >= 1 || f.filterSetCached === 1);
      return haveAll ? 0.5 + Math.min(hood, filterRows) * 0.0002 : Math.min(filtered, walked) + 3;
    }
  }
}

export interface WorkloadMix {
  /** log10 range of the filter selectivity. */
  selectivity: [number, number];
  /** Share of queries with an anchor. */
  anchors: number;
  /** Share of queries whose sets are in the partial cache. */
  cached: number;
}

export const MIXED: WorkloadMix = { selectivity: [-3.5, 0], anchors: 0.5, cached: 0.3 };

export function queryGenerator(seed: number, mix: WorkloadMix = MIXED): () => QueryFeatures {
  const random = seededRandom(seed);
  return () => {
    const depth = random() < mix.anchors ? 1 + Math.floor(random() * 3) : 0;
    const s = 10 ** (mix.selectivity[0] + random() * (mix.selectivity[1] - mix.selectivity[0]));
    return buildFeatures({
      k: 1 + Math.floor(random() * 100),
      depth,
      neighbourhood: depth > 0 ? 8 ** depth * (0.5 + random()) : 0,
      filterRows: s * ROWS,
      rows: ROWS,
      neighbourhoodCached: random() < mix.cached,
      filterSetCached: random() < mix.cached,
    });
  };
}

/** Measured latency: the true one times lognormal noise (σ = 0.1). */
export function noisyLatency(random: Random): (f: QueryFeatures, plan: PlanName) => number {
  return (f, plan) => {
    const u = random() || Number.MIN_VALUE;
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return trueLatency(f, plan) * Math.exp(0.1 * z);
  };
}

export function bestLatency(f: QueryFeatures): number {
  return Math.min(...PLAN_NAMES.map((p) => trueLatency(f, p)));
}

/** Small forests so the many retrains of a learning test stay quick; same code as the worker runs. */
export const TEST_TRAIN_OPTIONS: TrainOptions = { nEstimators: 8, maxRowsPerPlan: 160, maxDepth: 8, minNumSamples: 4 };

/** Trains in this thread, one microtask later (tests only: production trains in a worker). */
export class InThreadTrainer implements ModelTrainer {
  calls = 0;
  train(set: TrainingSet, options?: TrainOptions): Promise<SerializedModel> {
    this.calls++;
    return Promise.resolve().then(() => trainModel(set, options));
  }
  async close(): Promise<void> {}
}

/** Trains only when the test releases it: shows that nothing waits for training. */
export class GatedTrainer implements ModelTrainer {
  calls = 0;
  private waiting: (() => void)[] = [];
  train(set: TrainingSet, options?: TrainOptions): Promise<SerializedModel> {
    this.calls++;
    return new Promise((resolve, reject) => {
      this.waiting.push(() => {
        try {
          resolve(trainModel(set, options));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }
  get pending(): number {
    return this.waiting.length;
  }
  release(): void {
    const all = this.waiting;
    this.waiting = [];
    for (const go of all) go();
  }
  async close(): Promise<void> {}
}

/** Lets promise callbacks (a finished training) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
