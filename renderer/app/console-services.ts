import type { EngineApi } from '../../main/contract/api.ts';
import { createCacheStore, type CacheStore } from '../state/cache-store.ts';
import { createPoolStore, type PoolStore } from '../state/pool-store.ts';
import { createMemoryStore, type MemoryStore } from '../state/memory-store.ts';
import { createPlannerStore, type PlannerStore } from '../state/planner-store.ts';
import { createAdvisorStore, type AdvisorStore } from '../state/advisor-store.ts';
import { createOptimizeStore, type OptimizeStore } from '../state/optimize-store.ts';
import { createDatabaseStore, type DatabaseStore } from '../state/database-store.ts';
import { createEngineStatusStore, type EngineStatusStore } from '../state/engine-status-store.ts';
import { createNavigationStore, type NavigationStore, type PageId } from '../state/navigation-store.ts';
import { createNotificationsStore, type NotificationsStore } from '../state/notifications-store.ts';
import { createProfilesStore, type ProfilesStore } from '../state/profiles-store.ts';
import { createTaskProgressStore, type TaskProgressStore } from '../state/task-progress-store.ts';
import { createTelemetryStore, type TelemetryStore } from '../state/telemetry-store.ts';
import { createThemeStore, type ThemeEnvironment, type ThemeStore } from '../state/theme-store.ts';

/** Everything a page may use: the contract and the stores built on it. */
export interface ConsoleServices {
  api: EngineApi;
  status: EngineStatusStore;
  telemetry: TelemetryStore;
  profiles: ProfilesStore;
  database: DatabaseStore;
  cache: CacheStore;
  pool: PoolStore;
  memory: MemoryStore;
  planner: PlannerStore;
  advisor: AdvisorStore;
  optimize: OptimizeStore;
  tasks: TaskProgressStore;
  notifications: NotificationsStore;
  theme: ThemeStore;
  navigation: NavigationStore;
  /** Subscribes to the engine's events and loads the first data; returns the matching stop. */
  start(): () => void;
}

export interface ConsoleEnvironment {
  theme: ThemeEnvironment;
  /** The page named in the address (`#/database`), if any. */
  initialPage: PageId | null;
}

export function createConsoleServices(api: EngineApi, env: ConsoleEnvironment): ConsoleServices {
  const status = createEngineStatusStore(api);
  const telemetry = createTelemetryStore(api);
  const profiles = createProfilesStore(api, (command, params) => status.getState().run(command, params));
  const database = createDatabaseStore(api);
  const cache = createCacheStore(api);
  const pool = createPoolStore(api);
  const memory = createMemoryStore(api);
  const planner = createPlannerStore(api);
  const advisor = createAdvisorStore(api);
  // After Optimize, the Indexes page shows the new history (and drops the builds' last progress) at once.
  const optimize = createOptimizeStore(api, () => void advisor.getState().refresh());
  const tasks = createTaskProgressStore();
  const notifications = createNotificationsStore();
  const theme = createThemeStore(env.theme);
  const navigation = createNavigationStore(env.initialPage);

  const start = () => {
    const stops = [
      api.subscribe('engine.status', (s) => status.getState().apply(s)),
      api.subscribe('telemetry.snapshot', (s) => telemetry.getState().ingest(s)),
      api.subscribe('task.progress', (p) => tasks.getState().apply(p)),
      api.subscribe('index.progress', (p) => advisor.getState().applyProgress(p)),
      api.subscribe('engine.log', (entry) => {
        if (entry.level === 'error')
          notifications.getState().push({ tone: 'error', title: 'The engine reported an error', message: entry.message });
      }),
    ];
    void telemetry.getState().loadHistory();
    void Promise.all([status.getState().refresh(), profiles.getState().load()]).then(() => {
      // First run (nothing saved, nothing connected) opens on the welcome page; otherwise the overview.
      if (navigation.getState().settled) return;
      const phase = status.getState().status?.phase;
      navigation.getState().navigate(phase === 'disconnected' && profiles.getState().profiles.length === 0 ? 'welcome' : 'overview');
    });
    return () => {
      for (const stop of stops) stop();
      database.getState().stopPolling();
      cache.getState().stopPolling();
      pool.getState().stopPolling();
      memory.getState().stopPolling();
      planner.getState().stopPolling();
      advisor.getState().stopPolling();
    };
  };

  return {
    api,
    status,
    telemetry,
    profiles,
    database,
    cache,
    pool,
    memory,
    planner,
    advisor,
    optimize,
    tasks,
    notifications,
    theme,
    navigation,
    start,
  };
}
