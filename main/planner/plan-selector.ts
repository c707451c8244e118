/**
 * The learned plan selector (Bao's lessons applied to hybrid queries): a per-plan latency model trained online
 * from measured executions, Thompson sampling over its predictions, a bounded budget for trying little-known
 * plans, and the default plan while it knows little.
 *
 * `choose` and `observe` run on the query path: synchronous, constant work (a plan-cache lookup by a numeric shape,
 * a few tree walks on a miss, five Gaussian draws; a ring-buffer write). Training happens in the trainer (a worker thread); the
 * selector starts it in the background and swaps the model in when it answers, never waiting for it.
 */

import type { PlannerStatusPayload } from '../contract/planner.ts';
import { gaussian, type Random } from '../util/random.ts';
import { LatencyModel, type PlanPrediction, type TrainOptions } from './latency-model.ts';
import { ObservationWindows, type ModelTrainer } from './model-trainer.ts';
import { PlanCache, PLAN_CACHE_CAPACITY, type PlanPredictions } from './plan-cache.ts';
import { ShapeEvidence } from './shape-evidence.ts';
import { DEFAULT_PLAN, PLAN_NAMES, type PlanName, type QueryFeatures } from './planner-types.ts';
import { FEATURE_COUNT, writeFeatureVector } from './query-features.ts';
import { restAfter } from './time-share.ts';

export interface PlanChoice {
  plan: PlanName;
  /** The model's expected latency of `plan` (ms); null when it has none (fallback, or a plan it does not know yet). */
  predictedMs: number | null;
  /** Not the model's best guess: a Thompson draw favoured another plan, or a little-known plan was tried. */
  explored: boolean;
  reason: 'fallback' | 'explore' | 'model';
}

export interface PlanSelectorOptions {
  trainer: ModelTrainer;
  /** Uniform [0, 1); injectable so tests are reproducible. */
  random?: Random;
  now?: () => number;
  /** Observations kept per plan (the newest); the model learns from these. */
  windowPerPlan?: number;
  /** A background retrain starts after this many new observations, if none is running. */
  retrainEvery?: number;
  /** Below this many observations a plan is little known: tried within the exploration budget, not predicted. */
  minObservations?: number;
  /** Largest share of queries spent trying little-known plans (default 10%; none when `oracleSampled`). */
  explorationBudget?: number;
  /** A plan not run for this many observations is little known again (the workload may have moved). */
  staleAfter?: number;
  /** A plan that may be (mean + one spread) this many times slower than the best guess is never sampled. */
  safetyFactor?: number;
  /**
   * Thompson draws use the predicted spread times this. The forest's spread across trees is bagging variance, not
   * a calibrated posterior: drawn at full width it explored far more often than the model's real doubt warrants
   * (docs/measurements.md).
   */
  drawScale?: number;
  /**
   * Every plan is also measured now and then off the request path (HybridPlanner's oracle samples, which
   * `observe` every plan). Those teach the model what a plan not chosen would have cost, on the workload's own mix
   * of shapes, at no cost to a request; exploring on the request path as well bought little and cost mean latency
   * on the bench (docs/measurements.md). Thompson draws are then ORACLE_SAMPLED_DRAW_SCALE wide (unless `drawScale`
   * is given), and little-known plans are not tried on requests (unless `explorationBudget` is given): the samples
   * measure every plan anyway, and a trial of the slowest plan, several times the others' latency, became the demo
   * hybrid templates' p95 in a young selector's first minutes.
   */
  oracleSampled?: boolean;
  planCacheCapacity?: number;
  trainOptions?: TrainOptions;
  /** A background training failed; the old model stays in use. */
  onTrainingError?: (error: Error) => void;
}

/** The largest share of its thread's time the background trainer spends training (see `rested`). */
export const TRAINER_TIME_SHARE = 0.1;

/** Thompson draws' width (× the predicted spread) without and with oracle samples teaching every plan. */
export const DEFAULT_DRAW_SCALE = 0.5;
export const ORACLE_SAMPLED_DRAW_SCALE = 0.2;

