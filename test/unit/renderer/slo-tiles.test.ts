// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { SloTiles } from '../../../renderer/components/slo-tiles.tsx';
import { memoryInterval, snapshot, templateStats } from './fixtures.ts';
import { renderInConsole } from './render-console.ts';

afterEach(cleanup);

const tile = (name: string) => screen.getByRole('group', { name });
const verdictOf = (name: string) => within(tile(name)).getByTestId('slo-verdict').textContent?.trim();

describe('SLO tiles', () => {
  it('say "waiting for data" before any workload second arrives', () => {
    renderInConsole(createElement(SloTiles));
    for (const name of ['p50 latency < 10 ms', 'p95 latency < 50 ms', 'p99 latency < 100 ms', 'Throughput > 10,000 req/s']) {
      expect(verdictOf(name)).toBe('Waiting for data');
    }
  });

  it('pass or fail each target against the newest second, with the value and its unit', async () => {
    const { services } = renderInConsole(createElement(SloTiles));
    act(() =>
      services.telemetry
        .getState()
        .ingest(snapshot(1, 3, { achievedRate: 480, templates: [templateStats('all', { latency: { p50: 2.5, p95: 75, p99: 140 } })] })),
    );
    await waitFor(() => expect(verdictOf('p50 latency < 10 ms')).toBe('Pass'));
    expect(verdictOf('p95 latency < 50 ms')).toBe('Fail');
    expect(verdictOf('p99 latency < 100 ms')).toBe('Fail');
    expect(verdictOf('Throughput > 10,000 req/s')).toBe('Fail');
    expect(tile('p50 latency < 10 ms').textContent).toContain('2.5 ms');
    expect(tile('Throughput > 10,000 req/s').textContent).toContain('480 req/s');
    expect(screen.getByTestId('slo-tile-p95').dataset.verdict).toBe('fail');
  });

  it('wait for the first memory reading, then show memory and CPU live with their values', async () => {
    const { services } = renderInConsole(createElement(SloTiles));
    expect(verdictOf('Cache hit rate > 80%')).toBe('Waiting for data');
    expect(verdictOf('Pool efficiency > 90%')).toBe('Waiting for data');
    for (const name of ['Memory < 80%', 'CPU < 70%']) expect(verdictOf(name)).toBe('Waiting for data');

    const busyMachine = memoryInterval(0.86, {
      machine: { totalBytes: 8 * 1024 ** 3, availableBytes: 2 * 1024 ** 3, cpuLoadPercent: 82, cores: 4 },
    });
    act(() => services.telemetry.getState().ingest(snapshot(1, 3, {}, null, null, busyMachine)));
    await waitFor(() => expect(verdictOf('Memory < 80%')).toBe('Fail'));
    expect(tile('Memory < 80%').textContent).toContain('86%');
    expect(verdictOf('CPU < 70%')).toBe('Fail');
    expect(tile('CPU < 70%').textContent).toContain('82%');

    act(() => services.telemetry.getState().ingest(snapshot(2, 3, {}, null, null, memoryInterval(0.4))));
    await waitFor(() => expect(verdictOf('Memory < 80%')).toBe('Pass'));
    expect(tile('Memory < 80%').textContent).toContain('40%');
    expect(verdictOf('CPU < 70%')).toBe('Pass');
    expect(screen.getByTestId('slo-tile-cpu').dataset.verdict).toBe('pass');
    expect(screen.queryByText('Not measured yet')).toBeNull();
  });
});
