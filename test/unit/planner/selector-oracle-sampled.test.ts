import { describe, expect, it } from 'vitest';
import { PlanSelector, type PlanSelectorOptions } from '../../../main/planner/plan-selector.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { InThreadTrainer, noisyLatency, queryGenerator, settle, TEST_TRAIN_OPTIONS } from './fake-plan-world.ts';

/** A selector taught like the engine teaches it with oracle samples: every plan measured on one query in ten. */
async function taughtSelector(options: Partial<PlanSelectorOptions>): Promise<PlanSelector> {
  const selector = new PlanSelector({
    trainer: new InThreadTrainer(),
    random: seededRandom(5),
    retrainEvery: 1e9,
    trainOptions: TEST_TRAIN_OPTIONS,
    ...options,
  });
  const next = queryGenerator(51);
  const measure = noisyLatency(seededRandom(52));
  for (let i = 0; i < 1500; i++) {
    const f = next();
    const { plan } = selector.choose(f);
    selector.observe(f, plan, measure(f, plan));
    if (i % 10 === 0) for (const other of PLAN_NAMES) if (other !== plan) selector.observe(f, other, measure(f, other));
  }
  await selector.retrain();
  return selector;
}

function explorations(selector: PlanSelector): number {
  const next = queryGenerator(53);
  let explored = 0;
  for (let i = 0; i < 1000; i++) if (selector.choose(next()).explored) explored++;
  return explored;
}

describe('a selector whose plans are also measured by oracle samples', () => {
  it('explores less on the request path than one that learns only from its own choices', async () => {
    const wide = explorations(await taughtSelector({}));
    const narrow = explorations(await taughtSelector({ oracleSampled: true }));
    expect(wide).toBeGreaterThan(0);
    expect(narrow).toBeLessThan(wide);
  });

  it('never tries a little-known plan on a request: the samples measure every plan anyway', () => {
    const trials = (options: Partial<PlanSelectorOptions>): number => {
      const selector = new PlanSelector({
        trainer: new InThreadTrainer(),
        random: seededRandom(8),
        retrainEvery: 1e9,
        trainOptions: TEST_TRAIN_OPTIONS,
        ...options,
      });
      const next = queryGenerator(9);
      let explored = 0;
      for (let i = 0; i < 300; i++) if (selector.choose(next()).reason === 'explore') explored++;
      return explored;
    };
    expect(trials({})).toBeGreaterThan(0);
    expect(trials({ oracleSampled: true })).toBe(0);
    expect(trials({ oracleSampled: true, explorationBudget: 0.1 })).toBeGreaterThan(0);
  });

  it('still takes an explicit draw width and trial budget as given', async () => {
    const explicit = explorations(await taughtSelector({ oracleSampled: true, drawScale: 0.5, explorationBudget: 0.1 }));
    expect(explicit).toBe(explorations(await taughtSelector({})));
  });

  it('wants samples while a plan is little known, and trains the moment every plan is known', async () => {
    const selector = new PlanSelector({
      trainer: new InThreadTrainer(),
      random: seededRandom(3),
      oracleSampled: true,
      retrainEvery: 1e9,
      minObservations: 30,
      trainOptions: TEST_TRAIN_OPTIONS,
    });
    const next = queryGenerator(31);
    const measure = noisyLatency(seededRandom(32));
    // What an oracle sample teaches: every plan on one query.
    const sample = (): void => {
      const f = next();
      for (const plan of PLAN_NAMES) selector.observe(f, plan, measure(f, plan));
    };
    expect(selector.wantsSamples).toBe(true);
    for (let i = 0; i < 29; i++) sample();
    await settle();
    expect(selector.wantsSamples).toBe(true);
    expect(selector.status().model).toMatchObject({ trainings: 0, fallback: true });
    expect(selector.choose(next()).reason).toBe('fallback');

    sample();
    expect(selector.wantsSamples).toBe(false);
    await settle();
    expect(selector.status().model).toMatchObject({ trainings: 1, fallback: false });
    expect(selector.choose(next()).reason).not.toBe('fallback');
    // Known plans train again only every `retrainEvery` observations.
    for (let i = 0; i < 20; i++) sample();
    await settle();
    expect(selector.status().model.trainings).toBe(1);
  });
});
