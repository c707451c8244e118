import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlannerStore, describeReset, describeRetrain, PLANNER_POLL_MS } from '../../../renderer/state/planner-store.ts';
import {
  choicePoints,
  modelState,
  planNamesOf,
  regretShare,
  scatterPoints,
  scatterScale,
  type PlannerScatterPoint,
} from '../../../renderer/state/planner-series.ts';
import { formatSignedMs, formatSignedShare, formatUs } from '../../../renderer/components/planner-format.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { loadingPlannerStatus, plannerStatus } from './planner-fixtures.ts';

afterEach(() => {
  vi.useRealTimers();
});

const point = (actualMs: number, predictedMs: number): PlannerScatterPoint => ({
  at: 0,
  plan: 'graph-first',
  actualMs,
  predictedMs,
  explored: false,
});

describe('planner store', () => {
  it('polls planner.status every 2 s while started, and not after it stopped', async () => {
    vi.useFakeTimers();
    const api = new FakeEngineApi().handle('planner.status', () => plannerStatus());
    const store = createPlannerStore(api);
    store.getState().startPolling();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.callsOf('planner.status')).toHaveLength(1);
    expect(store.getState().status?.state).toBe('ready');
    await vi.advanceTimersByTimeAsync(PLANNER_POLL_MS);
    expect(api.callsOf('planner.status')).toHaveLength(2);
    store.getState().stopPolling();
    await vi.advanceTimersByTimeAsync(PLANNER_POLL_MS * 3);
    expect(api.callsOf('planner.status')).toHaveLength(2);
  });

  it('keeps the status an action returns and refreshes after it', async () => {
    const reset = loadingPlannerStatus();
    const api = new FakeEngineApi().handle('planner.status', () => reset).handle('planner.reset', () => reset);
    const store = createPlannerStore(api);
    await store.getState().reset();
    expect(store.getState().busy).toBeNull();
    expect(store.getState().status).toBe(reset);
    expect(store.getState().lastResult?.action).toBe('reset');
    expect(api.calls.map((c) => c.command)).toEqual(['planner.reset', 'planner.status']);
  });

  it('says what a retrain and a reset did, in words with their figures', () => {
    expect(describeRetrain(plannerStatus())).toBe(
      'Model retrained on 1,480 observations in 850 ms. The selector uses the new model from now on.',
    );
    const few = plannerStatus({ model: { ...plannerStatus().model, observations: 1, fallback: true, lastTrainMs: 2_500 } });
    expect(describeRetrain(few)).toBe(
      'Model retrained on 1 observation in 2 s. The selector still runs the default plan: it needs more observations before it trusts the model.',
    );
    expect(describeReset(null)).toBe(
      'Planner reset: every observation, the model and the plan cache forgotten. The selector runs the default plan until it has learned again.',
    );
  });
});

describe('planner series', () => {
  it('lists the plans in the engine’s order and stacks each bucket’s choices under them', () => {
    const status = plannerStatus();
    const plans = planNamesOf(status);
    expect(plans).toEqual(['vector-first', 'graph-first', 'hybrid-parallel', 'filtered-vector', 'cached-partial']);
    const points = choicePoints(status.timeline, plans);
    expect(points).toHaveLength(30);
    for (const [i, p] of points.entries()) expect(plans.reduce((sum, plan) => sum + (p[plan] ?? 0), 0)).toBe(status.timeline[i]!.queries);
  });

  it('leaves queries without a prediction out of the scatter', () => {
    expect(scatterPoints(plannerStatus().recent)).toHaveLength(180);
  });

  it('picks linear axes from 0 for a narrow range and log axes over a factor of 20, one scale for both axes', () => {
    expect(scatterScale([point(35, 3)])).toEqual({ log: false, domain: [0, 40], ticks: [0, 10, 20, 30, 40], floor: 0 });
    expect(scatterScale([point(0.42, 0.3)]).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(scatterScale([point(150, 0.2), point(0, 1)])).toEqual({
      log: true,
      domain: [0.1, 1000],
      ticks: [0.1, 1, 10, 100, 1000],
      floor: 0.1,
    });
    expect(scatterScale([]).log).toBe(false);
  });

  it('names the model state: training, fallback, learning, trained', () => {
    const model = plannerStatus().model;
    expect(modelState(model)).toBe('trained');
    expect(modelState({ ...model, training: true })).toBe('training');
    expect(modelState({ ...model, fallback: true })).toBe('fallback');
    expect(modelState({ ...model, trainedAt: null })).toBe('learning');
  });

  it('gives regret as a share of its base only when the base is known and positive', () => {
    expect(regretShare(0.7, 6.4)).toBeCloseTo(0.109, 3);
    expect(regretShare(0.7, null)).toBeNull();
    expect(regretShare(null, 6.4)).toBeNull();
    expect(regretShare(0.7, 0)).toBeNull();
  });

  it('formats microseconds and signed figures with their units', () => {
    expect(formatUs(38.4)).toBe('38.4 µs');
    expect(formatUs(1250)).toBe('1,250 µs');
    expect(formatSignedMs(-0.9)).toBe('−0.9 ms');
    expect(formatSignedMs(12.34)).toBe('12.3 ms');
    expect(formatSignedShare(-0.1125)).toBe('−11.3%');
  });
});
