// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { MemoryActionPayload, MemoryStatusPayload } from '../../../main/contract/memory.ts';
import { MemoryPage } from '../../../renderer/pages/memory-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { memoryInterval, readyStatus, snapshot } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const MiB = 1024 * 1024;

function action(overrides: Partial<MemoryActionPayload> = {}): MemoryActionPayload {
  return {
    at: 30_500,
    level: 'moderate',
    kind: 'cleanup',
    trigger: 'automatic',
    reason: 'entered moderate: RSS 440 MiB is 86% of the 512 MiB budget',
    steps: [
      { step: 'shrinkL1', status: 'done', freedBytes: 0, freedHeapBytes: 30 * MiB, tookMs: 4, detail: 'L1 128 MiB → 64 MiB' },
      {
        step: 'trimPool',
        status: 'skipped',
        freedBytes: 0,
        freedHeapBytes: 0,
        tookMs: 0.2,
        detail: 'no idle connection above the minimum',
      },
      { step: 'collectGarbage', status: 'done', freedBytes: 20 * MiB, freedHeapBytes: 2.5 * MiB, tookMs: 41, detail: '' },
    ],
    ...overrides,
  };
}

function memoryStatus(overrides: Partial<MemoryStatusPayload> = {}): MemoryStatusPayload {
  return {
    level: 'normal',
    usage: 0.5,
    budgetBytes: 512 * MiB,
    paused: false,
    backgroundPaused: false,
    cleanups: { moderate: 1, aggressive: 0 },
    actions: [action()],
    gcExposed: true,
    ...overrides,
  };
}

function engine(status = memoryStatus()) {
  let current = status;
  return new FakeEngineApi()
    .handle('memory.status', () => current)
    .handle('memory.cleanup', (p) =>
      action({ level: p.level, trigger: 'operator', reason: 'operator: asked from the console', at: 61_000 }),
    )
    .handle('memory.setBudget', (p) => (current = memoryStatus({ ...current, budgetBytes: p.bytes, usage: 0.25 })))
    .handle('memory.setAutomatic', (p) => (current = memoryStatus({ ...current, paused: !p.enabled })));
}

function renderMemory(api: FakeEngineApi) {
  const services = consoleServices(api, 'memory');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(MemoryPage), services);
}

/** 60 seconds of readings; second 31 carries the cleanup above, seconds 31–40 are at moderate. */
function feed(services: ReturnType<typeof renderMemory>['services']) {
  act(() => {
    for (let n = 1; n <= 60; n++) {
      const moderate = n > 30 && n <= 40;
      services.telemetry
        .getState()
        .ingest(snapshot(n, 3, {}, null, null, memoryInterval(moderate ? 0.86 : 0.5, n === 31 ? { actions: [action()] } : {})));
    }
  });
}

