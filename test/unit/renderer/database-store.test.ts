import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabaseStore, DATABASE_POLL_MS } from '../../../renderer/state/database-store.ts';
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
});
