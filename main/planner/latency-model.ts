/**
 * The per-plan latency model: for each plan, a random forest (ml-random-forest) regressing log(latency ms) on the
 * query's feature vector. Log space because plan latencies span orders of magnitude and their noise is roughly
 * multiplicative; a forest because plan costs are piecewise (a cached set is free, a scan is linear) and it needs
 * no feature scaling. The spread across the trees is the model's uncertainty, which Thompson sampling needs.
 *
 * Training (`trainModel`) is CPU-heavy (ml-cart evaluates every split candidate: O(n²) per feature and node), so
 * it only runs in the trainer's worker thread. Its result is compiled into flat arrays (`SerializedModel`): a few
 * hundred kB that cross `postMessage` cheaply and load on the main thread without rebuilding the library's object
 * graph; prediction is then a tree walk per estimator, with no Matrix allocation per query.
 */

import { threadId } from 'node:worker_threads';
import { RandomForestRegression } from 'ml-random-forest';
import { PLAN_NAMES, type PlanName } from './planner-types.ts';

/** Observations in flat arrays, so they can be transferred to the worker without copying. */
export interface TrainingSet {
  featureCount: number;
  /** count × featureCount, row-major. */
  features: Float64Array;
  /** Index into PLAN_NAMES per observation. */
  plans: Uint8Array;
  latencyMs: Float64Array;
  /** Per observation, its query shape (query-shape.ts): the subsample covers every shape seen, not just the common ones. */
  strata?: Uint32Array;
}

export interface TrainOptions {
  /** Trees per plan. */
  nEstimators?: number;
  maxDepth?: number;
  /** A node with this many samples or fewer becomes a leaf. */
  minNumSamples?: number;
  /** A plan with fewer observations is left out of the model (the selector treats it as little known). */
  minObservations?: number;
  /** Rows per plan given to the forest; training cost grows with its square, so the window is subsampled. */
  maxRowsPerPlan?: number;
  /** Seed for the bagging (32-bit integer). */
  seed?: number;
}

export const DEFAULT_TRAIN_OPTIONS: Required<TrainOptions> = {
  nEstimators: 12,
  maxDepth: 8,
  minNumSamples: 10,
  minObservations: 30,
  maxRowsPerPlan: 300,
  seed: 42,
};

/** Spread floor in log space (≈5 %): below this two plans are a coin toss anyway, and a zero spread would stop all exploration. */
export const SPREAD_FLOOR = 0.05;

/** One plan's forest: tree t starts at roots[t]; a node is a leaf when feature[i] < 0, and then value[i] is its prediction. */
export interface SerializedForest {
  observations: number;
  roots: number[];
  feature: number[];
  /** Split threshold (go left when x[feature] < value) or leaf prediction. */
  value: number[];
  left: number[];
  right: number[];
}

export interface SerializedModel {
  version: 1;
  featureCount: number;
  /** Epoch ms when training finished. */
  trainedAt: number;
  /** Time the training took in the worker, ms. */
  trainMs: number;
  /** `threadId` of the thread that trained it: 0 would mean the main thread, which the trainer never uses. */
  trainedInThread: number;
  plans: Partial<Record<PlanName, SerializedForest>>;
}

/** A prediction in log space: `mean` is the expected ln(latency ms), `spread` its standard deviation. */
export interface PlanPrediction {
  mean: number;
  spread: number;
}

interface CartNode {
  splitColumn?: number;
  splitValue?: number;
  distribution?: number;
  left?: CartNode;
  right?: CartNode;
}

/** The parts of the library's forest the compiler reads (its typings do not describe `estimators[].root`). */
interface TrainedForest {
  indexes: number[][];
  estimators: { root: CartNode }[];
}

/** Compiles a trained forest; `columns[j]` is the feature index of the training matrix's column j. */
export function compileForest(forest: RandomForestRegression, columns: readonly number[], observations: number): SerializedForest {
  const out: SerializedForest = { observations, roots: [], feature: [], value: [], left: [], right: [] };
  const trained = forest as unknown as TrainedForest;
  trained.estimators.forEach((estimator, t) => {
    const used = trained.indexes[t]!; // the tree's column j is the training matrix's column used[j]
    const visit = (node: CartNode): number => {
      const id = out.feature.length;
      out.feature.push(-1);
      out.value.push(0);
      out.left.push(-1);
      out.right.push(-1);
      if (node.left && node.right && node.splitColumn !== undefined) {
        out.feature[id] = columns[used[node.splitColumn]!]!;
        out.value[id] = node.splitValue!;
        out.left[id] = visit(node.left);
        out.right[id] = visit(node.right);
      } else {
        out.value[id] = node.distribution ?? 0;
      }
      return id;
    };
    out.roots.push(visit(estimator.root));
  });
  return out;
}

/**
 * Indices of one plan's observations to train on: all when few, else round-robin over the shapes, newest first.
 * A plan is mostly run where it is good, so its rare observations elsewhere (early trials, exploration) are what
 * tell the model where it is bad; a recency or uniform subsample would drop them and let the trees guess there.
 */
function pickRows(indices: number[], max: number, strata: Uint32Array | undefined): number[] {
  if (indices.length <= max) return indices;
  if (!strata) return indices.slice(indices.length - max);
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const group = groups.get(strata[i]!);
    if (group) group.push(i);
    else groups.set(strata[i]!, [i]);
  }
  const lists = [...groups.values()];
  const picked: number[] = [];
  for (let round = 0; picked.length < max; round++) {
    for (const list of lists) {
      if (round < list.length) picked.push(list[list.length - 1 - round]!);
      if (picked.length === max) break;
    }
  }
  return picked;
}

