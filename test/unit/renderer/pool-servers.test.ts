// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { PoolPage } from '../../../renderer/pages/pool-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { poolInterval, readyStatus, snapshot } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const latency = (p50: number, p99: number) => ({ count: 10, p50, p95: p99, p99 });

describe('pool page: servers (read replicas)', () => {
  it('shows per server the queries of the last second and their p50 / p99, only when the interval has servers', async () => {
    const services = consoleServices(new FakeEngineApi(), 'pool');
    services.status.getState().apply(readyStatus());
    renderInConsole(createElement(PoolPage), services);
    act(() => services.telemetry.getState().ingest(snapshot(1, 3, {}, null, poolInterval(0.95))));
    await waitFor(() => expect(services.telemetry.getState().latestPool).not.toBeNull());
    expect(screen.queryByTestId('pool-servers')).toBeNull();
    const servers = [
      { server: 'primary', queries: 3, usage: { count: 0, p50: 0, p95: 0, p99: 0 } },
      { server: 'replica-1', queries: 120, usage: latency(0.4, 2.5) },
    ];
    act(() => services.telemetry.getState().ingest(snapshot(2, 3, {}, null, poolInterval(0.95, { servers }))));
    const table = await screen.findByTestId('pool-servers');
    const replica = within(table).getByTestId('pool-server-replica-1');
    expect(replica.textContent).toContain('120');
    expect(replica.textContent).toContain('2.5');
    await waitFor(() => expect(within(table).getByTestId('pool-server-primary').textContent).toContain('—'));
  });
});
