// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ActiveConnection } from '../../../main/contract/database.ts';
import { DatabasePage } from '../../../renderer/pages/database-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { engineStatus, readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const longQuery = `SELECT c.id, c.content FROM unified.chunks c WHERE c.origin = $1 AND c.created_at >= $2 ${'AND c.kind IS NOT NULL '.repeat(8)}ORDER BY c.created_at DESC LIMIT $3`;

function connection(overrides: Partial<ActiveConnection> = {}): ActiveConnection {
  return {
    pid: 4242,
    user: 'app',
    application: 'billing',
    clientAddress: '10.0.0.5',
    state: 'active',
    waitEvent: 'Lock:relation',
    query: 'SELECT pg_sleep(60)',
    queryAgeMs: 65_000,
    ours: false,
    ...overrides,
  };
}

function renderDatabase(api: FakeEngineApi, status = readyStatus()) {
  const services = consoleServices(api, 'database');
  services.status.getState().apply(status);
  return renderInConsole(createElement(DatabasePage), services);
}

function engine(connections: ActiveConnection[] = [connection()]) {
  return new FakeEngineApi()
    .handle('database.topStatements', () => ({
      available: true,
      reason: null,
      windowMs: 2000,
      statements: [{ queryId: '1', query: longQuery, callsPerSecond: 120.4, calls: 240, meanMs: 3.25, totalMs: 780, shareOfTotal: 0.625 }],
    }))
    .handle('database.activity', () => ({ connections }))
    .handle('database.cancelQuery', () => ({ cancelled: true }));
}

describe('database page', () => {
  it('lists top statements: truncated text with the full query on hover, calls/s, mean ms and share of time', async () => {
    renderDatabase(engine());
    const table = await screen.findByTestId('top-statements');
    const code = within(table).getByTitle(longQuery);
    expect(code.textContent!.length).toBeLessThan(longQuery.length);
    expect(code.textContent!.endsWith('…')).toBe(true);
    const row = code.closest('tr')!;
    expect(row.textContent).toContain('120');
    expect(row.textContent).toContain('3.25');
    expect(row.textContent).toContain('62.5%');
  });

  it('says why when pg_stat_statements is unavailable', async () => {
    const api = engine().handle('database.topStatements', () => ({
      available: false,
      reason: 'pg_stat_statements is not in shared_preload_libraries: add it and restart PostgreSQL.',
      windowMs: 0,
      statements: [],
    }));
    renderDatabase(api);
    expect((await screen.findByTestId('top-statements-unavailable')).textContent).toContain('add it and restart PostgreSQL');
  });

  it('asks for confirmation before cancelling a query, and backing out sends nothing', async () => {
    const api = engine();
    renderDatabase(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel query of backend 4242' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel the query of backend 4242?' });
    expect(within(dialog).getByText('SELECT pg_sleep(60)')).toBeTruthy();
    expect(api.callsOf('database.cancelQuery')).toEqual([]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('database.cancelQuery')).toEqual([]);
  });

  it('cancels with confirm: true once confirmed', async () => {
    const api = engine();
    renderDatabase(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel query of backend 4242' }));
    const dialog = screen.getByRole('dialog');
    expect(document.activeElement?.textContent).toBe('Keep it running'); // Enter does not cancel by accident
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel query' }));
    await waitFor(() => expect(api.callsOf('database.cancelQuery')).toEqual([{ pid: 4242, confirm: true }]));
    expect((await screen.findByText('Asked backend 4242 to cancel its query.')).getAttribute('role')).toBe('status');
  });

  it('closes the dialog with Escape', async () => {
    renderDatabase(engine());
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel query of backend 4242' }));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the connections’ details and offers cancel only for running queries', async () => {
    renderDatabase(
      engine([connection(), connection({ pid: 7, state: 'idle', queryAgeMs: null, query: 'COMMIT', ours: true, application: 'hotpath' })]),
    );
    const table = await screen.findByTestId('activity');
    expect(table.textContent).toContain('Lock:relation');
    expect(table.textContent).toContain('1 min 5 s');
    expect(screen.queryByRole('button', { name: 'Cancel query of backend 7' })).toBeNull();
  });

  it('explains what to do when no database is connected, and does not poll', () => {
    const api = engine();
    renderDatabase(api, engineStatus());
    expect(screen.getByTestId('not-connected').textContent).toContain('Not connected to a database');
    expect(api.callsOf('database.activity')).toEqual([]);
  });
});