describe('memory page', () => {
  it('charts process memory, the pressure level, loop delay and CPU from telemetry, with the cleanup marked', async () => {
    const { services } = renderMemory(engine());
    feed(services);
    const processChart = await screen.findByTestId('memory-process-chart');
    await waitFor(() => expect(processChart.querySelectorAll('path.recharts-line-curve').length).toBeGreaterThanOrEqual(4));
    expect(within(processChart).getByText('RSS')).toBeTruthy();
    expect(processChart.querySelectorAll('.recharts-reference-line')).toHaveLength(1);
    expect(processChart.textContent).toContain('moderate: freed 32.5 MiB heap');
    const pressure = screen.getByTestId('memory-pressure-chart');
    expect(pressure.textContent).toContain('aggressive'); // the axis reads level names, not 0–2
    expect(pressure.querySelectorAll('.recharts-reference-line')).toHaveLength(1);
    for (const id of ['memory-machine-chart', 'memory-loop-chart', 'memory-cpu-chart']) {
      expect(screen.getByTestId(id).querySelector('path.recharts-line-curve')).not.toBeNull();
    }
    expect(screen.getByTestId('memory-level').textContent).toContain('normal at 50% usage (RSS against the budget; budget 512 MiB)');
    expect(screen.getByTestId('memory-now').textContent).toContain('RSS 256 MiB, heap 100 MiB of 4 GiB');
  });

  it('runs a moderate cleanup at once and reports what it freed', async () => {
    const api = engine();
    renderMemory(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Moderate cleanup now' }));
    await waitFor(() => expect(api.callsOf('memory.cleanup')).toEqual([{ level: 'moderate' }]));
    expect((await screen.findByTestId('memory-action-result')).textContent).toBe(
      'Moderate cleanup done: freed 20 MiB RSS and 32.5 MiB heap in 3 steps, 45 ms.',
    );
  });

  it('runs an aggressive cleanup only after confirmation', async () => {
    const api = engine();
    renderMemory(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Aggressive cleanup now…' }));
    const dialog = screen.getByRole('dialog', { name: 'Run an aggressive cleanup now?' });
    expect(dialog.textContent).toContain('empties the L1 cache');
    expect(dialog.textContent).toContain('pauses background work');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('memory.cleanup')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Aggressive cleanup now…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Clean up aggressively' }));
    await waitFor(() => expect(api.callsOf('memory.cleanup')).toEqual([{ level: 'aggressive' }]));
    expect((await screen.findByTestId('memory-action-result')).textContent).toMatch(/^Aggressive cleanup done: freed 20 MiB RSS/);
  });

  it('checks the budget before any call and sends it in bytes', async () => {
    const api = engine();
    renderMemory(api);
    const field = await screen.findByLabelText('Memory budget');
    expect((field as HTMLInputElement).placeholder).toBe('512');
    for (const bad of ['', '32', '1048577', '1.5', 'lots']) {
      fireEvent.change(field, { target: { value: bad } });
      fireEvent.click(screen.getByRole('button', { name: 'Set budget' }));
      expect(screen.getByRole('alert').textContent).toBe('Enter the budget as a whole number of MiB from 64 to 1,048,576 (1 TiB).');
    }
    expect(api.callsOf('memory.setBudget')).toEqual([]);
    fireEvent.change(field, { target: { value: '2,048' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set budget' }));
    await waitFor(() => expect(api.callsOf('memory.setBudget')).toEqual([{ bytes: 2048 * MiB }]));
    expect((await screen.findByTestId('memory-action-result')).textContent).toBe(
      'Memory budget set to 2 GiB; pressure is normal (usage 25%).',
    );
  });

  it('pauses and resumes the automatic cleanups', async () => {
    const api = engine();
    renderMemory(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause automatic cleanups' }));
    await waitFor(() => expect(api.callsOf('memory.setAutomatic')).toEqual([{ enabled: false }]));
    expect((await screen.findByTestId('memory-action-result')).textContent).toMatch(/^Automatic cleanups paused/);
    expect(screen.getByTestId('memory-automatic').textContent).toContain('Paused');
    fireEvent.click(await screen.findByRole('button', { name: 'Resume automatic cleanups' }));
    await waitFor(() => expect(api.callsOf('memory.setAutomatic')).toEqual([{ enabled: false }, { enabled: true }]));
    await screen.findByRole('button', { name: 'Pause automatic cleanups' });
    expect(screen.getByTestId('memory-action-result').textContent).toMatch(/^Automatic cleanups resumed/);
  });

  it('logs each action with its reason and what every step freed, newest first', async () => {
    const older = action({ at: 10_000, level: 'aggressive', reason: 'entered aggressive: RSS 470 MiB is 92% of the 512 MiB budget' });
    renderMemory(engine(memoryStatus({ actions: [older, action({ trigger: 'operator', reason: 'operator: asked from the console' })] })));
    const log = await screen.findByTestId('memory-log');
    const entries = within(log).getAllByTestId('memory-log-entry');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.textContent).toContain('moderate cleanup, operator');
    expect(entries[0]!.textContent).toContain('operator: asked from the console');
    expect(entries[1]!.textContent).toContain('aggressive cleanup, automatic');
    expect(entries[1]!.textContent).toContain('RSS 470 MiB is 92% of the 512 MiB budget');
    expect(entries[0]!.textContent).toContain('shrinkL1 done: 0 B RSS, 30 MiB heap, 4 ms (L1 128 MiB → 64 MiB)');
    expect(entries[0]!.textContent).toContain('trimPool skipped');
    expect(entries[0]!.textContent).toContain('collectGarbage done: 20 MiB RSS, 2.5 MiB heap, 41 ms');
    expect(entries[0]!.textContent).toContain('20 MiB RSS, 32.5 MiB heap; took 45 ms');
    expect(screen.getByTestId('memory-cleanup-counts').textContent).toContain('1 moderate and 0 aggressive');
  });

  it("shows the engine's refusal with its hint", async () => {
    const api = engine().fail('memory.cleanup', 'memory-busy', 'A cleanup is running already.', 'Wait for it to finish, then try again.');
    renderMemory(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Moderate cleanup now' }));
    expect((await screen.findByText('A cleanup is running already.')).textContent).toBeTruthy();
    expect(screen.getByText('Wait for it to finish, then try again.')).toBeTruthy();
    expect(screen.queryByTestId('memory-action-result')).toBeNull();
  });

  it('says when there is no reading yet, and when the memory manager cannot be reached', async () => {
    renderMemory(new FakeEngineApi().fail('memory.status', 'memory-unavailable', 'The memory manager is not running.', 'Restart Hotpath.'));
    expect(screen.getByTestId('memory-process-chart').textContent).toContain('No memory reading yet');
    expect((await screen.findByText('The memory manager is not running.')).textContent).toBeTruthy();
    expect(screen.getByText('Restart Hotpath.')).toBeTruthy();
  });
});
