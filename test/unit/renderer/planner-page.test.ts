// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { plannerStatusSchema, type PlannerStatusPayload } from '../../../main/contract/planner.ts';
import { PlannerPage } from '../../../renderer/pages/planner-page.tsx';
import { engineStatus, readyStatus } from './fixtures.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { loadingPlannerStatus, plannerStatus } from './planner-fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

const stops: (() => void)[] = [];
beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  cleanup();
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fake engine whose planner answers `status`; retrain and reset change it as the engine would. */
function engine(status: PlannerStatusPayload = plannerStatus()) {
  let current = status;
  return new FakeEngineApi()
    .handle('planner.status', () => current)
    .handle(
      'planner.retrain',
      () =>
        (current = {
          ...current,
          model: { ...current.model, trainings: current.model.trainings + 1, observations: 1_500, lastTrainMs: 640 },
        }),
    )
    .handle('planner.reset', () => {
      const model = { ...current.model, observations: 0, fallback: true, trainedAt: null, trainings: 0, lastTrainMs: null };
      return (current = { ...current, model, planCache: { ...current.planCache, entries: 0 } });
    });
}

function renderPlanner(api: FakeEngineApi, engineState = readyStatus()) {
  const services = consoleServices(api, 'planner');
  services.status.getState().apply(engineState);
  return renderInConsole(createElement(PlannerPage), services);
}

const tile = (id: string) => screen.getByTestId(`planner-tile-${id}`).textContent ?? '';

