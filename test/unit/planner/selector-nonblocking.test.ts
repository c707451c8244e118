import { describe, expect, it } from 'vitest';
import { PlanSelector } from '../../../main/planner/plan-selector.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { GatedTrainer, noisyLatency, queryGenerator, settle, TEST_TRAIN_OPTIONS } from './fake-plan-world.ts';

describe('PlanSelector never waits for training', () => {
  it('keeps choosing and observing while a training is pending, and uses a new model only once it is released', async () => {
    const trainer = new GatedTrainer();
    // A clock that stands still: a training takes no time on it, so the trainer never has to rest (tested below).
    const selector = new PlanSelector({
      trainer,
      random: seededRandom(5),
      retrainEvery: 1200,
      minObservations: 15,
      trainOptions: TEST_TRAIN_OPTIONS,
      now: () => 0,
    });
    const next = queryGenerator(51);
    const measure = noisyLatency(seededRandom(52));
    const step = () => {
      const f = next();
      const choice = selector.choose(f);
      selector.observe(f, choice.plan, measure(f, choice.plan));
      return choice;
    };

    // Enough observations for a model; the first retrain starts at 1200 and does not finish.
    for (let i = 0; i < 1500; i++) step();
    await settle();
    expect(trainer.calls).toBe(1); // one training at a time, however many observations arrive
    expect(trainer.pending).toBe(1);
    expect(selector.status().model).toMatchObject({ training: true, trainings: 0, fallback: true });
    const whileTraining = Array.from({ length: 200 }, step);
    expect(whileTraining.every((c) => c.reason !== 'model' && c.predictedMs === null)).toBe(true);

    trainer.release();
    await settle();
    const first = selector.currentModel();
    expect(first).not.toBeNull();
    expect(selector.status().model).toMatchObject({ trainings: 1, fallback: false });
    // The next retrain starts 1200 observations after the first.
    for (let i = 0; i < 1200; i++) step();
    await settle();
    expect(trainer.calls).toBe(2);
    expect(trainer.pending).toBe(1);
    // The old model stays in use while the next training is pending.
    const withOld = Array.from({ length: 100 }, step);
    expect(selector.currentModel()).toBe(first);
    expect(withOld.some((c) => c.predictedMs !== null)).toBe(true);

    trainer.release();
    await settle();
    expect(selector.currentModel()).not.toBe(first);
    expect(selector.status().model.trainings).toBe(2);
  });

  it('rests between trainings so that training takes at most a tenth of its thread (TRAINER_TIME_SHARE)', async () => {
    const trainer = new GatedTrainer();
    let clock = 0;
    const selector = new PlanSelector({
      trainer,
      random: seededRandom(8),
      retrainEvery: 300,
      minObservations: 15,
      trainOptions: TEST_TRAIN_OPTIONS,
      now: () => clock,
    });
    const next = queryGenerator(81);
    const measure = noisyLatency(seededRandom(82));
    // Every plan observed on every query (as oracle samples do), so no plan is little known: only the count and
    // the rest decide when a training starts. 60 queries × 5 plans = one retrain's worth of observations.
    const step = () => {
      const f = next();
      for (const plan of PLAN_NAMES) selector.observe(f, plan, measure(f, plan));
    };
    for (let i = 0; i < 60; i++) step();
    expect(trainer.calls).toBe(1);
    clock += 100; // the training takes 100 ms
    trainer.release();
    await settle();
    const rest = 900; // 100 ms busy at a 10% share: 900 ms of rest
    // Twice the observations a retrain waits for, but within the rest: no training.
    for (let i = 0; i < 120; i++) step();
    clock += rest - 1;
    step();
    expect(trainer.calls).toBe(1);
    clock += 1;
    step();
    expect(trainer.calls).toBe(2);
    trainer.release();
    await settle();
  });

  it('rests after a failed training as after a good one', async () => {
    let clock = 0;
    let calls = 0;
    const failing = {
      train: () => {
        calls += 1;
        clock += 100; // each attempt takes 100 ms, then fails
        return Promise.reject(new Error('worker crashed'));
      },
      close: async () => {},
    };
    const selector = new PlanSelector({ trainer: failing, random: seededRandom(9), retrainEvery: 300, now: () => clock });
    const next = queryGenerator(91);
    const measure = noisyLatency(seededRandom(92));
    const step = () => {
      const f = next();
      for (const plan of PLAN_NAMES) selector.observe(f, plan, measure(f, plan));
    };
    for (let i = 0; i < 60; i++) step();
    await settle();
    expect(calls).toBe(1);
    for (let i = 0; i < 120; i++) step();
    expect(calls).toBe(1);
    clock += 900;
    step();
    expect(calls).toBe(2);
    await settle();
  });

  it('retrain() resolves when the new model is in use; a failed training keeps the old model', async () => {
    const trainer = new GatedTrainer();
    const selector = new PlanSelector({ trainer, random: seededRandom(6), retrainEvery: 1e9, trainOptions: TEST_TRAIN_OPTIONS });
    const next = queryGenerator(61);
    const measure = noisyLatency(seededRandom(62));
    for (let i = 0; i < 800; i++) {
      const f = next();
      const choice = selector.choose(f);
      selector.observe(f, choice.plan, measure(f, choice.plan));
    }
    let done = false;
    const retrained = selector.retrain().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    expect(selector.choose(next()).reason).not.toBe('model');
    trainer.release();
    await retrained;
    expect(selector.currentModel()).not.toBeNull();

    const model = selector.currentModel();
    const failing = new PlanSelector({
      trainer: { train: () => Promise.reject(new Error('worker crashed')), close: async () => {} },
      random: seededRandom(7),
    });
    await expect(failing.retrain()).rejects.toThrow('worker crashed');
    expect(failing.lastTrainingError).toBe('worker crashed');
    expect(failing.status().model.training).toBe(false);
    expect(selector.currentModel()).toBe(model);
  });
});
