import { describe, expect, it } from 'vitest';
import { PlanSelector } from '../../../main/planner/plan-selector.ts';
import { DEFAULT_PLAN, PLAN_NAMES, type PlanName, type QueryFeatures } from '../../../main/planner/planner-types.ts';
import { seededRandom } from '../../../main/util/random.ts';
import {
  bestLatency,
  InThreadTrainer,
  MIXED,
  noisyLatency,
  queryGenerator,
  settle,
  TEST_TRAIN_OPTIONS,
  trueLatency,
  type WorkloadMix,
} from './fake-plan-world.ts';

function newSelector(seed = 1) {
  const trainer = new InThreadTrainer();
  const selector = new PlanSelector({
    trainer,
    random: seededRandom(seed),
    retrainEvery: 400,
    trainOptions: TEST_TRAIN_OPTIONS,
  });
  return { trainer, selector };
}

/** Runs the workload through the selector: choose, "execute" in the fake world, observe; lets trainings land. */
async function drive(
  selector: PlanSelector,
  next: () => QueryFeatures,
  queries: number,
  measure: (f: QueryFeatures, p: PlanName) => number,
) {
  const chosen: PlanName[] = [];
  for (let i = 0; i < queries; i++) {
    const f = next();
    const choice = selector.choose(f);
    chosen.push(choice.plan);
    selector.observe(f, choice.plan, measure(f, choice.plan));
    if (i % 25 === 0) await settle();
  }
  await settle();
  return chosen;
}

function share(chosen: readonly PlanName[], plans: readonly PlanName[]): number {
  return chosen.filter((p) => plans.includes(p)).length / chosen.length;
}

describe('PlanSelector learning in a fake plan-latency world', () => {
  it('after warm-up picks near-best plans on held-out queries, better than every fixed plan', async () => {
    const { selector } = newSelector();
    await drive(selector, queryGenerator(11, MIXED), 4000, noisyLatency(seededRandom(12)));
    expect(selector.status().model.fallback).toBe(false);

    const heldOut = queryGenerator(99, MIXED);
    let chosenMs = 0;
    let oracleMs = 0;
    let nearBest = 0;
    const fixedMs = Object.fromEntries(PLAN_NAMES.map((p) => [p, 0])) as Record<PlanName, number>;
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const f = heldOut();
      const { plan } = selector.choose(f);
      const ms = trueLatency(f, plan);
      const best = bestLatency(f);
      chosenMs += ms;
      oracleMs += best;
      if (ms <= best * 1.2) nearBest++;
      for (const p of PLAN_NAMES) fixedMs[p] += trueLatency(f, p);
    }
    expect(chosenMs).toBeLessThanOrEqual(oracleMs * 1.2);
    expect(nearBest / n).toBeGreaterThan(0.8);
    for (const p of PLAN_NAMES) expect(chosenMs).toBeLessThan(fixedMs[p]);
  }, 120_000);

  it('follows a drifting workload: filters turning unselective move choices from filtered-vector to vector-first', async () => {
    const { selector } = newSelector(2);
    const measure = noisyLatency(seededRandom(22));
    const selective: WorkloadMix = { selectivity: [-3.5, -1.5], anchors: 0, cached: 0.3 };
    const unselective: WorkloadMix = { selectivity: [-0.5, 0], anchors: 0, cached: 0.3 };

    const before = await drive(selector, queryGenerator(21, selective), 3000, measure);
    const lateBefore = before.slice(-500);
    expect(share(lateBefore, ['filtered-vector', 'cached-partial'])).toBeGreaterThan(0.85);
    expect(share(lateBefore, ['vector-first'])).toBeLessThan(0.05);

    const after = await drive(selector, queryGenerator(23, unselective), 3000, measure);
    const lateAfter = after.slice(-500);
    expect(share(lateAfter, ['vector-first'])).toBeGreaterThan(0.8);
    expect(share(lateAfter, ['filtered-vector'])).toBeLessThan(0.1);
  }, 120_000);

  it('runs the default plan while observations are few, trying little-known plans within the budget', async () => {
    const { selector, trainer } = newSelector(3);
    const next = queryGenerator(31);
    const measure = noisyLatency(seededRandom(32));
    const choices = [];
    for (let i = 0; i < 200; i++) {
      const f = next();
      const choice = selector.choose(f);
      choices.push(choice);
      selector.observe(f, choice.plan, measure(f, choice.plan));
    }
    await settle();
    expect(trainer.calls).toBe(0); // fewer observations than retrainEvery: no training yet
    const fallback = choices.filter((c) => c.reason === 'fallback');
    const explored = choices.filter((c) => c.explored);
    expect(fallback.every((c) => c.plan === DEFAULT_PLAN && c.predictedMs === null && !c.explored)).toBe(true);
    expect(explored.every((c) => c.reason === 'explore' && c.plan !== DEFAULT_PLAN)).toBe(true);
    expect(fallback.length + explored.length).toBe(choices.length);
    expect(explored.length).toBeLessThanOrEqual(0.1 * choices.length);
    expect(explored.length).toBeGreaterThan(0);
    expect(selector.status().model.fallback).toBe(true);

    // A model that knows only the default plan (the others have too few observations) has nothing to compare.
    await selector.retrain();
    const status = selector.status().model;
    expect(status.trainings).toBe(1);
    expect(status.fallback).toBe(true);
    expect(selector.currentModel()?.knownPlans()).toEqual([DEFAULT_PLAN]);
    const later = Array.from({ length: 50 }, () => selector.choose(next()));
    expect(later.every((c) => (c.reason === 'fallback' ? c.plan === DEFAULT_PLAN && c.predictedMs !== null : c.explored))).toBe(true);
  });

  it('reset forgets observations and the model', async () => {
    const { selector } = newSelector(4);
    await drive(selector, queryGenerator(41), 1500, noisyLatency(seededRandom(42)));
    expect(selector.status().model.trainings).toBeGreaterThan(0);
    selector.reset();
    const { model, planCache } = selector.status();
    expect(model).toMatchObject({ observations: 0, fallback: true, trainings: 0, trainedAt: null, lastTrainMs: null });
    expect(planCache).toMatchObject({ entries: 0, hits: 0, misses: 0 });
    expect(selector.choose(queryGenerator(43)()).reason).not.toBe('model');
  });
});