/** The plan with the least predicted latency, or -1 when fewer than two plans have a prediction. */
function bestOfTwoOrMore(predictions: PlanPredictions): number {
  let best = -1;
  let known = 0;
  for (let i = 0; i < PLAN_NAMES.length; i++) {
    const p = predictions[i];
    if (!p) continue;
    known++;
    if (best < 0 || p.mean < predictions[best]!.mean) best = i;
  }
  return known < 2 ? -1 : best;
}

export type ModelStatus = PlannerStatusPayload['model'];
export type PlanCacheStatus = PlannerStatusPayload['planCache'];

export class PlanSelector {
  private readonly trainer: ModelTrainer;
  private readonly random: Random;
  private readonly now: () => number;
  private readonly retrainEvery: number;
  private readonly minObservations: number;
  private readonly budget: number;
  private readonly staleAfter: number;
  private readonly maxLogGap: number;
  private readonly drawScale: number;
  private readonly trainOptions: TrainOptions;
  private readonly onTrainingError: (error: Error) => void;
  private readonly windows: ObservationWindows;
  private readonly cache: PlanCache;
  /** Measurements per query shape since the last reset: they refine the forest's predictions between retrains. */
  private readonly evidence: ShapeEvidence;
  private readonly refined: (PlanPrediction | null)[] = new Array(PLAN_NAMES.length).fill(null);

  private model: LatencyModel | null = null;
  /** The model in use has a forest for every plan (set when a model is swapped in, not derived per query). */
  private modelKnowsEveryPlan = false;
  private training: Promise<void> | null = null;
  /** Bumped by reset/close: a training started before answers into the void. */
  private generation = 0;
  private choices = 0;
  private explorations = 0;
  private observed = 0;
  private sinceTraining = 0;
  private readonly lastObserved = new Array<number>(PLAN_NAMES.length).fill(0);
  private trainings = 0;
  private trainedAt: number | null = null;
  /** When the last training ended, successful or not, and how long it took: what the trainer rests after. */
  private lastTraining: { endedAt: number; ms: number } | null = null;
  private lastTrainMs: number | null = null;
  /** The last training failure, for the console's message; null after a success. */
  lastTrainingError: string | null = null;

  constructor(options: PlanSelectorOptions) {
    this.trainer = options.trainer;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.retrainEvery = options.retrainEvery ?? 200;
    this.minObservations = options.minObservations ?? 30;
    this.budget = options.explorationBudget ?? (options.oracleSampled ? 0 : 0.1);
    this.staleAfter = options.staleAfter ?? 5000;
    this.maxLogGap = Math.log(options.safetyFactor ?? 2);
    this.drawScale = options.drawScale ?? (options.oracleSampled ? ORACLE_SAMPLED_DRAW_SCALE : DEFAULT_DRAW_SCALE);
    this.trainOptions = { minObservations: this.minObservations, ...options.trainOptions };
    this.onTrainingError = options.onTrainingError ?? (() => {});
    this.windows = new ObservationWindows(options.windowPerPlan ?? 2000);
    this.cache = new PlanCache(options.planCacheCapacity ?? PLAN_CACHE_CAPACITY);
    this.evidence = new ShapeEvidence(options.planCacheCapacity ?? PLAN_CACHE_CAPACITY);
  }

