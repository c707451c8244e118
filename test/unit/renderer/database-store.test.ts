import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATALOG_REFRESH_MS, createDatabaseStore, DATABASE_POLL_MS } from '../../../renderer/state/database-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';

function api() {
  return new FakeEngineApi()
    .handle('database.topStatements', () => ({ available: true, reason: null, windowMs: 2000, statements: [] }))
    .handle('database.activity', () => ({ connections: [] }))
    .handle('database.cancelQuery', () => ({ cancelled: true }));
}

describe('database store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls top statements and activity every 2 s while polling', async () => {
    const engine = api();
    const store = createDatabaseStore(engine);
    store.getState().startPolling();
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.callsOf('database.topStatements')).toHaveLength(1);
    expect(engine.callsOf('database.activity')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(DATABASE_POLL_MS * 2);
    expect(engine.callsOf('database.topStatements')).toHaveLength(3);
    expect(store.getState().top?.available).toBe(true);
  });

  it('stops polling when the page goes away', async () => {
    const engine = api();
    const store = createDatabaseStore(engine);
    store.getState().startPolling();
    await vi.advanceTimersByTimeAsync(0);
    store.getState().stopPolling();
    await vi.advanceTimersByTimeAsync(DATABASE_POLL_MS * 5);
    expect(engine.callsOf('database.activity')).toHaveLength(1);
  });

  it('pauses while the document is hidden and resumes when shown', async () => {
    const engine = api();
    const store = createDatabaseStore(engine);
    store.getState().setVisible(false);
    store.getState().startPolling();
    await vi.advanceTimersByTimeAsync(DATABASE_POLL_MS * 5);
    expect(engine.callsOf('database.activity')).toHaveLength(0);
    store.getState().setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.callsOf('database.activity')).toHaveLength(1);
  });

  it('keeps each view’s error apart: statements can fail while activity works', async () => {
    const engine = api().fail('database.topStatements', 'not-connected', 'The engine is disconnected, not connected to a stack.');
    const store = createDatabaseStore(engine);
    await store.getState().refresh();
    expect(store.getState().topError?.message).toContain('not connected');
    expect(store.getState().activity).toEqual({ connections: [] });
    expect(store.getState().activityError).toBeNull();
  });

  it('sends cancelQuery with confirm: true', async () => {
    const engine = api();
    const store = createDatabaseStore(engine);
    expect(await store.getState().cancelQuery(4242)).toBe(true);
    expect(engine.callsOf('database.cancelQuery')).toEqual([{ pid: 4242, confirm: true }]);
  });

  it('reads locks and rates at every poll, sizes, vacuum and Redis every 30 s', async () => {
    const engine = api()
      .handle('database.locks', () => ({ sessions: [], notice: null }))
      .handle('database.rates', () => ({ points: [] }))
      .handle('database.sizes', () => ({ databaseBytes: 1, tables: [], indexes: [], bloatMethod: 'm', notice: null }))
      .handle('database.vacuum', () => ({ freezeMaxAge: 1, autovacuumOn: true, databases: [], tables: [], notice: null }))
      .handle('database.redis', () => ({
        available: false,
        reason: 'no Redis',
        server: null,
        slowlog: { entries: [], error: null },
        bigKeys: { keys: [], scanned: 0, complete: false, error: null },
      }));
    const store = createDatabaseStore(engine);
    store.getState().startPolling();
    await vi.advanceTimersByTimeAsync(DATABASE_POLL_MS * 3);
    expect(engine.callsOf('database.locks')).toHaveLength(4);
    expect(engine.callsOf('database.rates')).toHaveLength(4);
    expect(engine.callsOf('database.sizes')).toEqual([{ limit: 15 }]);
    expect(engine.callsOf('database.vacuum')).toHaveLength(1);
    expect(engine.callsOf('database.redis')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(CATALOG_REFRESH_MS);
    expect(engine.callsOf('database.sizes')).toHaveLength(2);
    expect(store.getState().sizes?.bloatMethod).toBe('m');
    store.getState().stopPolling();
  });

  it('sends terminateBackend with confirm: true', async () => {
    const engine = api().handle('database.terminateBackend', () => ({ terminated: true }));
    const store = createDatabaseStore(engine);
    expect(await store.getState().terminateBackend(4242)).toBe(true);
    expect(engine.callsOf('database.terminateBackend')).toEqual([{ pid: 4242, confirm: true }]);
  });
});
