// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { PoolStatusPayload } from '../../../main/contract/pool.ts';
import { PoolPage } from '../../../renderer/pages/pool-page.tsx';
import { buildPoolSeries } from '../../../renderer/state/pool-series.ts';
import { POOL_STORE } from '../../../renderer/state/pool-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { poolInterval, readyStatus, snapshot } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

function poolStatus(overrides: Partial<PoolStatusPayload> = {}): PoolStatusPayload {
  return {
    enabled: true,
    size: { min: 2, max: 5, serverMaxConnections: 100, otherConnections: 7, limitReason: 'cores × 2 + 1 = 5.' },
    settings: {
      values: {
        statementTimeoutMs: 30_000,
        lockTimeoutMs: 5_000,
        idleInTransactionTimeoutMs: 60_000,
        workMemKb: 16_384,
        jit: false,
        planCacheMode: 'auto',
      },
      reasons: {
        workMemKb: '5 connections × 16 MB × 2 nodes stays within 25% of the memory outside shared_buffers.',
        jit: 'Short OLTP queries only pay for compiling.',
      },
      canRevert: false,
    },
    leaks: [],
    ...overrides,
  };
}

type SessionSettingsValues = NonNullable<PoolStatusPayload['settings']>['values'];

/** A settings change as the engine applies it: a key sent without a value changes nothing. */
function givenSettings(change: {
  [K in keyof SessionSettingsValues]?: SessionSettingsValues[K] | undefined;
}): Partial<SessionSettingsValues> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

function engine(status = poolStatus()) {
  return new FakeEngineApi()
    .handle('pool.status', () => status)
    .handle('pool.resize', (p) =>
      poolStatus({
        size: { ...status.size!, ...(p.min === undefined ? {} : { min: p.min }), ...(p.max === undefined ? {} : { max: p.max }) },
      }),
    )
    .handle('pool.proposeSettings', (p) => ({ ...status.settings!.values, ...givenSettings(p.change) }))
    .handle('pool.applySettings', (p) =>
      poolStatus({
        settings: { ...status.settings!, values: { ...status.settings!.values, ...givenSettings(p.change) }, canRevert: true },
      }),
    )
    .handle('pool.revertSettings', () => status);
}

function renderPool(api: FakeEngineApi) {
  const services = consoleServices(api, 'pool');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(PoolPage), services);
}

