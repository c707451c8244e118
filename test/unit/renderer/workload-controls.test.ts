// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { WorkloadControls } from '../../../renderer/components/workload-controls.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

let api: FakeEngineApi;
beforeEach(() => {
  api = new FakeEngineApi()
    .handle('workload.start', (params) => readyStatus({ running: true, profile: params.profile ?? 'demo', targetRate: params.rate ?? 500 }))
    .handle('workload.setRate', (params) => readyStatus({ running: true, profile: 'demo', targetRate: params.rate }))
    .handle('workload.stop', () => readyStatus());
});

function renderControls(status = readyStatus()) {
  const services = consoleServices(api);
  services.status.getState().apply(status);
  return renderInConsole(createElement(WorkloadControls), services);
}

const rate = () => screen.getByLabelText('Target rate');

describe('workload controls', () => {
  it('refuses a rate that is not a number, without calling the engine', async () => {
    renderControls();
    fireEvent.change(rate(), { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    expect((await screen.findByRole('alert')).textContent).toBe('"lots" is not a number: enter requests per second, e.g. 500.');
    expect(rate().getAttribute('aria-invalid')).toBe('true');
    expect(api.callsOf('workload.start')).toEqual([]);
  });

  it('refuses a rate of zero and above the engine’s limit', async () => {
    renderControls();
    fireEvent.change(rate(), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    expect((await screen.findByRole('alert')).textContent).toContain('more than 0 req/s');
    fireEvent.change(rate(), { target: { value: '5000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    expect((await screen.findByRole('alert')).textContent).toContain('at most 1,000,000 req/s');
    expect(api.callsOf('workload.start')).toEqual([]);
  });

  it('starts the demo workload at the rate typed, then offers stop and rate changes', async () => {
    renderControls();
    fireEvent.change(rate(), { target: { value: '800' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    await screen.findByRole('button', { name: 'Stop workload' });
    expect(api.callsOf('workload.start')).toEqual([{ profile: 'demo', rate: 800 }]);

    fireEvent.change(rate(), { target: { value: '1,200' } });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Apply rate' }).hasAttribute('disabled')).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Apply rate' }));
    await waitFor(() => expect(api.callsOf('workload.setRate')).toEqual([{ rate: 1200 }]));
    // The controls are busy (buttons disabled) until the engine has answered; a click before that is ignored.
    await screen.findByText('running demo at 1,200 req/s');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Stop workload' }).hasAttribute('disabled')).toBe(false));

    fireEvent.click(screen.getByRole('button', { name: 'Stop workload' }));
    await screen.findByRole('button', { name: 'Start workload' });
    expect(api.callsOf('workload.stop')).toEqual([{}]);
  });

  it('starts at the profile’s own rate when the rate is left blank', async () => {
    renderControls();
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    await screen.findByRole('button', { name: 'Stop workload' });
    expect(api.callsOf('workload.start')).toEqual([{ profile: 'demo' }]);
  });

  it('needs a rate to apply while running', async () => {
    renderControls(readyStatus({ running: true, profile: 'demo', targetRate: 500 }));
    fireEvent.click(screen.getByRole('button', { name: 'Apply rate' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a target rate in requests per second.');
    expect(api.callsOf('workload.setRate')).toEqual([]);
  });

  it('runs a profile file by its path on the engine’s machine', async () => {
    renderControls();
    fireEvent.change(screen.getByLabelText('Workload profile'), { target: { value: 'file' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Enter the path of a workload profile file');
    fireEvent.change(screen.getByLabelText('Profile file path'), { target: { value: '/srv/shop.yaml' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    await waitFor(() => expect(api.callsOf('workload.start')).toEqual([{ profile: '/srv/shop.yaml' }]));
  });

  it('shows the engine’s error with its hint', async () => {
    api.fail(
      'workload.start',
      'profile-invalid',
      'shop.yaml:7:13: templates[0].weight: must be a number greater than 0, got "heavy"',
      'Fix the profile and start again.',
    );
    renderControls();
    fireEvent.change(screen.getByLabelText('Workload profile'), { target: { value: 'file' } });
    fireEvent.change(screen.getByLabelText('Profile file path'), { target: { value: 'shop.yaml' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start workload' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('templates[0].weight: must be a number greater than 0');
    expect(alert.textContent).toContain('Fix the profile and start again.');
  });

  it('is disabled until a stack is connected, and says so', () => {
    const { services } = renderControls(readyStatus());
    act(() => services.status.getState().apply({ ...readyStatus(), phase: 'disconnected', stack: null }));
    expect(screen.getByRole('button', { name: 'Start workload' })).toHaveProperty('disabled', true);
    expect(screen.getByText('Connect to a database to run a workload.')).toBeTruthy();
  });
});