  /** Which plan to run for a query with these features. Synchronous; never waits for training. */
  choose(features: QueryFeatures): PlanChoice {
    this.choices++;
    const model = this.model;
    const predictions = model ? this.predictions(model, features) : null;

    const trial = this.littleKnownPlan();
    if (trial >= 0 && this.random() < this.budget && this.explorations < this.budget * this.choices) {
      this.explorations++;
      const p = predictions?.[trial];
      return { plan: PLAN_NAMES[trial]!, predictedMs: p ? Math.exp(p.mean) : null, explored: true, reason: 'explore' };
    }
    // Fallback until the model can compare at least two plans: with one known plan there is nothing to choose.
    const best = predictions ? bestOfTwoOrMore(predictions) : -1;
    if (!predictions || best < 0) {
      const p = predictions?.[PLAN_NAMES.indexOf(DEFAULT_PLAN)];
      return { plan: DEFAULT_PLAN, predictedMs: p ? Math.exp(p.mean) : null, explored: false, reason: 'fallback' };
    }
    const chosen = this.thompsonChoice(predictions, best);
    const explored = chosen !== best;
    return {
      plan: PLAN_NAMES[chosen]!,
      predictedMs: Math.exp(predictions[chosen]!.mean),
      explored,
      reason: explored ? 'explore' : 'model',
    };
  }

