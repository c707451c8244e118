// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { SeedReportPayload } from '../../../main/contract/commands.ts';
import type { EngineStatus } from '../../../main/contract/status.ts';
import { WelcomePage } from '../../../renderer/pages/welcome-page.tsx';
import { DEMO_CHUNKS } from '../../../renderer/components/start-local-demo.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { engineStatus, profile, readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

const stops: (() => void)[] = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  cleanup();
});

function renderWelcome(api: FakeEngineApi) {
  const services = consoleServices(api, 'welcome');
  stops.push(services.start());
  return renderInConsole(createElement(WelcomePage), services);
}

/** A promise the test settles by hand, to look at the page while a command is running. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('welcome page: start the local demo stack', () => {
  it('starts the stack, then seeds 200,000 chunks, showing each task’s progress, and opens the overview', async () => {
    const stack = deferred<EngineStatus>();
    const seed = deferred<SeedReportPayload>();
    const api = new FakeEngineApi().handle('stack.startLocal', () => stack.promise).handle('demo.seed', () => seed.promise);
    const { services } = renderWelcome(api);

    fireEvent.click(screen.getByRole('button', { name: 'Start local demo stack' }));
    act(() => api.emit('task.progress', { task: 'stack', phase: 'initdb', message: 'Creating the PostgreSQL cluster', done: 0, total: 0 }));
    const starting = await screen.findByRole('progressbar', { name: 'Starting the local stack' });
    expect(starting.getAttribute('aria-valuenow')).toBeNull(); // no total known: indeterminate
    expect(screen.getByText('Creating the PostgreSQL cluster')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start local demo stack' })).toHaveProperty('disabled', true);

    await act(async () => stack.resolve(readyStatus()));
    act(() =>
      api.emit('task.progress', {
        task: 'seed',
        phase: 'chunks',
        message: 'Seeding chunks: 50,000 of 200,000 rows',
        done: 50_000,
        total: 200_000,
      }),
    );
    const seeding = await screen.findByRole('progressbar', { name: 'Seeding demo data' });
    expect(seeding.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText(/Seeding chunks/).textContent).toBe('Seeding chunks: 50,000 of 200,000 rows (25%)');

    await act(async () => seed.resolve({ chunks: DEMO_CHUNKS, edges: 400_000, reused: false, elapsedMs: 9000 }));
    expect(api.calls.filter((c) => c.command === 'stack.startLocal' || c.command === 'demo.seed')).toEqual([
      { command: 'stack.startLocal', params: {} },
      { command: 'demo.seed', params: { chunks: 200_000 } },
    ]);
    await waitFor(() => expect(services.navigation.getState().page).toBe('overview'));
  });

  it('shows the engine’s message and hint when the stack cannot start', async () => {
    const api = new FakeEngineApi().fail(
      'stack.startLocal',
      'local-stack-in-use',
      'Another Hotpath uses the data folder /data.',
      'Stop the other Hotpath, or choose another folder with --data-dir.',
    );
    renderWelcome(api);
    fireEvent.click(screen.getByRole('button', { name: 'Start local demo stack' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Another Hotpath uses the data folder /data.');
    expect(alert.textContent).toContain('Stop the other Hotpath, or choose another folder with --data-dir.');
    expect(api.callsOf('demo.seed')).toEqual([]);
  });
});

describe('welcome page: connect to my database', () => {
  it('shows a failed test’s message and hint next to the PostgreSQL URL field', async () => {
    const api = new FakeEngineApi().fail(
      'stack.test',
      'auth-failed',
      'PostgreSQL rejected the password for user "me".',
      'Check the password in the URL; special characters must be percent-encoded.',
    );
    renderWelcome(api);
    const url = screen.getByLabelText('PostgreSQL URL');
    fireEvent.change(url, { target: { value: 'postgres://me:wrong@db.example.com/app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));

    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = url.getAttribute('aria-describedby')!.split(' ');
    const errorText = describedBy.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    expect(errorText).toContain('PostgreSQL rejected the password for user "me".');
    expect(errorText).toContain('Check the password in the URL; special characters must be percent-encoded.');
    expect(api.callsOf('stack.test')).toEqual([{ pgUrl: 'postgres://me:wrong@db.example.com/app' }]);
  });

  it('shows the server version and notices of a successful test', async () => {
    const api = new FakeEngineApi().handle('stack.test', () => ({
      serverVersion: 150019,
      pgStatStatements: false,
      redis: true,
      notices: [
        {
          code: 'pg-stat-statements-missing',
          message: 'pg_stat_statements is not loaded.',
          hint: 'Add it to shared_preload_libraries and restart PostgreSQL.',
        },
      ],
    }));
    renderWelcome(api);
    fireEvent.change(screen.getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me@db/app' } });
    fireEvent.change(screen.getByLabelText('Redis URL (optional)'), { target: { value: 'redis://cache:6379' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    const result = await screen.findByTestId('connection-test-result');
    expect(result.textContent).toContain('PostgreSQL 15.19');
    expect(result.textContent).toContain('Redis reachable');
    expect(result.textContent).toContain('Add it to shared_preload_libraries');
    expect(api.callsOf('stack.test')).toEqual([{ pgUrl: 'postgres://me@db/app', redisUrl: 'redis://cache:6379' }]);
  });

  it('asks for a URL before calling the engine', async () => {
    const api = new FakeEngineApi();
    renderWelcome(api);
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Enter a PostgreSQL URL');
    expect(api.callsOf('profiles.save')).toEqual([]);
  });

  it('saves the profile (password kept in memory unless remembered), connects, and opens the overview', async () => {
    const api = new FakeEngineApi()
      .handle('profiles.save', (params) => profile({ id: 'new-1', name: params.name }))
      .handle('profiles.connect', () => ({ ...readyStatus(), profileId: 'new-1' }));
    const { services } = renderWelcome(api);
    await screen.findByText(/HOTPATH_SECRET_KEY/); // where a remembered password would go, from profiles.list
    fireEvent.change(screen.getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me:pw@db.example.com:5432/app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(services.navigation.getState().page).toBe('overview'));
    expect(api.callsOf('profiles.save')).toEqual([
      { name: 'app on db.example.com', pgUrl: 'postgres://me:pw@db.example.com:5432/app', saveSecret: false },
    ]);
    expect(api.callsOf('profiles.connect')).toEqual([{ id: 'new-1' }]);
  });

  it('saves the password only when "Remember password" is ticked', async () => {
    const api = new FakeEngineApi()
      .handle('profiles.save', (params) => profile({ id: 'n', name: params.name }))
      .handle('profiles.connect', () => readyStatus());
    renderWelcome(api);
    const remember = await screen.findByRole('checkbox', { name: 'Remember password' });
    await waitFor(() => expect(remember).toHaveProperty('disabled', false));
    fireEvent.click(remember);
    fireEvent.change(screen.getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me:pw@h/db' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ saveSecret: true });
  });

  it('cannot remember a password where the host cannot store secrets, and says why', async () => {
    const api = new FakeEngineApi().handle('profiles.list', () => ({
      profiles: [],
      secretStorage: { kind: 'none', canPersist: false, warning: null },
    }));
    renderWelcome(api);
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Remember password' })).toHaveProperty('disabled', true));
    const form = screen.getByRole('form', { name: 'Connect to my database' });
    expect(within(form).getByText(/kept in memory only until hotpath stops/)).toBeTruthy();
  });

  it('keeps a failed connect’s error, and a retry edits the saved profile instead of adding another', async () => {
    const api = new FakeEngineApi()
      .handle('profiles.save', (params) => profile({ id: params.id ?? 'first', name: params.name }))
      .fail(
        'profiles.connect',
        'connection-refused',
        'Nothing listens on db.example.com:5432.',
        'Check the host and port, and that PostgreSQL is running.',
      );
    renderWelcome(api);
    fireEvent.change(screen.getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me@db.example.com/app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect((await screen.findByText('Nothing listens on db.example.com:5432.')).closest('[role="alert"]')?.textContent).toContain(
      'Check the host and port',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(2));
    expect(api.callsOf('profiles.save')[1]).toMatchObject({ id: 'first' });
  });
});

describe('first run', () => {
  it('opens on the welcome page with no saved profile and a disconnected engine, else on the overview', async () => {
    const first = consoleServices(new FakeEngineApi(), null);
    stops.push(first.start());
    await waitFor(() => expect(first.navigation.getState().page).toBe('welcome'));

    const api = new FakeEngineApi()
      .handle('profiles.list', () => ({ profiles: [profile()], secretStorage: { kind: 'none', canPersist: false, warning: null } }))
      .handle('engine.status', () => engineStatus());
    const returning = consoleServices(api, null);
    stops.push(returning.start());
    await waitFor(() => expect(returning.navigation.getState().settled).toBe(true));
    expect(returning.navigation.getState().page).toBe('overview');
  });
});
