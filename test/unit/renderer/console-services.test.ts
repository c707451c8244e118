import { describe, expect, it } from 'vitest';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus, snapshot } from './fixtures.ts';
import { consoleServices } from './render-console.ts';

describe('console services', () => {
  it('feeds the stores from the engine’s events while started, and stops listening when stopped', () => {
    const api = new FakeEngineApi();
    const services = consoleServices(api);
    const stop = services.start();
    api.emit('engine.status', readyStatus());
    api.emit('task.progress', { task: 'seed', phase: 'chunks', message: 'Seeding chunks', done: 1, total: 2 });
    api.emit('telemetry.snapshot', snapshot(1));
    expect(services.status.getState().status?.phase).toBe('ready');
    expect(services.tasks.getState().tasks.seed?.message).toBe('Seeding chunks');
    stop();
    expect(api.listenerCount('engine.status')).toBe(0);
    expect(api.listenerCount('telemetry.snapshot')).toBe(0);
  });

  it('turns engine errors in the log into notifications, and leaves info lines alone', () => {
    const api = new FakeEngineApi();
    const services = consoleServices(api);
    const stop = services.start();
    api.emit('engine.log', { at: 1, level: 'info', message: 'Workload "demo" started.' });
    api.emit('engine.log', { at: 2, level: 'error', message: 'PostgreSQL stopped unexpectedly.' });
    expect(services.notifications.getState().items).toEqual([
      { id: 1, tone: 'error', title: 'The engine reported an error', message: 'PostgreSQL stopped unexpectedly.' },
    ]);
    stop();
  });

  it('loads the status, the profiles and 15 minutes of history at start', () => {
    const api = new FakeEngineApi();
    const stop = consoleServices(api).start();
    expect(api.calls.map((c) => c.command).sort()).toEqual(['engine.status', 'profiles.list', 'telemetry.history']);
    stop();
  });
});
