// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { CacheStatusPayload } from '../../../main/contract/cache.ts';
import { CachePage } from '../../../renderer/pages/cache-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const MiB = 1024 * 1024;

function cacheStatus(overrides: Partial<CacheStatusPayload> = {}): CacheStatusPayload {
  return {
    enabled: true,
    tiers: [
      { tier: 'l1', location: 'memory, 128 MiB', available: true },
      { tier: 'l2', location: 'redis://:****@127.0.0.1:6390', available: false },
      { tier: 'l3', location: '/var/lib/hotpath/cache-l3/abc', available: true },
    ],
    l1: { maxBytes: 128 * MiB, bytes: 32 * MiB, entries: 41_000 },
    cachedTemplates: [{ template: 'chunk_by_id', ttlMs: 300_000 }],
    hotKeys: 12_345,
    ...overrides,
  };
}

function engine(status = cacheStatus()) {
  return new FakeEngineApi()
    .handle('cache.status', () => status)
    .handle('cache.flush', (p) => ({
      removed: p.tier === 'all' ? { l1: 41_000, l2: 50_000, l3: 7 } : { [p.tier]: 41_000 },
      complete: true,
    }))
    .handle('cache.invalidate', (p) => ({ template: p.template, removed: { l1: 120, l2: 300, l3: 0 }, complete: true }))
    .handle('cache.warm', (p) => ({ keys: p.keys ?? 5000, loaded: 4000, alreadyCached: 990, failed: 10, elapsedMs: 2500 }))
    .handle('cache.resize', (p) => cacheStatus({ l1: { maxBytes: p.l1Bytes, bytes: Math.min(p.l1Bytes, 32 * MiB), entries: 1000 } }));
}

function renderCache(api: FakeEngineApi) {
  const services = consoleServices(api, 'cache');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(CachePage), services);
}

describe('cache page', () => {
  it('shows each tier with where it lives and whether it answers, how full the L1 is, and what is cached', async () => {
    renderCache(engine());
    const tiers = await screen.findByTestId('cache-tiers');
    expect(within(screen.getByTestId('cache-tier-l2')).getByText('unreachable')).toBeTruthy();
    expect(within(screen.getByTestId('cache-tier-l3')).getByText('/var/lib/hotpath/cache-l3/abc')).toBeTruthy();
    expect(screen.getByTestId('cache-l1-usage').textContent).toBe('L1 holds 32.0 MiB of 128 MiB (25%) in 41,000 entries.');
    expect(tiers.textContent).toContain('chunk_by_id (5 min)');
    expect(tiers.textContent).toContain('12,345 hot keys');
  });

  it('asks before flushing, sends the chosen tier, and reports what was removed', async () => {
    const api = engine();
    renderCache(api);
    await screen.findByTestId('cache-tiers');
    fireEvent.change(screen.getByLabelText('Flush'), { target: { value: 'l1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Flush…' }));
    const dialog = screen.getByRole('dialog', { name: 'Flush L1 memory?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(api.callsOf('cache.flush')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Flush…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Flush' }));
    await waitFor(() => expect(api.callsOf('cache.flush')).toEqual([{ tier: 'l1' }]));
    expect((await screen.findByTestId('cache-action-result')).textContent).toBe('Removed 41,000 from L1.');
  });

  it("flushes one cached template's results in every tier (other Hotpaths' L1 too), after asking", async () => {
    const api = engine();
    renderCache(api);
    await screen.findByTestId('cache-tiers');
    fireEvent.change(screen.getByLabelText('Flush'), { target: { value: 'template:chunk_by_id' } });
    fireEvent.click(screen.getByRole('button', { name: 'Flush…' }));
    const dialog = screen.getByRole('dialog', { name: 'Flush chunk_by_id results?' });
    expect(dialog.textContent).toContain('Other Hotpath instances sharing this Redis drop their L1 copies too.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Flush' }));
    await waitFor(() => expect(api.callsOf('cache.invalidate')).toEqual([{ template: 'chunk_by_id' }]));
    expect(api.callsOf('cache.flush')).toEqual([]);
    expect((await screen.findByTestId('cache-action-result')).textContent).toBe(
      'Cached results of chunk_by_id: removed 120 from L1, 300 from L2, 0 from L3.',
    );
  });

  it('warms the number of keys asked for and says what happened; a bad number is caught before any call', async () => {
    const api = engine();
    renderCache(api);
    await screen.findByTestId('cache-tiers');
    const field = screen.getByLabelText('Warm the hottest keys');
    fireEvent.change(field, { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Warm cache' }));
    expect(screen.getByRole('alert').textContent).toBe('Enter a number of keys from 1 to 100,000.');
    expect(api.callsOf('cache.warm')).toEqual([]);

    fireEvent.change(field, { target: { value: '2,000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Warm cache' }));
    await waitFor(() => expect(api.callsOf('cache.warm')).toEqual([{ keys: 2000 }]));
    expect((await screen.findByTestId('cache-action-result')).textContent).toBe(
      'Warmed 2,000 hot keys in 2.5 s: 4,000 loaded from the database, 990 already cached, 10 failed.',
    );
  });

  it('resizes the L1 in MiB and shows the engine error with its hint when it refuses', async () => {
    const api = engine();
    renderCache(api);
    await screen.findByTestId('cache-tiers');
    fireEvent.change(screen.getByLabelText('L1 memory budget'), { target: { value: '16' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize L1' }));
    await waitFor(() => expect(api.callsOf('cache.resize')).toEqual([{ l1Bytes: 16 * MiB }]));
    expect((await screen.findByTestId('cache-action-result')).textContent).toContain('L1 budget set to 16 MiB');

    api.fail('cache.warm', 'nothing-to-warm', 'No hot keys are known yet.', 'Run a workload with cached templates for a while, then warm.');
    fireEvent.click(screen.getByRole('button', { name: 'Warm cache' }));
    expect((await screen.findByText(/No hot keys are known yet/)).textContent).toBeTruthy();
    expect(screen.getByText(/Run a workload with cached templates/)).toBeTruthy();
  });

  it('says so when the cache is turned off', async () => {
    renderCache(engine(cacheStatus({ enabled: false, tiers: [], l1: null })));
    expect((await screen.findByText('The cache is off')).textContent).toBeTruthy();
    expect(screen.queryByTestId('cache-actions')).toBeNull();
  });
});
