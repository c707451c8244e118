import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useEngineStatus, useNavigation, useServices } from '../app/console-context.ts';
import { navEntries } from '../app/page-definition.ts';
import { useDocumentTheme } from '../hooks/use-document-theme.ts';
import { useHashRoute } from '../hooks/use-hash-route.ts';
import { useKeyboardNavigation } from '../hooks/use-keyboard-navigation.ts';
import type { PageId } from '../state/navigation-store.ts';
import { AppHeader } from './app-header.tsx';
import { EmptyState } from './empty-state.tsx';
import { EngineUnreachableState } from './engine-unreachable-state.tsx';
import { NotificationList } from './notification-list.tsx';
import { PageView } from './page-view.tsx';
import { SideNav } from './side-nav.tsx';

/** The frame of the console: navigation on the left, header, notifications, and the page. */
export function AppShell() {
  const { navigation, theme, pages } = useServices();
  const entries = useMemo(() => navEntries(pages), [pages]);
  const page = useNavigation((s) => s.page);
  const settled = useNavigation((s) => s.settled);
  const unreachable = useEngineStatus((s) => s.loadError !== null && s.status === null);
  const mainRef = useRef<HTMLElement>(null);

  const navigate = useCallback((target: PageId) => navigation.getState().navigate(target), [navigation]);
  useKeyboardNavigation(entries, navigate);
  useHashRoute(navigation, pages);
  useDocumentTheme(theme);

  // After a page change by keyboard, focus would be left on nothing; put it at the page's start.
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) mainRef.current?.focus({ preventScroll: true });
  }, [page]);

  const skipToContent = () => mainRef.current?.focus();

  return (
    <div className="shell">
      <button type="button" className="skip-link" onClick={skipToContent}>
        Skip to content
      </button>
      <SideNav />
      <div className="shell__main">
        <AppHeader />
        <NotificationList />
        <main ref={mainRef} className="shell__content" tabIndex={-1} aria-label="Page">
          {unreachable ? <EngineUnreachableState /> : settled ? <PageView page={page} /> : <EmptyState title="Loading…" />}
        </main>
      </div>
    </div>
  );
}
