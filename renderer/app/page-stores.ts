import type { StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { PageStoreDefinition, PageStoreState } from '../state/page-store.ts';
import type { PageRegistry } from './page-definition.ts';

/** The stores the registry's pages asked for, one of each per console. */
export interface PageStores {
  get<S extends PageStoreState>(definition: PageStoreDefinition<S>): StoreApi<S>;
  /** A hidden window neither re-renders charts nor polls. */
  setVisible(visible: boolean): void;
  stopPolling(): void;
}

export function createPageStores(api: EngineApi, registry: PageRegistry): PageStores {
  const stores = new Map<PageStoreDefinition, StoreApi<PageStoreState>>();
  for (const definition of registry.flatMap((page) => page.stores))
    if (!stores.has(definition)) stores.set(definition, definition.create(api));
  const each = (act: (state: PageStoreState) => void) => {
    for (const store of stores.values()) act(store.getState());
  };
  return {
    get<S extends PageStoreState>(definition: PageStoreDefinition<S>) {
      const store = stores.get(definition as PageStoreDefinition);
      if (!store) throw new Error(`No page lists the ${definition.name} store: add it to the stores of its page's registry entry.`);
      // The map is keyed by the definition, whose create made this store: its state is S.
      return store as StoreApi<S>;
    },
    setVisible: (visible) => each((state) => state.setVisible(visible)),
    stopPolling: () => each((state) => state.stopPolling()),
  };
}
