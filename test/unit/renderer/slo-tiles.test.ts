// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { SloReport } from '../../../main/contract/slo.ts';
import { SloJudge } from '../../../main/slo/index.ts';
import { SloTiles } from '../../../renderer/components/slo-tiles.tsx';
import { formatClock } from '../../../renderer/format/units.ts';
import { second, type SecondShape } from '../slo/slo-fixtures.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const tile = (name: string) => screen.getByRole('group', { name });
const verdictOf = (name: string) => within(tile(name)).getByTestId('slo-verdict').textContent?.trim();

/** An engine's judge after `seconds` seconds shaped by `shape`. */
function judgeAfter(seconds: number, shape: (n: number) => SecondShape = () => ({})): SloJudge {
  const judge = new SloJudge();
  for (let n = 1; n <= seconds; n++) judge.record(second(n, shape(n)));
  return judge;
}

/** The console on a fake engine whose `slo.*` commands answer from `judge`. */
function renderTiles(judge: SloJudge) {
  const api = new FakeEngineApi()
    .handle('slo.status', () => judge.report())
    .handle('slo.setWindow', ({ windowSeconds }) => {
      judge.setWindow(windowSeconds);
      return judge.report();
    });
  return renderInConsole(createElement(SloTiles), consoleServices(api));
}

describe('SLO tiles', () => {
  it("show the engine's verdicts: waiting with how much of the window is in, before a workload has run long enough", async () => {
    renderTiles(judgeAfter(1, () => ({ workload: false })));
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Waiting for data (0 of 60 s)'));
    for (const name of ['p95 latency < 50 ms', 'p99 latency < 100 ms', 'Throughput > 10,000 req/s', 'Pool efficiency > 90%']) {
      expect(verdictOf(name)).toBe('Waiting for data (0 of 60 s)');
    }
    // Memory and CPU are judged without a workload.
    expect(verdictOf('Memory < 80% sustained')).toBe('Waiting for data (1 of 60 s)');
    expect(tile('Memory < 80% sustained').textContent).toContain('50%');
    expect(within(tile('p50 latency < 10 ms')).getByTestId('slo-worst').textContent).toBe('no second judged yet');
  });

  it('follow the slo.report event: pass, fail, the newest value and the worst second with its time', async () => {
    const judge = judgeAfter(30);
    const { api } = renderTiles(judge);
    await waitFor(() => expect(verdictOf('p99 latency < 100 ms')).toBe('Waiting for data (30 of 60 s)'));
    // Memory at 50% for 30 s, then 120% of the budget: a mean of 85%, judged on it.
    for (let n = 31; n <= 60; n++) judge.record(second(n, { p99: n === 45 ? 140 : 20, memory: 1.2 }));
    act(() => api.emit('slo.report', judge.report()));
    await waitFor(() => expect(verdictOf('p99 latency < 100 ms')).toBe('Fail'));
    expect(within(tile('p99 latency < 100 ms')).getByTestId('slo-worst').textContent).toBe(`worst 140 ms at ${formatClock(45_000)}`);
    expect(tile('p99 latency < 100 ms').textContent).toContain('20 ms');
    expect(verdictOf('p50 latency < 10 ms')).toBe('Pass');
    expect(verdictOf('Memory < 80% sustained')).toBe('Fail');
    expect(within(tile('Memory < 80% sustained')).getByTestId('slo-worst').textContent).toMatch(/^mean 85%, worst 120% at /);
    expect(screen.getByTestId('slo-tile-p99').dataset.verdict).toBe('fail');
    expect(screen.getByTestId('slo-tile-p50').dataset).toMatchObject({ verdict: 'pass', secondsIn: '60' });
  });

  it('keep a newer report when an older answer arrives late', async () => {
    const judge = judgeAfter(60);
    let answer: (report: SloReport) => void = () => undefined;
    const api = new FakeEngineApi().handle('slo.status', () => new Promise<SloReport>((resolve) => (answer = resolve)));
    renderInConsole(createElement(SloTiles), consoleServices(api));
    act(() => api.emit('slo.report', judge.report()));
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Pass'));
    await act(async () => answer(judgeAfter(5).report()));
    expect(verdictOf('p50 latency < 10 ms')).toBe('Pass');
  });

  it('keep the newest report while the window is hidden, and show it when it is visible again', async () => {
    const judge = judgeAfter(30);
    const { api, services } = renderTiles(judge);
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Waiting for data (30 of 60 s)'));
    act(() => services.setVisible(false));
    for (let n = 31; n <= 60; n++) judge.record(second(n));
    act(() => api.emit('slo.report', judge.report()));
    expect(verdictOf('p50 latency < 10 ms')).toBe('Waiting for data (30 of 60 s)');
    act(() => services.setVisible(true));
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Pass'));
  });

  it('choose the window on the engine, and show its verdicts at once', async () => {
    const judge = judgeAfter(120, (n) => ({ p99: n === 30 ? 300 : 20 }));
    const { api } = renderTiles(judge);
    await waitFor(() => expect(verdictOf('p99 latency < 100 ms')).toBe('Pass'));
    const fiveMinutes = within(screen.getByTestId('slo-window-selector')).getByLabelText('5 min');
    expect((within(screen.getByTestId('slo-window-selector')).getByLabelText('1 min') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(fiveMinutes);
    await waitFor(() => expect(verdictOf('p99 latency < 100 ms')).toBe('Fail'));
    expect(api.callsOf('slo.setWindow')).toEqual([{ windowSeconds: 300 }]);
    expect((fiveMinutes as HTMLInputElement).checked).toBe(true);
    expect(verdictOf('Memory < 80% sustained')).toBe('Waiting for data (120 of 300 s)');
  });

  it('say so when the engine refuses a window, and keep the one it judges over', async () => {
    const judge = judgeAfter(60);
    const api = new FakeEngineApi().handle('slo.status', () => judge.report()).fail('slo.setWindow', 'bad-request', 'no such window');
    const { services } = renderInConsole(createElement(SloTiles), consoleServices(api));
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Pass'));
    fireEvent.click(within(screen.getByTestId('slo-window-selector')).getByLabelText('15 min'));
    await waitFor(() => expect(services.notifications.getState().items).toHaveLength(1));
    expect(services.notifications.getState().items[0]).toMatchObject({
      title: 'The SLO window was not changed',
      message: 'no such window',
    });
    expect((within(screen.getByTestId('slo-window-selector')).getByLabelText('1 min') as HTMLInputElement).checked).toBe(true);
  });

  it('wait for the first report without tiles when the engine has not answered', () => {
    renderInConsole(createElement(SloTiles));
    expect(screen.getByTestId('slo-tiles-loading').textContent).toContain('first verdicts');
    expect(screen.queryByRole('group', { name: 'p50 latency < 10 ms' })).toBeNull();
  });
});
