import type { StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';

/** What the console asks of every page's store: follow the window's visibility, and stop polling when it stops. */
export interface PageStoreState {
  setVisible(visible: boolean): void;
  stopPolling(): void;
}

/**
 * A store that belongs to a page, named by this object (as a VS Code service is named by its decorator): the page
 * registry lists it in the page's entry, the console creates it once per connection, and the page and its
 * components read it with `usePageStore(definition)`, typed by the definition without a central list of stores.
 */
export interface PageStoreDefinition<S extends PageStoreState = PageStoreState> {
  /** For messages only. */
  readonly name: string;
  create(api: EngineApi): StoreApi<S>;
}

export function pageStore<S extends PageStoreState>(name: string, create: (api: EngineApi) => StoreApi<S>): PageStoreDefinition<S> {
  return { name, create };
}
