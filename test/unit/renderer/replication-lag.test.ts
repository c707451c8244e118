// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import type { PoolServer } from '../../../main/contract/pool.ts';
import { DatabasePage } from '../../../renderer/pages/database-page.tsx';
import { PoolPage } from '../../../renderer/pages/pool-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { poolInterval, readyStatus, snapshot } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const idle = { count: 0, p50: 0, p95: 0, p99: 0 };
const servers: PoolServer[] = [
  { server: 'primary', queries: 3, usage: idle },
  { server: 'replica-1', queries: 120, usage: { count: 10, p50: 0.4, p95: 2, p99: 2.5 }, lag: { seconds: 7.5, bytes: 3 * 1024 * 1024 } },
  { server: 'replica-2', queries: 0, usage: idle, lag: { seconds: null, bytes: null } },
];

describe('replication lag in the console', () => {
  it('the Pool page’s Servers table shows each replica’s lag and WAL behind, — for the primary, unknown when not measured', async () => {
    const services = consoleServices(new FakeEngineApi(), 'pool');
    services.status.getState().apply(readyStatus());
    renderInConsole(createElement(PoolPage), services);
    act(() => services.telemetry.getState().ingest(snapshot(1, 3, {}, null, poolInterval(0.95, { servers }))));
    const table = await screen.findByTestId('pool-servers');
    const replica = within(table).getByTestId('pool-server-replica-1').textContent!;
    expect(replica).toContain('7 s');
    expect(replica).toContain('3 MiB');
    expect(within(table).getByTestId('pool-server-replica-2').textContent).toContain('unknown');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toContain('Replication lag');
  });

  it('the Database page has a Replication section only with read replicas, one row per replica', async () => {
    const services = consoleServices(new FakeEngineApi(), 'database');
    services.status.getState().apply(readyStatus());
    renderInConsole(createElement(DatabasePage), services);
    act(() => services.telemetry.getState().ingest(snapshot(1, 3, {}, null, poolInterval(0.95))));
    await waitFor(() => expect(services.telemetry.getState().latestPool).not.toBeNull());
    expect(screen.queryByTestId('replication-lag')).toBeNull();
    act(() => services.telemetry.getState().ingest(snapshot(2, 3, {}, null, poolInterval(0.95, { servers }))));
    const table = await screen.findByTestId('replication-lag');
    expect(within(table).queryByText('primary')).toBeNull();
    expect(within(table).getByTestId('replication-lag-replica-1').textContent).toContain('3 MiB');
    expect(within(table).getByTestId('replication-lag-replica-2').textContent).toContain('unknown');
  });
});
