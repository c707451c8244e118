import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { CacheInterval } from '../../main/contract/cache.ts';
import type { TelemetrySnapshot, WorkloadInterval } from '../../main/contract/telemetry.ts';
import { buildCacheSeries, type CachePoint } from './cache-series.ts';
import { buildPoolSeries, type PoolPoint } from './pool-series.ts';
import type { PoolInterval } from '../../main/contract/pool.ts';
import type { MemoryActionPayload, MemoryInterval } from '../../main/contract/memory.ts';
import { buildMemorySeries, memoryActionsInWindow, type MemoryPoint } from './memory-series.ts';
import { SnapshotRing } from './snapshot-ring.ts';
import { ALL_TEMPLATES, buildSeries, templateNames, type ChartPoint } from './telemetry-series.ts';

export type WindowSeconds = 60 | 300 | 900;
export const TELEMETRY_WINDOWS: readonly { seconds: WindowSeconds; label: string }[] = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
];

/** 15 minutes of 1-second snapshots: the engine's own history length. */
export const TELEMETRY_CAPACITY = 900;
/** React sees new telemetry at most 4 times a second, however fast events arrive. */
export const PUBLISH_INTERVAL_MS = 250;

export interface TelemetryState {
  windowSeconds: WindowSeconds;
  /** `all`, or the name of one template. */
  template: string;
  /** Chart points of the selected window and template (downsampled for long windows). */
  series: ChartPoint[];
  /** Cache chart points of the selected window. */
  cacheSeries: CachePoint[];
  /** The newest snapshot's cache interval; null with no snapshot or no cache. */
  latestCache: CacheInterval | null;
  /** Pool chart points of the selected window. */
  poolSeries: PoolPoint[];
  /** The newest snapshot's pool interval; null with no snapshot or no stack. */
  latestPool: PoolInterval | null;
  /** Memory, CPU and pressure chart points of the selected window. */
  memorySeries: MemoryPoint[];
  /** The memory manager's actions (cleanups, restorations) within the selected window, oldest first: chart markers. */
  memoryActions: MemoryActionPayload[];
  /** The newest snapshot's memory interval; null with no snapshot or before the manager's first reading. */
  latestMemory: MemoryInterval | null;
  /** The newest snapshot's workload interval; null with no snapshot or no workload running. */
  latestWorkload: WorkloadInterval | null;
  latestAt: number | null;
  /** Templates of the newest workload interval (without `all`). */
  templates: string[];
  historyLoaded: boolean;
  historyError: Error | null;
  /** True while the document is hidden: snapshots are still kept, but nothing is published. */
  paused: boolean;
  setWindow(seconds: WindowSeconds): void;
  setTemplate(template: string): void;
  setVisible(visible: boolean): void;
  ingest(snapshot: TelemetrySnapshot): void;
  loadHistory(): Promise<void>;
}

export type TelemetryStore = StoreApi<TelemetryState>;

/**
 * Live telemetry: a ring of 900 snapshots fed by `telemetry.history` at start and by
 * `telemetry.snapshot` events, published to React as chart-ready series. Ingesting is
 * cheap and synchronous; publishing (the series rebuild and the re-render it causes)
 * is coalesced to at most every PUBLISH_INTERVAL_MS and stops while the page is hidden.
 */
export function createTelemetryStore(api: EngineApi, capacity = TELEMETRY_CAPACITY): TelemetryStore {
  const ring = new SnapshotRing(capacity);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPublishAt = Number.NEGATIVE_INFINITY;

  const store = createStore<TelemetryState>()((set, get) => {
    const publish = () => {
      timer = null;
      if (get().paused) return;
      lastPublishAt = Date.now();
      const { windowSeconds, template } = get();
      const snapshots = ring.after((ring.last()?.at ?? 0) - windowSeconds * 1000);
      const last = ring.last();
      const templates = templateNames(last);
      // A template that left the workload falls back to the overall view.
      const selected = template === ALL_TEMPLATES || templates.includes(template) || !last?.workload ? template : ALL_TEMPLATES;
      set({
        series: buildSeries(snapshots, windowSeconds, selected),
        cacheSeries: buildCacheSeries(snapshots, windowSeconds),
        latestCache: last?.cache ?? null,
        poolSeries: buildPoolSeries(snapshots, windowSeconds),
        latestPool: last?.pool ?? null,
        memorySeries: buildMemorySeries(snapshots, windowSeconds),
        memoryActions: memoryActionsInWindow(snapshots, windowSeconds),
        latestMemory: last?.memory ?? null,
        latestWorkload: last?.workload ?? null,
        latestAt: last?.at ?? null,
        templates: templates.length > 0 || !last ? templates : get().templates,
        template: selected,
      });
    };

    const schedulePublish = () => {
      if (timer !== null || get().paused) return;
      timer = setTimeout(publish, Math.max(0, lastPublishAt + PUBLISH_INTERVAL_MS - Date.now()));
    };

    return {
      windowSeconds: 60,
      template: ALL_TEMPLATES,
      series: [],
      cacheSeries: [],
      latestCache: null,
      poolSeries: [],
      latestPool: null,
      memorySeries: [],
      memoryActions: [],
      latestMemory: null,
      latestWorkload: null,
      latestAt: null,
      templates: [],
      historyLoaded: false,
      historyError: null,
      paused: false,
      setWindow(seconds) {
        set({ windowSeconds: seconds });
        publish(); // a user's choice shows at once
      },
      setTemplate(template) {
        set({ template });
        publish();
      },
      setVisible(visible) {
        if (visible === !get().paused) return;
        set({ paused: !visible });
        if (visible) publish();
        else if (timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
      },
      ingest(snapshot) {
        if (ring.push(snapshot)) schedulePublish();
      },
      async loadHistory() {
        try {
          const history = await api.call('telemetry.history', { seconds: capacity > 900 ? 900 : capacity });
          ring.merge(history);
          set({ historyLoaded: true, historyError: null });
          schedulePublish();
        } catch (error) {
          set({ historyError: error instanceof Error ? error : new Error(String(error)) });
        }
      },
    };
  });
  return store;
}

export const selectSeries = (s: TelemetryState) => s.series;
export const selectLatestWorkload = (s: TelemetryState) => s.latestWorkload;
export const selectWindowSeconds = (s: TelemetryState) => s.windowSeconds;
export const selectTemplate = (s: TelemetryState) => s.template;
export const selectTemplates = (s: TelemetryState) => s.templates;
