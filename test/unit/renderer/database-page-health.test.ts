// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { DatabaseSizes, LockSession, RedisOverview, VacuumHealth } from '../../../main/contract/database.ts';
import { DatabasePage } from '../../../renderer/pages/database-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

function session(overrides: Partial<LockSession>): LockSession {
  return {
    pid: 100,
    depth: 0,
    blockedBy: [],
    blocking: 0,
    user: 'app',
    application: 'billing',
    database: 'shop',
    state: 'idle in transaction',
    waitEvent: null,
    waitingFor: null,
    waitingMs: null,
    transactionAgeMs: 95_000,
    query: 'UPDATE accounts SET balance = balance - 10 WHERE id = 1',
    queryVisible: true,
    ours: false,
    ...overrides,
  };
}

const sizes: DatabaseSizes = {
  databaseBytes: 3 * 1024 ** 3,
  tables: [
    {
      schema: 'public',
      name: 'events',
      totalBytes: 2 * 1024 ** 3,
      tableBytes: 1.5 * 1024 ** 3,
      indexBytes: 0.5 * 1024 ** 3,
      toastBytes: 0,
      rows: 12_000_000,
      bloatBytes: 0.6 * 1024 ** 3,
      bloatShare: 0.4,
      bloatUnknown: null,
    },
    {
      schema: 'secret',
      name: 'payroll',
      totalBytes: 1024 ** 2,
      tableBytes: 1024 ** 2,
      indexBytes: 0,
      toastBytes: 0,
      rows: 100,
      bloatBytes: null,
      bloatShare: null,
      bloatUnknown: 'No SELECT on this table, so pg_stats hides its columns’ statistics.',
    },
  ],
  indexes: [{ schema: 'public', table: 'events', name: 'events_kind_idx', bytes: 300 * 1024 ** 2, scans: 0, unique: false }],
  bloatMethod: "Statistics-based estimate (ioguix's table_bloat query).",
  notice: 'app may not SELECT 1 of these tables. A superuser runs GRANT pg_read_all_data TO app;',
};

const vacuum: VacuumHealth = {
  freezeMaxAge: 200_000_000,
  autovacuumOn: true,
  databases: [{ name: 'shop', xidAge: 150_000_000, shareOfFreezeMax: 0.75, shareOfWraparound: 150_000_000 / 2 ** 31 }],
  tables: [
    {
      schema: 'public',
      name: 'events',
      liveTuples: 12_000_000,
      deadTuples: 3_400_000,
      modifiedSinceAnalyze: 50_000,
      lastVacuumAgoMs: null,
      lastAutovacuumAgoMs: 7_200_000,
      lastAnalyzeAgoMs: null,
      lastAutoanalyzeAgoMs: null,
      xidAge: 150_000_000,
      freezeMaxAge: 200_000_000,
      shareOfFreezeMax: 0.75,
    },
  ],
  notice: null,
};

const redis: RedisOverview = {
  available: true,
  reason: null,
  server: {
    displayUrl: 'redis://:****@cache:6379',
    version: '7.2.4',
    uptimeSeconds: 7200,
    usedMemoryBytes: 512 * 1024 ** 2,
    peakMemoryBytes: 600 * 1024 ** 2,
    maxMemoryBytes: 1024 ** 3,
    evictionPolicy: 'allkeys-lru',
    fragmentationRatio: 1.12,
    hitRatio: 0.9,
    hits: 9000,
    misses: 1000,
    evictedKeys: 42,
    expiredKeys: 7,
    connectedClients: 12,
    opsPerSecond: 3400,
    keys: 120_000,
  },
  slowlog: {
    entries: [
      {
        id: 9,
        at: Date.UTC(2026, 11, 6, 12, 0, 0),
        durationMicros: 12_500,
        command: 'HGETALL',
        key: 'session:42',
        moreArgs: 0,
        client: '10.0.0.5:51234',
      },
    ],
    error: null,
  },
  bigKeys: { keys: [{ key: 'feed:global', type: 'zset', bytes: 48 * 1024 ** 2 }], scanned: 5000, complete: false, error: null },
};

function engine() {
  return new FakeEngineApi()
    .handle('database.topStatements', () => ({ available: true, reason: null, windowMs: 2000, statements: [] }))
    .handle('database.activity', () => ({ connections: [] }))
    .handle('database.locks', () => ({
      sessions: [
        session({ pid: 100, blocking: 2 }),
        session({
          pid: 200,
          depth: 1,
          blockedBy: [100],
          state: 'active',
          waitEvent: 'Lock:transactionid',
          waitingFor: 'transactionid ShareLock',
          waitingMs: 65_000,
          query: 'UPDATE accounts SET balance = balance + 10 WHERE id = 1',
        }),
        session({ pid: 300, depth: 2, blockedBy: [200], user: 'etl', queryVisible: false, query: '<insufficient privilege>' }),
      ],
      notice: '1 of these sessions belong to other roles. A superuser runs GRANT pg_read_all_stats TO app;',
    }))
    .handle('database.rates', () => ({ points: [] }))
    .handle('database.sizes', () => sizes)
    .handle('database.vacuum', () => vacuum)
    .handle('database.terminateBackend', () => ({ terminated: true }))
    .handle('database.redis', () => redis);
}

function render(api: FakeEngineApi) {
  const services = consoleServices(api, 'database');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(DatabasePage), services);
}

