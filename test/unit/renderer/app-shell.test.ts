// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AppShell } from '../../../renderer/components/app-shell.tsx';
import { THEME_STORAGE_KEY } from '../../../renderer/state/theme-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus, snapshot } from './fixtures.ts';
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

function renderShell(api = new FakeEngineApi().handle('engine.status', () => readyStatus())) {
  const services = consoleServices(api, 'overview', localStorage);
  stops.push(services.start());
  return renderInConsole(createElement(AppShell), services);
}

const heading = () => screen.getByRole('heading', { level: 1 }).textContent;

describe('navigation', () => {
  it('switches pages with Alt+1…3', async () => {
    renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    fireEvent.keyDown(window, { key: '2', code: 'Digit2', altKey: true });
    expect(heading()).toBe('Database');
    fireEvent.keyDown(window, { key: '3', code: 'Digit3', altKey: true });
    expect(heading()).toBe('Connections');
    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    expect(heading()).toBe('Overview');
  });

  it('switches pages with g then a letter, but not while typing in a field', async () => {
    renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    fireEvent.keyDown(window, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(window, { key: 'd', code: 'KeyD' });
    expect(heading()).toBe('Database');

    fireEvent.keyDown(window, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(window, { key: 'c', code: 'KeyC' });
    expect(heading()).toBe('Connections');
    const url = screen.getByLabelText('PostgreSQL URL');
    fireEvent.keyDown(url, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(url, { key: 'o', code: 'KeyO' });
    expect(heading()).toBe('Connections');
  });

  it('marks the current page in the navigation and follows link clicks', async () => {
    renderShell();
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    await waitFor(() =>
      expect(
        within(nav)
          .getByRole('link', { name: /Overview/ })
          .getAttribute('aria-current'),
      ).toBe('page'),
    );
    fireEvent.click(within(nav).getByRole('link', { name: /Database/ }));
    expect(heading()).toBe('Database');
    expect(
      within(nav)
        .getByRole('link', { name: /Database/ })
        .getAttribute('aria-current'),
    ).toBe('page');
    expect(window.location.hash).toBe('#/database');
  });

  it.each([
    ['Memory', '7', 'm'],
    ['Planner', '8', 'l'],
  ])('opens the %s page from its entry, with Alt+%s and with g %s', async (page, digit, letter) => {
    renderShell();
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    const entry = within(nav).getByRole('link', { name: new RegExp(page) });
    expect(entry.getAttribute('aria-disabled')).toBeNull();
    expect(entry.getAttribute('aria-keyshortcuts')).toBe(`Alt+${digit}`);
    fireEvent.click(entry);
    expect(heading()).toBe(page);
    expect(window.location.hash).toBe(`#/${page.toLowerCase()}`);
    // Each shortcut is checked from another page, so it cannot pass by leaving the page where it was.
    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    expect(heading()).toBe('Overview');
    fireEvent.keyDown(window, { key: digit, code: `Digit${digit}`, altKey: true });
    expect(heading()).toBe(page);
    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    expect(heading()).toBe('Overview');
    fireEvent.keyDown(window, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(window, { key: letter, code: `Key${letter.toUpperCase()}` });
    expect(heading()).toBe(page);
  });
});

describe('header', () => {
  it('shows the connection in use and the stack status', async () => {
    renderShell();
    await waitFor(() =>
      expect(screen.getByTestId('connection-in-use').textContent).toContain('postgres://postgres:****@127.0.0.1:5544/hotpath'),
    );
    expect(screen.getByTestId('connection-in-use').textContent).toContain('PostgreSQL 18.1');
    expect(screen.getByRole('status', { name: 'Stack status' }).textContent).toContain('Ready');
  });
});

describe('theme', () => {
  it('follows the OS by default, toggles, and remembers the choice', async () => {
    renderShell();
    const toggle = screen.getByRole('button', { name: 'Dark theme' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false'); // the fake OS prefers light
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    cleanup();

    renderShell(); // a new start reads the saved choice
    expect(screen.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('overview', () => {
  it('draws the live charts (fixed size where there is no layout) and the per-template table', async () => {
    const api = new FakeEngineApi()
      .handle('engine.status', () => readyStatus({ running: true, profile: 'demo', targetRate: 500 }))
      .handle('telemetry.history', () => Array.from({ length: 30 }, (_, i) => snapshot(i + 1)));
    renderShell(api);
    await waitFor(() => expect(screen.getByTestId('latency-chart').querySelector('svg')).not.toBeNull());
    expect(screen.getByTestId('throughput-chart').querySelector('svg')).not.toBeNull();
    expect(screen.getByTestId('errors-chart').querySelector('svg')).not.toBeNull();
    // Both rate charts name the unit their ticks print.
    for (const id of ['throughput-chart', 'errors-chart']) expect(screen.getByTestId(id).textContent).toContain('req/s');
    expect(screen.getByTestId('errors-chart').textContent).not.toContain('per second');
    const table = screen.getByTestId('template-table');
    expect(within(table).getByRole('rowheader', { name: 'chunk_by_id' })).toBeTruthy();
    expect(within(table).getByRole('rowheader', { name: 'All templates' })).toBeTruthy();
  });

  it('shows "no workload yet" in the charts before any workload ran', async () => {
    renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    expect(within(screen.getByTestId('latency-chart')).getByText(/No latency yet/)).toBeTruthy();
    expect(screen.getByTestId('template-table-empty')).toBeTruthy();
  });

  it('says plainly when the target is not met', async () => {
    const { services } = renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    act(() => services.telemetry.getState().ingest(snapshot(1, 3, { saturated: true, targetRate: 5000, achievedRate: 2000 })));
    expect((await screen.findByTestId('saturation')).textContent).toContain(
      'Target not met: 2,000 req/s completed of 5,000 req/s asked (40%)',
    );
  });

  it('offers a retry when the engine does not answer', async () => {
    const api = new FakeEngineApi().fail(
      'engine.status',
      'disconnected',
      'The connection to the engine closed.',
      'Check that hotpath is still running, then reload.',
    );
    renderShell(api);
    const retry = await screen.findByRole('button', { name: 'Retry' });
    expect(screen.getByTestId('engine-unreachable').textContent).toContain('The connection to the engine closed.');
    api.handle('engine.status', () => readyStatus());
    fireEvent.click(retry);
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
  });
});
