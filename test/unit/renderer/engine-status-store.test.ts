import { describe, expect, it } from 'vitest';
import { createEngineStatusStore, phaseLabel, selectPhase } from '../../../renderer/state/engine-status-store.ts';
import type { EngineStatus } from '../../../main/contract/status.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { engineStatus, readyStatus } from './fixtures.ts';

describe('engine status store', () => {
  it('starts unknown, then holds what engine.status answered', async () => {
    const store = createEngineStatusStore(new FakeEngineApi());
    expect(selectPhase(store.getState())).toBeNull();
    await store.getState().refresh();
    expect(selectPhase(store.getState())).toBe('disconnected');
  });

  it('follows the phases pushed by engine.status events', () => {
    const store = createEngineStatusStore(new FakeEngineApi());
    const seen: (string | null)[] = [];
    store.subscribe((s) => seen.push(selectPhase(s)));
    for (const phase of ['connecting', 'seeding', 'ready', 'stopping', 'disconnected'] as const)
      store.getState().apply(engineStatus({ phase }));
    expect(seen).toEqual(['connecting', 'seeding', 'ready', 'stopping', 'disconnected']);
  });

  it('drops a refresh answer that an event overtook, so the phase never goes back', async () => {
    let answer: (status: EngineStatus) => void = () => undefined;
    const api = new FakeEngineApi().handle('engine.status', () => new Promise((resolve) => (answer = resolve)));
    const store = createEngineStatusStore(api);
    const refreshing = store.getState().refresh();
    store.getState().apply(readyStatus());
    answer(engineStatus({ phase: 'connecting' }));
    await refreshing;
    expect(selectPhase(store.getState())).toBe('ready');
  });

  it('applies the status a command returns', async () => {
    const api = new FakeEngineApi().handle('workload.start', () => readyStatus({ running: true, profile: 'demo', targetRate: 800 }));
    const store = createEngineStatusStore(api);
    const status = await store.getState().run('workload.start', { profile: 'demo', rate: 800 });
    expect(status.workload.running).toBe(true);
    expect(store.getState().status?.workload.targetRate).toBe(800);
    expect(api.callsOf('workload.start')).toEqual([{ profile: 'demo', rate: 800 }]);
  });

  it('rethrows a command’s engine error and keeps the previous status', async () => {
    const api = new FakeEngineApi().fail(
      'workload.start',
      'not-connected',
      'The engine is disconnected, not connected to a stack.',
      'Start the local demo stack or connect to a database first.',
    );
    const store = createEngineStatusStore(api);
    store.getState().apply(engineStatus());
    await expect(store.getState().run('workload.start', {})).rejects.toMatchObject({
      code: 'not-connected',
      hint: 'Start the local demo stack or connect to a database first.',
    });
    expect(selectPhase(store.getState())).toBe('disconnected');
  });

  it('records that the engine is unreachable, and clears it when it answers again', async () => {
    const api = new FakeEngineApi().fail('engine.status', 'disconnected', 'The connection to the engine closed.');
    const store = createEngineStatusStore(api);
    await store.getState().refresh();
    expect(store.getState().loadError?.message).toBe('The connection to the engine closed.');
    api.handle('engine.status', () => readyStatus());
    await store.getState().refresh();
    expect(store.getState().loadError).toBeNull();
    expect(selectPhase(store.getState())).toBe('ready');
  });

  it('words every phase for the header', () => {
    expect(phaseLabel('ready')).toBe('Ready');
    expect(phaseLabel('seeding')).toBe('Seeding demo data…');
  });
});
