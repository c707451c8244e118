import type { EngineApi } from '../../main/contract/api.ts';
import { createAdvisorStore, type AdvisorStore } from '../state/advisor-store.ts';
import { createOptimizeStore, type OptimizeStore } from '../state/optimize-store.ts';
import { createEngineStatusStore, type EngineStatusStore } from '../state/engine-status-store.ts';
import { createNavigationStore, type NavigationStore, type PageId } from '../state/navigation-store.ts';
import { createNotificationsStore, type NotificationsStore } from '../state/notifications-store.ts';
import { createProfilesStore, type ProfilesStore } from '../state/profiles-store.ts';
import { createTaskProgressStore, type TaskProgressStore } from '../state/task-progress-store.ts';
import { createTelemetryStore, type TelemetryStore } from '../state/telemetry-store.ts';
import { createThemeStore, type ThemeEnvironment, type ThemeStore } from '../state/theme-store.ts';
import type { PageRegistry } from './page-definition.ts';
import { createPageStores, type PageStores } from './page-stores.ts';

/** Everything a page may use: the contract and the stores built on it. */
export interface ConsoleServices {
  api: EngineApi;
  status: EngineStatusStore;
  telemetry: TelemetryStore;
  profiles: ProfilesStore;
  /** Console-wide, not the Indexes page's alone: the header's Optimize shows its builds' progress. */
  advisor: AdvisorStore;
  optimize: OptimizeStore;
  tasks: TaskProgressStore;
  notifications: NotificationsStore;
  theme: ThemeStore;
  navigation: NavigationStore;
  /** The pages, from which the navigation, the shortcuts, the router and `stores` are derived. */
  pages: PageRegistry;
  /** The stores the pages asked for in their registry entries (read with `usePageStore`). */
  stores: PageStores;
  /** A hidden window neither re-renders charts nor polls the database. */
  setVisible(visible: boolean): void;
  /** Subscribes to the engine's events and loads the first data; returns the matching stop. */
  start(): () => void;
}

export interface ConsoleEnvironment {
  theme: ThemeEnvironment;
  /** The page named in the address (`#/database`), if any. */
  initialPage: PageId | null;
  /** The console's pages: `CONSOLE_PAGES`, or a registry a test built. */
  pages: PageRegistry;
}

export function createConsoleServices(api: EngineApi, env: ConsoleEnvironment): ConsoleServices {
  const status = createEngineStatusStore(api);
  const telemetry = createTelemetryStore(api);
  const profiles = createProfilesStore(api, (command, params) => status.getState().run(command, params));
  const stores = createPageStores(api, env.pages);
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
      stores.stopPolling();
      advisor.getState().stopPolling();
    };
  };

  const setVisible = (visible: boolean) => {
    telemetry.getState().setVisible(visible);
    advisor.getState().setVisible(visible);
    stores.setVisible(visible);
  };

  return {
    api,
    status,
    telemetry,
    profiles,
    advisor,
    optimize,
    tasks,
    notifications,
    theme,
    navigation,
    pages: env.pages,
    stores,
    setVisible,
    start,
  };
}