/** One plan's forest on rows `x` (ln ms targets `y`). */
export function trainForest(x: number[][], y: number[], options: Required<TrainOptions>, seed: number): RandomForestRegression {
  const forest = new RandomForestRegression({
    nEstimators: options.nEstimators,
    maxFeatures: 1.0, // every feature in every tree: the trees differ by bagging, so their spread shrinks with data
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed,
    treeOptions: { maxDepth: options.maxDepth, minNumSamples: options.minNumSamples },
  });
  forest.train(x, y);
  return forest;
}

/** Trains one forest per plan with enough observations. CPU-heavy: call it only in the worker (or a test). */
export function trainModel(set: TrainingSet, options: TrainOptions = {}): SerializedModel {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const started = performance.now();
  const width = set.featureCount;
  const byPlan: number[][] = PLAN_NAMES.map(() => []);
  for (let i = 0; i < set.plans.length; i++) byPlan[set.plans[i]!]?.push(i);

  const plans: SerializedModel['plans'] = {};
  PLAN_NAMES.forEach((plan, p) => {
    const all = byPlan[p]!;
    if (all.length < o.minObservations) return;
    const rows = pickRows(all, o.maxRowsPerPlan, set.strata);
    // Constant columns cannot split but still cost ml-cart a full O(n²) scan each: leave them out.
    const columns: number[] = [];
    for (let c = 0; c < width; c++) {
      const first = set.features[rows[0]! * width + c];
      if (rows.some((r) => set.features[r * width + c] !== first)) columns.push(c);
    }
    const y = rows.map((r) => Math.log(Math.max(set.latencyMs[r]!, 1e-3)));
    if (columns.length === 0) {
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      plans[plan] = { observations: all.length, roots: [0], feature: [-1], value: [mean], left: [-1], right: [-1] };
      return;
    }
    const x = rows.map((r) => columns.map((c) => set.features[r * width + c]!));
    const forest = trainForest(x, y, o, (o.seed + p * 7919) | 0);
    plans[plan] = compileForest(forest, columns, all.length);
  });
  return { version: 1, featureCount: width, trainedAt: Date.now(), trainMs: performance.now() - started, trainedInThread: threadId, plans };
}

/**
 * One plan's forest for prediction: every node's (feature, value, left, right) side by side in one array, so a
 * step of a tree walk reads one cache line rather than four. Prediction runs right after a plan's pass over the store
 * has pushed the forests out of the CPU caches, where those misses, not the arithmetic, were the cost.
 */
interface CompiledForest {
  observations: number;
  roots: Int32Array;
  /** Node i at 4·i: feature (−1 for a leaf), threshold or leaf value, left child, right child. */
  nodes: Float64Array;
}

function compile(f: SerializedForest): CompiledForest {
  const nodes = new Float64Array(f.feature.length * 4);
  for (let i = 0; i < f.feature.length; i++) {
    nodes[i * 4] = f.feature[i]!;
    nodes[i * 4 + 1] = f.value[i]!;
    nodes[i * 4 + 2] = f.left[i]!;
    nodes[i * 4 + 3] = f.right[i]!;
  }
  return { observations: f.observations, roots: Int32Array.from(f.roots), nodes };
}

export class LatencyModel {
  private readonly forests: (CompiledForest | null)[];

  private constructor(private readonly serialized: SerializedModel) {
    this.forests = PLAN_NAMES.map((plan) => {
      const f = serialized.plans[plan];
      return f ? compile(f) : null;
    });
  }

  static load(serialized: SerializedModel): LatencyModel {
    if (serialized.version !== 1) throw new Error(`Unsupported latency model version ${String(serialized.version)}; retrain the model.`);
    return new LatencyModel(serialized);
  }

  toJSON(): SerializedModel {
    return this.serialized;
  }

  get trainedAt(): number {
    return this.serialized.trainedAt;
  }

  get trainMs(): number {
    return this.serialized.trainMs;
  }

  /** Plans the model has a forest for. */
  knows(plan: PlanName): boolean {
    return this.forests[PLAN_NAMES.indexOf(plan)] != null;
  }

  knownPlans(): PlanName[] {
    return PLAN_NAMES.filter((_, i) => this.forests[i] != null);
  }

  /** Observations the plan's forest was trained from (0 when unknown). */
  observations(plan: PlanName): number {
    return this.forests[PLAN_NAMES.indexOf(plan)]?.observations ?? 0;
  }

  /** Per-tree predictions (ln ms), for checks against the library's own `predictionValues`. */
  treePredictions(plan: PlanName, x: ArrayLike<number>): number[] {
    const f = this.forests[PLAN_NAMES.indexOf(plan)];
    if (!f) return [];
    return Array.from(f.roots, (root) => walk(f, root, x));
  }

  /** Mean and spread (across trees, with the noise floor) of ln(latency ms); null when the plan is unknown. */
  predict(plan: PlanName, x: ArrayLike<number>): PlanPrediction | null {
    const f = this.forests[PLAN_NAMES.indexOf(plan)];
    if (!f) return null;
    const n = f.roots.length;
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < n; t++) {
      const v = walk(f, f.roots[t]!, x);
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / n;
    const variance = Math.max(0, sumSq / n - mean * mean);
    return { mean, spread: Math.sqrt(variance + SPREAD_FLOOR * SPREAD_FLOOR) };
  }
}

function walk(f: CompiledForest, root: number, x: ArrayLike<number>): number {
  const nodes = f.nodes;
  let at = root * 4;
  for (let c = nodes[at]!; c >= 0; c = nodes[at]!) at = (x[c]! < nodes[at + 1]! ? nodes[at + 2]! : nodes[at + 3]!) * 4;
  return nodes[at + 1]!;
}
