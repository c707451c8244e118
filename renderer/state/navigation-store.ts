import { createStore, type StoreApi } from 'zustand/vanilla';

export type PageId = 'welcome' | 'overview' | 'database' | 'connections' | 'cache' | 'pool' | 'indexes' | 'memory' | 'planner';
export const PAGE_IDS: readonly PageId[] = [
  'welcome',
  'overview',
  'database',
  'connections',
  'cache',
  'pool',
  'indexes',
  'memory',
  'planner',
];

export interface NavigationState {
  page: PageId;
  /** False until the console chose the first page (welcome on a first run, else overview). */
  settled: boolean;
  navigate(page: PageId): void;
}

export type NavigationStore = StoreApi<NavigationState>;

export function isPageId(value: string): value is PageId {
  return (PAGE_IDS as readonly string[]).includes(value);
}

/** Which page is shown. `initial` comes from the address (`#/database`) when there is one. */
export function createNavigationStore(initial: PageId | null): NavigationStore {
  return createStore<NavigationState>()((set, get) => ({
    page: initial ?? 'overview',
    settled: initial !== null,
    navigate(page) {
      if (page !== get().page || !get().settled) set({ page, settled: true });
    },
  }));
}
