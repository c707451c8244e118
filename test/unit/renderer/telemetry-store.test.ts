import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTelemetryStore, PUBLISH_INTERVAL_MS } from '../../../renderer/state/telemetry-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { snapshot } from './fixtures.ts';

describe('telemetry store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fills from telemetry.history, then appends live snapshots', async () => {
    const api = new FakeEngineApi().handle('telemetry.history', () => [1, 2, 3].map((n) => snapshot(n)));
    const store = createTelemetryStore(api);
    await store.getState().loadHistory();
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    expect(api.callsOf('telemetry.history')).toEqual([{ seconds: 900 }]);
    expect(store.getState().series.map((p) => p.at)).toEqual([1000, 2000, 3000]);

    store.getState().ingest(snapshot(4, 42));
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    expect(store.getState().series.map((p) => p.at)).toEqual([1000, 2000, 3000, 4000]);
    expect(store.getState().latestWorkload?.templates.find((t) => t.template === 'all')?.latency.p99).toBe(42);
    expect(store.getState().templates).toEqual(['chunk_by_id']);
  });

  it('keeps live events that arrived before the history answered', async () => {
    let answer: (value: ReturnType<typeof snapshot>[]) => void = () => undefined;
    const api = new FakeEngineApi().handle('telemetry.history', () => new Promise((resolve) => (answer = resolve)));
    const store = createTelemetryStore(api);
    const loading = store.getState().loadHistory();
    store.getState().ingest(snapshot(5));
    answer([3, 4, 5].map((n) => snapshot(n)));
    await loading;
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    expect(store.getState().series.map((p) => p.at / 1000)).toEqual([3, 4, 5]);
  });

  it('holds at most 900 seconds', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    for (let n = 1; n <= 1000; n++) store.getState().ingest(snapshot(n));
    store.getState().setWindow(900);
    const series = store.getState().series;
    // The oldest point kept is second 101 (buckets hold several seconds; the first bucket ends after it).
    expect(series[0]!.at).toBeGreaterThan(100_000);
    expect(series.at(-1)!.at).toBe(1_000_000);
  });

  it('publishes a burst of snapshots once', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    let publishes = 0;
    store.subscribe((s, prev) => s.series !== prev.series && publishes++);
    for (let n = 1; n <= 10; n++) store.getState().ingest(snapshot(n));
    expect(publishes).toBe(0);
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    expect(publishes).toBe(1);
    expect(store.getState().series).toHaveLength(10);
  });

  it('publishes at most every PUBLISH_INTERVAL_MS (4 Hz) however fast snapshots arrive', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    const publishedAt: number[] = [];
    store.subscribe((s, prev) => s.series !== prev.series && publishedAt.push(Date.now()));
    // A snapshot every 20 ms of virtual time for 2 s: far faster than the engine's 1 Hz.
    for (let n = 1; n <= 100; n++) {
      store.getState().ingest(snapshot(n));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    const gaps = publishedAt.slice(1).map((t, i) => t - publishedAt[i]!);
    expect(publishedAt.length).toBeGreaterThan(1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PUBLISH_INTERVAL_MS);
    expect(store.getState().series.at(-1)!.at).toBe(100_000); // nothing is lost, only coalesced
  });

  it('selects the 1, 5 or 15 minute window', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    for (let n = 1; n <= 900; n++) store.getState().ingest(snapshot(n));
    store.getState().setWindow(60);
    expect(store.getState().series).toHaveLength(60);
    store.getState().setWindow(300);
    const fiveMinutes = store.getState().series;
    expect(fiveMinutes.at(-1)!.at - fiveMinutes[0]!.at).toBeGreaterThanOrEqual(290_000);
    expect(fiveMinutes.length).toBeLessThan(300); // downsampled
    store.getState().setWindow(900);
    expect(store.getState().series.at(-1)!.at - store.getState().series[0]!.at).toBeGreaterThanOrEqual(890_000);
  });

  it('charts one template when chosen, and falls back to all when it leaves the workload', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    store.getState().ingest(snapshot(1, 5));
    store.getState().setTemplate('chunk_by_id');
    expect(store.getState().series[0]!.p99).toBe(10);
    store.getState().ingest(snapshot(2, 5, { templates: [] }));
    await vi.advanceTimersByTimeAsync(PUBLISH_INTERVAL_MS);
    expect(store.getState().template).toBe('all');
  });

  it('stops publishing while hidden and catches up when shown again', async () => {
    const store = createTelemetryStore(new FakeEngineApi());
    store.getState().setVisible(false);
    for (let n = 1; n <= 5; n++) store.getState().ingest(snapshot(n));
    await vi.advanceTimersByTimeAsync(10 * PUBLISH_INTERVAL_MS);
    expect(store.getState().paused).toBe(true);
    expect(store.getState().series).toHaveLength(0);
    store.getState().setVisible(true);
    expect(store.getState().series).toHaveLength(5);
  });

  it('keeps the history error for the UI', async () => {
    const api = new FakeEngineApi().fail('telemetry.history', 'disconnected', 'The connection to the engine closed.');
    const store = createTelemetryStore(api);
    await store.getState().loadHistory();
    expect(store.getState().historyError?.message).toBe('The connection to the engine closed.');
    expect(store.getState().historyLoaded).toBe(false);
  });
});
