import { useServices } from '../app/console-context.ts';
import { findPage } from '../app/page-definition.ts';
import type { PageId } from '../state/navigation-store.ts';
import { EmptyState } from './empty-state.tsx';

/** The page for an id, from the registry. Only the shown page is mounted, so only it polls or renders charts. */
export function PageView({ page }: { page: PageId }) {
  const Page = findPage(useServices().pages, page)?.component;
  return Page ? <Page /> : <EmptyState title={`No page "${page}"`} />;
}