describe('planner page', () => {
  it('uses a fixture the contract accepts', () => {
    expect(() => plannerStatusSchema.parse(plannerStatus())).not.toThrow();
    expect(() => plannerStatusSchema.parse(loadingPlannerStatus())).not.toThrow();
  });

  it('shows the selector in tiles with their units, and the vector path', async () => {
    const api = engine();
    renderPlanner(api);
    await screen.findByTestId('planner-tiles');
    expect(api.callsOf('planner.status')).toEqual([{}]);
    expect(tile('queries')).toContain('1,');
    expect(tile('queries')).toContain('plan cache 310 of 1,024 entries, 93% hits');
    expect(tile('model')).toContain('trained');
    expect(tile('model')).toContain('1,480 observations; trained 3×');
    expect(tile('model')).toContain('in 850 ms');
    expect(tile('overhead')).toContain('38.4 µs mean');
    expect(tile('overhead')).toContain('p95 112 µs');
    expect(tile('regret-oracle')).toContain('0.7 ms (10.9%)');
    expect(tile('regret-oracle')).toContain('mean over 340 oracle samples; chosen 7.1 ms, oracle 6.4 ms');
    expect(tile('regret-fixed')).toContain('−0.9 ms (−11.3%)');
    expect(tile('regret-fixed')).toContain('better than always running cached-partial');
    expect(tile('best-fixed')).toContain('cached-partial');
    expect(tile('best-fixed')).toContain('8 ms mean over 340 oracle samples');
    const path = screen.getByTestId('planner-vector-path').textContent;
    expect(path).toContain('in-process exact index (exact cosine over 384-dimension embeddings, kept in step with chunks)');
    expect(path).toContain('index of 120,000 rows, 176 MiB');
  });

  it('charts the plan choices stacked per plan, latency against prediction, and both regrets', async () => {
    renderPlanner(engine());
    const choices = await screen.findByTestId('planner-choices-chart');
    // One stacked area per plan: all five took part in the timeline.
    await waitFor(() => expect(choices.querySelectorAll('.recharts-area-area').length).toBe(5));
    for (const plan of ['vector-first', 'graph-first', 'hybrid-parallel', 'filtered-vector', 'cached-partial'])
      expect(within(choices).getByText(plan)).toBeTruthy();
    const latency = screen.getByTestId('planner-latency-chart');
    expect(latency.querySelectorAll('path.recharts-line-curve')).toHaveLength(2);
    expect(within(latency).getByText('predicted by the model')).toBeTruthy();
    expect(latency.textContent).toMatch(/\d ms/); // ticks carry the unit
    const regret = screen.getByTestId('planner-regret-chart');
    expect(regret.querySelectorAll('path.recharts-line-curve')).toHaveLength(2);
    expect(within(regret).getByText('vs the best single fixed plan')).toBeTruthy();
    expect(regret.textContent).toContain('−'); // the selector beat the fixed plan: negative ticks, real minus signs
  });

  it('plots predicted against measured for the recent queries with a y = x line, exploration hollow', async () => {
    renderPlanner(engine());
    const scatter = await screen.findByTestId('planner-scatter-chart');
    // 200 recent queries, the first 20 without a prediction (fallback).
    expect(scatter.textContent).toContain('Predicted vs measured, last 180 predicted queries (26 explored, hollow)');
    await waitFor(() => expect(scatter.querySelectorAll('circle.planner-dot')).toHaveLength(180));
    expect(scatter.querySelectorAll('circle.planner-dot--explored')).toHaveLength(26);
    expect(scatter.querySelectorAll('.recharts-reference-line')).toHaveLength(1);
    expect(scatter.textContent).toContain('y = x (exact)');
  });

  it('switches the scatter to log axes when latencies span more than a factor of 20', async () => {
    const recent = [0.2, 1, 8, 40, 150].map((ms, i) => ({
      at: i,
      plan: 'graph-first' as const,
      actualMs: ms,
      predictedMs: ms * 1.1,
      explored: false,
    }));
    renderPlanner(engine(plannerStatus({ recent })));
    const scatter = await screen.findByTestId('planner-scatter-chart');
    expect(scatter.textContent).toContain('log axes');
    await waitFor(() => expect(scatter.querySelectorAll('circle.planner-dot')).toHaveLength(5));
  });

  it('lists every plan with what it does, how often it was chosen and its mean latency', async () => {
    renderPlanner(engine());
    const table = await screen.findByTestId('planner-plans');
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    const best = screen.getByTestId('planner-plan-cached-partial');
    expect(best.textContent).toContain('best fixed');
    expect(best.textContent).toContain('Reuse cached neighbour lists');
    expect(best.textContent).toContain('5.1 ms');
    expect(best.textContent).toContain('270'); // the model's observations of it
    const unused = screen.getByTestId('planner-plan-vector-first');
    expect(unused.textContent).toContain('14.2 ms');
  });

  it('retrains on request, showing progress and disabling both actions meanwhile', async () => {
    const answer = deferred<PlannerStatusPayload>();
    const api = engine().handle('planner.retrain', () => answer.promise);
    renderPlanner(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Retrain now' }));
    await waitFor(() => expect(api.callsOf('planner.retrain')).toEqual([{}]));
    const running = screen.getByRole('button', { name: 'Training…' });
    expect((running as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Reset the planner…' }) as HTMLButtonElement).disabled).toBe(true);
    answer.resolve(plannerStatus({ model: { ...plannerStatus().model, observations: 1_500, trainings: 4, lastTrainMs: 640 } }));
    expect((await screen.findByTestId('planner-action-result')).textContent).toBe(
      'Model retrained on 1,500 observations in 640 ms. The selector uses the new model from now on.',
    );
    expect((screen.getByRole('button', { name: 'Retrain now' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says "training…" while the engine trains by itself, and does not offer another run', async () => {
    renderPlanner(engine(plannerStatus({ model: { ...plannerStatus().model, training: true } })));
    expect(await screen.findByRole('button', { name: 'Training…' })).toHaveProperty('disabled', true);
    expect(tile('model')).toContain('training…');
  });

  it('resets only after confirmation', async () => {
    const api = engine();
    renderPlanner(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Reset the planner…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the planner?' });
    expect(dialog.textContent).toContain('forgets all 1,480 observations, the trained model and 310 cached plan choices');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('planner.reset')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Reset the planner…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Reset the planner' }));
    await waitFor(() => expect(api.callsOf('planner.reset')).toEqual([{}]));
    expect((await screen.findByTestId('planner-action-result')).textContent).toBe(
      'Planner reset: 1,480 observations, the model and 310 cached plan choices forgotten. The selector runs the default plan until it has learned again.',
    );
    await waitFor(() => expect(tile('model')).toContain('fallback'));
  });

  it("shows the engine's refusal in words, with its hint", async () => {
    const api = engine().fail(
      'planner.retrain',
      'planner-busy',
      'The model is training already.',
      'Wait for it to finish, then try again.',
    );
    renderPlanner(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Retrain now' }));
    expect(await screen.findByText('The model is training already.')).toBeTruthy();
    expect(screen.getByText('Wait for it to finish, then try again.')).toBeTruthy();
    expect(screen.queryByTestId('planner-action-result')).toBeNull();
  });

  it('says the vector index is loading, with its rows so far, and holds the actions back', async () => {
    renderPlanner(engine(loadingPlannerStatus(48_000)));
    const banner = await screen.findByTestId('planner-state');
    expect(banner.dataset.state).toBe('loading');
    expect(banner.textContent).toContain('Loading the vector index… 48,000 rows (70.3 MiB) read so far.');
    expect(banner.textContent).toContain('Reading the chunks’ embeddings');
    expect(screen.getByRole('button', { name: 'Retrain now' })).toHaveProperty('disabled', true);
    expect(screen.getByTestId('planner-actions-unavailable')).toBeTruthy();
    expect(screen.getByTestId('planner-choices-chart').textContent).toContain('No hybrid query yet');
    expect(tile('model')).toContain('fallback');
    expect(tile('overhead')).toContain('no query yet');
    expect(tile('regret-oracle')).toContain('no oracle sample yet');
    expect(screen.getByTestId('planner-vector-path').textContent).toContain('index: 48,000 rows, 70.3 MiB read so far');
    expect(screen.getByTestId('planner-scatter-chart').textContent).toContain('No prediction yet');
  });

  it('says when the selector failed, with what to do', async () => {
    const message =
      'The vector index could not be read: column chunks.embedding is missing. Re-seed the demo data (hotpath start --local --reseed), then reconnect.';
    renderPlanner(engine(plannerStatus({ state: 'failed', message })));
    const banner = await screen.findByTestId('planner-state');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain(`The plan selector failed. ${message}`);
    expect(within(banner).getByRole('button', { name: 'Open Connections' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reset the planner…' })).toHaveProperty('disabled', true);
    expect(screen.getByTestId('planner-actions-unavailable').textContent).toContain('unavailable while the selector has failed');
  });

  it('shows the not-connected state when the planner is off, and polls nothing without a stack', async () => {
    renderPlanner(engine(plannerStatus({ state: 'off' })));
    expect(await screen.findByTestId('not-connected')).toBeTruthy();
    expect(screen.queryByTestId('planner-tiles')).toBeNull();
    cleanup();

    const api = engine();
    renderPlanner(api, engineStatus());
    expect(screen.getByTestId('not-connected').textContent).toContain('The plan selector needs a database');
    expect(api.callsOf('planner.status')).toEqual([]);
  });

  it("shows the engine's error when the status cannot be read", async () => {
    renderPlanner(
      new FakeEngineApi().fail('planner.status', 'planner-unavailable', 'The plan selector is not running.', 'Restart Hotpath.'),
    );
    expect(await screen.findByText('The plan selector is not running.')).toBeTruthy();
    expect(screen.getByText('Restart Hotpath.')).toBeTruthy();
  });
});
