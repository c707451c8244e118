import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * Filled in by `app/page-registry.ts` (declaration merging), so that `PageId` is the registry's ids without this
 * store, or the pages that navigate, importing the registry, which imports them: the pattern of TanStack Router's
 * `Register`. A program without the registry sees plain strings.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RegisteredPages {}

/** A page's id, as the page registry spells it ('overview', 'database', …). */
export type PageId = RegisteredPages extends { pages: readonly { id: infer Id extends string }[] } ? Id : string;

export interface NavigationState {
  page: PageId;
  /** False until the console chose the first page (welcome on a first run, else overview). */
  settled: boolean;
  navigate(page: PageId): void;
}

export type NavigationStore = StoreApi<NavigationState>;

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