describe('database page: locks, sizes, vacuum', () => {
  it('shows who blocks whom as a tree, with the lock waited for, how long, and hidden text marked as such', async () => {
    render(engine());
    const table = await screen.findByTestId('lock-tree');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-depth'))).toEqual(['0', '1', '2']);
    expect(rows[0]!.textContent).toContain('blocks 2');
    expect(rows[0]!.textContent).toContain('1 min 35 s'); // its transaction's age
    expect(rows[1]!.textContent).toContain('transactionid ShareLock');
    expect(rows[1]!.textContent).toContain('1 min 5 s');
    expect(rows[2]!.textContent).toContain('hidden (another role’s)');
    expect(rows[2]!.textContent).not.toContain('<insufficient privilege>');
    expect(screen.getByTestId('locks-notice').textContent).toContain('GRANT pg_read_all_stats');
    // Only a blocker is offered for termination.
    expect(within(rows[0]!).getByRole('button', { name: 'Terminate backend 100' })).toBeTruthy();
    expect(within(rows[1]!).queryByRole('button', { name: /Terminate/ })).toBeNull();
  });

  it('terminates a blocker only after confirmation, with confirm: true', async () => {
    const api = engine();
    render(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Terminate backend 100' }));
    const dialog = screen.getByRole('dialog', { name: 'Terminate backend 100?' });
    expect(dialog.textContent).toContain('It blocks 2 sessions.');
    expect(dialog.textContent).toContain('rolled back');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it connected' }));
    expect(api.callsOf('database.terminateBackend')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Terminate backend 100' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Terminate connection' }));
    await waitFor(() => expect(api.callsOf('database.terminateBackend')).toEqual([{ pid: 100, confirm: true }]));
    expect((await screen.findByText('Backend 100 terminated.')).getAttribute('role')).toBe('status');
  });

  it('shows the engine’s refusal with its hint when terminating fails', async () => {
    const api = engine().fail(
      'database.terminateBackend',
      'permission-denied',
      'PostgreSQL refused to terminate the connection of pid 100: permission denied.',
      'A superuser runs GRANT pg_signal_backend TO app;',
    );
    render(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Terminate backend 100' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Terminate connection' }));
    expect((await screen.findByText(/GRANT pg_signal_backend TO app/)).textContent).toContain('pg_signal_backend');
  });

  it('lists sizes with the bloat estimate, says why one is unknown, and names the method', async () => {
    render(engine());
    const tables = await screen.findByTestId('table-sizes');
    const events = within(tables).getByText('public.events').closest('tr')!;
    expect(events.textContent).toContain('2 GiB');
    expect(events.textContent).toContain('614.4 MiB (40%)');
    const payroll = within(tables).getByText('secret.payroll').closest('tr')!;
    expect(payroll.textContent).toContain('unknown: No SELECT on this table');
    expect(screen.getByTestId('sizes-notice').textContent).toContain('GRANT pg_read_all_data');
    expect(screen.getByText(/ioguix/)).toBeTruthy();
    expect(within(screen.getByTestId('index-sizes')).getByText('never scanned')).toBeTruthy();
  });

  it('shows transaction-ID age against the freeze limit per database and table, and vacuum ages', async () => {
    render(engine());
    const databases = await screen.findByTestId('wraparound');
    const shop = within(databases).getByText('shop').closest('tr')!;
    expect(shop.textContent).toContain('150,000,000');
    expect(shop.textContent).toContain('75%');
    expect(shop.textContent).toContain('7%');
    const events = within(screen.getByTestId('vacuum-tables')).getByText('public.events').closest('tr')!;
    expect(events.textContent).toContain('3,400,000');
    expect(events.textContent).toContain('2 h 0 min ago (auto)');
    expect(events.textContent).toContain('never');
  });

  it('shows the Redis figures, the slow log and the biggest keys, saying when the keys are a sample', async () => {
    render(engine());
    const figures = await screen.findByTestId('redis-info');
    expect(figures.textContent).toContain('512 MiB (peak 600 MiB; limit 1 GiB, allkeys-lru)');
    expect(figures.textContent).toContain('90% (9,000 hits, 1,000 misses)');
    expect(figures.textContent).toContain('42');
    expect(screen.getByTestId('redis-slowlog').textContent).toContain('HGETALL session:42');
    expect(screen.getByTestId('redis-slowlog').textContent).toContain('12.5 ms');
    const big = screen.getByTestId('redis-bigkeys');
    expect(big.textContent).toContain('of 5,000 scanned of 120,000: a sample');
    expect(within(big).getByText('feed:global').closest('tr')!.textContent).toContain('48 MiB');
    // INFO figures over time: charted from the reads, starting with the first.
    expect(screen.getByTestId('redis-history')).toBeTruthy();
    expect(screen.getByTestId('redis-memory-chart')).toBeTruthy();
  });

  it('says which Redis permission is missing instead of the slow log', async () => {
    const api = engine().handle('database.redis', () => ({
      ...redis,
      slowlog: {
        entries: [],
        error: 'The Redis user may not run SLOWLOG GET (NOPERM). An admin runs ACL SETUSER <user> +slowlog to allow it.',
      },
    }));
    render(api);
    expect((await screen.findByTestId('redis-slowlog-error')).textContent).toContain('ACL SETUSER <user> +slowlog');
    expect(screen.queryByTestId('redis-slowlog')).toBeNull();
  });
});
