// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { CAPACITY_DEFAULTS, type CapacityResult, type CapacityStatus } from '../../../main/contract/capacity.ts';
import { FindCapacity } from '../../../renderer/components/find-capacity.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

// The engine's own defaults (2,000 to 20,000 req/s by 2,000, 300 s windows, 10 min warm-up), as capacity.status sends them.
const defaults: CapacityStatus['defaults'] = { ...CAPACITY_DEFAULTS };

const result: CapacityResult = {
  params: { ...defaults, maxRate: 6_000 },
  warmup: { seconds: 95, hitRate: 0.912, steady: true },
  steps: [
    { rate: 2_000, achievedRate: 1_998, verdict: 'pass', secondsJudged: 300, failures: [] },
    {
      rate: 4_000,
      achievedRate: 3_100,
      verdict: 'fail',
      secondsJudged: 4,
      failures: [
        {
          id: 'p99',
          label: 'p99 latency',
          target: '< 100 ms',
          reason: 'failed',
          judgedOn: 'each-second',
          mean: 120,
          worst: { at: 1, value: 230, passed: false, note: null },
        },
        {
          id: 'cpu',
          label: 'CPU',
          target: '< 70% sustained',
          reason: 'failed',
          judgedOn: 'window-mean',
          mean: 0.724,
          worst: { at: 2, value: 0.91, passed: false, note: null },
        },
      ],
    },
  ],
  highestPassingRate: 2_000,
  ended: 'step-failed',
  throughputGoal: 10_000,
  meetsThroughputGoal: false,
  restoredRate: 500,
  startedAt: 0,
  endedAt: 1,
};

let api: FakeEngineApi;
let finish: (value: CapacityResult) => void;
beforeEach(() => {
  api = new FakeEngineApi()
    .handle('capacity.status', () => ({ running: false, defaults, last: null }))
    .handle('capacity.start', () => new Promise<CapacityResult>((resolve) => (finish = resolve)))
    .handle('capacity.cancel', () => ({ cancelled: true }));
});

function render(workloadRunning = true) {
  const services = consoleServices(api);
  services.status.getState().apply(readyStatus(workloadRunning ? { running: true, profile: 'demo', targetRate: 500 } : {}));
  renderInConsole(createElement(FindCapacity), services);
  return { services };
}

describe('Find capacity', () => {
  it('is offered only while a workload runs', () => {
    render(false);
    expect(screen.getByRole('button', { name: 'Find capacity' }).hasAttribute('disabled')).toBe(true);
  });

  it('asks first, shows progress with a cancel, then every step and the highest passing rate', async () => {
    const { services } = render();
    fireEvent.click(screen.getByRole('button', { name: 'Find capacity' }));
    const confirm = await screen.findByRole('dialog', { name: 'Find capacity' });
    expect(confirm.textContent).toContain('First the cache warms at 2,000 req/s until its hit rate is steady (at most 10 min 0 s)');
    expect(confirm.textContent).toContain('2,000 req/s up to 20,000 req/s');
    expect(confirm.textContent).toContain('goes back to 500 req/s');
    expect(api.callsOf('capacity.start')).toEqual([]);

    fireEvent.click(within(confirm).getByRole('button', { name: 'Drive the load up' }));
    expect(api.callsOf('capacity.start')).toEqual([{ confirm: true }]);
    services.tasks
      .getState()
      .apply({ task: 'capacity', phase: 'judge', message: 'Step 2/10 at 4,000 req/s: 3/300 s held', done: 1, total: 10 });
    const running = await screen.findByRole('dialog', { name: 'Finding capacity…' });
    expect(running.textContent).toContain('Step 2/10 at 4,000 req/s');
    fireEvent.click(within(running).getByRole('button', { name: 'Cancel the search' }));
    expect(api.callsOf('capacity.cancel')).toEqual([{}]);

    finish(result);
    const done = await screen.findByRole('dialog', { name: 'Capacity: all eight held at 2,000 req/s' });
    const rows = within(done).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[2]!.textContent).toContain('p99 latency 230 ms (< 100 ms)');
    // CPU is judged on the window's mean: the mean first, then the worst second.
    expect(rows[2]!.textContent).toContain('CPU mean 72.4%, worst second 91% (< 70% sustained)');
    expect(done.textContent).toContain(
      'First the cache warmed for 1 min 35 s at 2,000 req/s to a hit rate of 91.2%, until its hit rate was steady.',
    );
  });
});
