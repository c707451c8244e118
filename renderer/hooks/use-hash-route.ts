import { useEffect } from 'react';
import { pageFromHash, type PageRegistry } from '../app/page-definition.ts';
import type { NavigationStore, PageId } from '../state/navigation-store.ts';

/**
 * Keeps the address hash and the navigation store in step, so a reload stays on its
 * page and the browser's back button goes to the previous page.
 */
export function useHashRoute(navigation: NavigationStore, pages: PageRegistry): void {
  useEffect(() => {
    const toHash = (page: PageId) => {
      const current = pageFromHash(pages, window.location.hash);
      if (current === page) return;
      // The first page replaces the bare address instead of adding a history entry "back" would land on.
      if (current === null) window.history.replaceState(window.history.state, '', `#/${page}`);
      else window.location.hash = `#/${page}`;
    };
    const onHashChange = () => {
      const page = pageFromHash(pages, window.location.hash);
      if (page) navigation.getState().navigate(page);
    };
    if (navigation.getState().settled) toHash(navigation.getState().page);
    const unsubscribe = navigation.subscribe((state) => {
      if (state.settled) toHash(state.page);
    });
    window.addEventListener('hashchange', onHashChange);
    return () => {
      unsubscribe();
      window.removeEventListener('hashchange', onHashChange);
    };
  }, [navigation, pages]);
}