  /**
   * Thompson sampling: one draw per plan from N(mean, spread) in log space; the least wins. Safe exploration:
   * a plan that may well be (mean + one spread) more than safetyFactor× slower than the best guess is not
   * gambled on; where the model is that unsure, the budgeted trials of little-known plans gather data instead.
   */
  private thompsonChoice(predictions: PlanPredictions, best: number): number {
    const limit = predictions[best]!.mean + this.maxLogGap;
    let rivals = 0;
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i];
      if (p && i !== best && p.mean + p.spread <= limit) rivals++;
    }
    // No other plan within reach of the best guess: it is the choice, and no draws are spent on the query path.
    if (rivals === 0) return best;
    let chosen = best;
    let chosenDraw = Infinity;
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i];
      if (!p || (i !== best && p.mean + p.spread > limit)) continue;
      const draw = p.mean + p.spread * this.drawScale * gaussian(this.random);
      if (draw < chosenDraw) {
        chosenDraw = draw;
        chosen = i;
      }
    }
    return chosen;
  }

  /** Records a measured execution; may start a background retrain (never awaited). */
  observe(features: QueryFeatures, plan: PlanName, latencyMs: number): void {
    const p = PLAN_NAMES.indexOf(plan);
    if (p < 0 || !Number.isFinite(latencyMs) || latencyMs < 0) return;
    this.windows.push(p, features, latencyMs);
    this.evidence.record(features.shape, p, latencyMs);
    this.observed++;
    this.lastObserved[p] = this.observed;
    this.sinceTraining++;
    if (this.training) return;
    // Also the moment the last little-known plan becomes known: waiting for `retrainEvery` more observations would
    // keep a young selector on the default plan for minutes when oracle samples are what teaches it.
    // (Not again after a failed training: that waits for the usual count, so a failing trainer is not hammered.)
    const nowKnown = !this.modelKnowsEveryPlan && this.lastTrainingError === null && !this.wantsSamples;
    if ((this.sinceTraining >= this.retrainEvery && this.rested()) || nowKnown) {
      this.startTraining().catch((error: Error) => this.onTrainingError(error));
    }
  }

  /**
   * Whether some plan is little known (too few observations, or none for `staleAfter`): the hybrid planner then
   * samples the oracle on every query it can, not one in `oracleEvery`, so the selector leaves the default plan
   * after a few dozen samples rather than a few hundred queries.
   */
  get wantsSamples(): boolean {
    return this.littleKnownPlan() >= 0;
  }

  /** Trains on the current observations now (after any training in progress); resolves when the new model is in use. */
  async retrain(): Promise<void> {
    if (this.training) await this.training.catch(() => {});
    await this.startTraining();
  }

  /** Forgets observations, model and counts; a training in progress is discarded. */
  reset(): void {
    this.generation++;
    this.windows.clear();
    this.evidence.clear();
    this.model = null;
    this.modelKnowsEveryPlan = false;
    this.training = null;
    this.cache.reset();
    this.choices = this.explorations = this.observed = this.sinceTraining = 0;
    this.lastObserved.fill(0);
    this.trainings = 0;
    this.trainedAt = this.lastTrainMs = this.lastTraining = null;
    this.lastTrainingError = null;
  }

  async close(): Promise<void> {
    this.generation++;
    this.training = null;
    await this.trainer.close();
  }

  /** The `model` and `planCache` parts of the console's planner status. */
  status(): { model: ModelStatus; planCache: PlanCacheStatus } {
    const perPlan = {} as Record<PlanName, number>;
    PLAN_NAMES.forEach((plan, i) => (perPlan[plan] = this.windows.size(i)));
    return {
      model: {
        observations: this.windows.total(),
        perPlan,
        fallback: !this.model || this.model.knownPlans().length < 2,
        training: this.training !== null,
        trainings: this.trainings,
        trainedAt: this.trainedAt,
        lastTrainMs: this.lastTrainMs,
      },
      planCache: this.cache.stats(),
    };
  }

  /** The model in use (null before the first training). */
  currentModel(): LatencyModel | null {
    return this.model;
  }

  private predictions(model: LatencyModel, features: QueryFeatures): PlanPredictions {
    let prior = this.cache.get(features.shape);
    if (!prior) {
      const x = new Float64Array(FEATURE_COUNT);
      writeFeatureVector(features, x, 0);
      prior = predictAll(model, x);
      this.cache.set(features.shape, prior, x);
    }
    return this.evidence.refine(features.shape, prior, this.refined);
  }

  /** The little-known plan with the fewest observations (too few, or none for `staleAfter`); −1 when none. */
  private littleKnownPlan(): number {
    let pick = -1;
    let fewest = Infinity;
    for (let i = 0; i < PLAN_NAMES.length; i++) {
      const size = this.windows.size(i);
      const stale = this.observed - this.lastObserved[i]! > this.staleAfter;
      if ((size < this.minObservations || stale) && size < fewest) {
        pick = i;
        fewest = size;
      }
    }
    return pick;
  }

  /**
   * Whether the trainer has rested long enough since its last training for it to take at most TRAINER_TIME_SHARE of
   * its thread: at 200 observations a second, `retrainEvery` alone would keep a core's fifth training without pause.
   */
  private rested(): boolean {
    if (this.lastTraining === null) return true;
    return this.now() - this.lastTraining.endedAt >= restAfter(this.lastTraining.ms, TRAINER_TIME_SHARE);
  }

  private startTraining(): Promise<void> {
    const generation = this.generation;
    const started = this.now();
    const set = this.windows.trainingSet();
    this.sinceTraining = 0;
    // A different bagging seed per training, derived from the count so runs stay reproducible.
    const options = { ...this.trainOptions, seed: ((this.trainOptions.seed ?? 42) + this.trainings * 7_919) | 0 };
    const training: Promise<void> = this.trainer
      .train(set, options)
      .then(
        (serialized) => {
          if (generation !== this.generation) return;
          const model = LatencyModel.load(serialized);
          this.model = model;
          this.modelKnowsEveryPlan = model.knownPlans().length === PLAN_NAMES.length;
          // Here, not on the next queries: the shapes that recur find the new model's predictions waiting.
          this.cache.repredict((x) => predictAll(model, x));
          this.trainings++;
          this.trainedAt = this.now();
          this.lastTrainMs = this.trainedAt - started;
          this.lastTrainingError = null;
        },
        (error: unknown) => {
          if (generation !== this.generation) return;
          const failure = error instanceof Error ? error : new Error(String(error));
          this.lastTrainingError = failure.message;
          throw failure;
        },
      )
      .finally(() => {
        // A failed training rests too (its time was spent all the same); a discarded one (reset) counts no more.
        if (generation === this.generation) this.lastTraining = { endedAt: this.now(), ms: this.now() - started };
        if (this.training === training) this.training = null;
      });
    this.training = training;
    return training;
  }
}

function predictAll(model: LatencyModel, x: ArrayLike<number>): PlanPredictions {
  return PLAN_NAMES.map((plan) => model.predict(plan, x));
}