describe('pool page', () => {
  it('shows the size with the reason for the maximum, and each setting with why', async () => {
    renderPool(engine());
    expect((await screen.findByTestId('pool-size')).textContent).toContain('2 to 5 connections: cores × 2 + 1 = 5.');
    const settings = screen.getByTestId('pool-settings');
    expect((within(settings).getByLabelText('Work memory (kB)') as HTMLInputElement).value).toBe('16384');
    expect(settings.textContent).toContain('stays within 25% of the memory outside shared_buffers');
    expect((within(settings).getByRole('button', { name: 'Revert' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('resizes with the numbers entered, and catches a minimum above the maximum before any call', async () => {
    const api = engine();
    renderPool(api);
    await screen.findByTestId('pool-size');
    fireEvent.change(screen.getByLabelText('Minimum'), { target: { value: '9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize pool' }));
    expect(screen.getByRole('alert').textContent).toBe('The minimum (9) cannot exceed the maximum (5).');
    expect(api.callsOf('pool.resize')).toEqual([]);
    fireEvent.change(screen.getByLabelText('Maximum'), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize pool' }));
    await waitFor(() => expect(api.callsOf('pool.resize')).toEqual([{ min: 9, max: 12 }]));
    expect((await screen.findByTestId('pool-action-result')).textContent).toBe('Pool resized: min 9 and max 12 connections.');
  });

  it('checks a settings change with the server, applies only what changed, and can revert it', async () => {
    const api = engine();
    renderPool(api);
    const settings = await screen.findByTestId('pool-settings');
    fireEvent.click(within(settings).getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('Nothing changed: edit a value first.');
    fireEvent.change(within(settings).getByLabelText('Work memory (kB)'), { target: { value: '8192' } });
    fireEvent.click(within(settings).getByLabelText('JIT compilation'));
    fireEvent.click(within(settings).getByRole('button', { name: 'Check with the server' }));
    await waitFor(() => expect(api.callsOf('pool.proposeSettings')).toEqual([{ change: { workMemKb: 8192, jit: true } }]));
    expect((await screen.findByTestId('pool-action-result')).textContent).toContain(
      'The server accepts workMemKb 8192, jit true. Nothing was applied yet.',
    );
    fireEvent.click(within(settings).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(api.callsOf('pool.applySettings')).toEqual([{ change: { workMemKb: 8192, jit: true } }]));
    const revert = await screen.findByRole('button', { name: 'Revert' });
    await waitFor(() => expect((revert as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(revert);
    await waitFor(() => expect(api.callsOf('pool.revertSettings')).toHaveLength(1));
    // The form follows the values in force: the reverted ones, not the edits that were applied and then undone.
    const workMem = () => (within(screen.getByTestId('pool-settings')).getByLabelText('Work memory (kB)') as HTMLInputElement).value;
    await waitFor(() => expect(workMem()).toBe('16384'));
    expect((within(screen.getByTestId('pool-settings')).getByLabelText('JIT compilation') as HTMLInputElement).checked).toBe(false);
  });

  it('starts the form again from the values in force once a change is applied elsewhere', async () => {
    const api = engine();
    const { services } = renderPool(api);
    const settings = await screen.findByTestId('pool-settings');
    fireEvent.change(within(settings).getByLabelText('Lock timeout (ms)'), { target: { value: '250' } });
    expect((within(settings).getByLabelText('Lock timeout (ms)') as HTMLInputElement).value).toBe('250');
    const status = services.stores.get(POOL_STORE).getState().status!;
    act(() =>
      services.stores
        .get(POOL_STORE)
        .setState({ status: { ...status, settings: { ...status.settings!, values: { ...status.settings!.values, workMemKb: 4096 } } } }),
    );
    const form = screen.getByTestId('pool-settings');
    expect((within(form).getByLabelText('Work memory (kB)') as HTMLInputElement).value).toBe('4096');
    expect((within(form).getByLabelText('Lock timeout (ms)') as HTMLInputElement).value).toBe(
      String(status.settings!.values.lockTimeoutMs),
    );
  });

  it("shows the server's refusal with its reason, and a value that is not a number before any call", async () => {
    const api = engine().fail(
      'pool.applySettings',
      'pool-invalid-setting',
      'invalid value for parameter "work_mem": "-5kB"',
      'Enter a value the server accepts.',
    );
    renderPool(api);
    const settings = await screen.findByTestId('pool-settings');
    fireEvent.change(within(settings).getByLabelText('Lock timeout (ms)'), { target: { value: 'soon' } });
    fireEvent.click(within(settings).getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('Lock timeout must be a whole number of ms, 0 or more.');
    fireEvent.change(within(settings).getByLabelText('Lock timeout (ms)'), { target: { value: '100' } });
    fireEvent.click(within(settings).getByRole('button', { name: 'Apply' }));
    expect((await screen.findByText(/invalid value for parameter "work_mem"/)).textContent).toBeTruthy();
  });

  it('lists leaked connections with the stack that took them', async () => {
    renderPool(
      engine(
        poolStatus({ leaks: [{ heldMs: 95_000, lane: 'low', stack: 'Error: acquired here\n    at warmCache (cache-warmer.ts:40)' }] }),
      ),
    );
    const leaks = await screen.findByTestId('pool-leaks');
    expect(leaks.textContent).toContain('Held for 1 min 35 s on the low lane');
    expect(leaks.textContent).toContain('at warmCache (cache-warmer.ts:40)');
  });
});

describe('pool chart series', () => {
  it('charts p99 waits per lane in ms, connections and shares in percent; no pool is a gap', () => {
    const series = buildPoolSeries([snapshot(1, 3, {}, null, poolInterval(0.95)), snapshot(2, 3, {}, null, null)], 60);
    expect(series[0]).toEqual({
      at: 1000,
      waitHigh: 0.2,
      waitNormal: 4,
      waitLow: 40,
      active: 6,
      idle: 2,
      waiting: 5,
      max: 8,
      efficiency: 95,
      busy: 75,
    });
    expect(series[1]).toMatchObject({ waitHigh: null, active: null, efficiency: null });
  });
});
