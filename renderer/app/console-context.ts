import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ConsoleServices } from './console-services.ts';
import type { EngineStatusState } from '../state/engine-status-store.ts';
import type { TelemetryState } from '../state/telemetry-store.ts';
import type { ProfilesState } from '../state/profiles-store.ts';
import type { AdvisorState } from '../state/advisor-store.ts';
import type { OptimizeState } from '../state/optimize-store.ts';
import type { TaskProgressState } from '../state/task-progress-store.ts';
import type { NotificationsState } from '../state/notifications-store.ts';
import type { ThemeState } from '../state/theme-store.ts';
import type { NavigationState } from '../state/navigation-store.ts';
import type { PageStoreDefinition, PageStoreState } from '../state/page-store.ts';

export const ConsoleContext = createContext<ConsoleServices | null>(null);

export function useServices(): ConsoleServices {
  const services = useContext(ConsoleContext);
  if (!services) throw new Error('useServices() needs a <ConsoleContext.Provider> above it.');
  return services;
}

// One hook per store; each takes a selector so a component re-renders only for what it reads.
// Wrap object or array results in useShallow.
export const useEngineStatus = <T>(selector: (s: EngineStatusState) => T): T => useStore(useServices().status, selector);
export const useTelemetry = <T>(selector: (s: TelemetryState) => T): T => useStore(useServices().telemetry, selector);
export const useProfiles = <T>(selector: (s: ProfilesState) => T): T => useStore(useServices().profiles, selector);
export const useAdvisor = <T>(selector: (s: AdvisorState) => T): T => useStore(useServices().advisor, selector);
export const useOptimize = <T>(selector: (s: OptimizeState) => T): T => useStore(useServices().optimize, selector);
export const useTaskProgress = <T>(selector: (s: TaskProgressState) => T): T => useStore(useServices().tasks, selector);
export const useNotifications = <T>(selector: (s: NotificationsState) => T): T => useStore(useServices().notifications, selector);
export const useTheme = <T>(selector: (s: ThemeState) => T): T => useStore(useServices().theme, selector);
export const useNavigation = <T>(selector: (s: NavigationState) => T): T => useStore(useServices().navigation, selector);

/** A page's own store, as its registry entry lists it (`POOL_STORE`, …). */
export const usePageStore = <S extends PageStoreState>(definition: PageStoreDefinition<S>): StoreApi<S> =>
  useServices().stores.get(definition);
export const usePageState = <S extends PageStoreState, T>(definition: PageStoreDefinition<S>, selector: (s: S) => T): T =>
  useStore(usePageStore(definition), selector);
