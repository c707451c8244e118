import type { PageId } from '../state/navigation-store.ts';
import { CachePage } from '../pages/cache-page.tsx';
import { ConnectionsPage } from '../pages/connections-page.tsx';
import { DatabasePage } from '../pages/database-page.tsx';
import { OverviewPage } from '../pages/overview-page.tsx';
import { PoolPage } from '../pages/pool-page.tsx';
import { IndexesPage } from '../pages/indexes-page.tsx';
import { MemoryPage } from '../pages/memory-page.tsx';
import { PlannerPage } from '../pages/planner-page.tsx';
import { WelcomePage } from '../pages/welcome-page.tsx';

/** The page for an id. Only the shown page is mounted, so only it polls or renders charts. */
export function PageView({ page }: { page: PageId }) {
  switch (page) {
    case 'welcome':
      return <WelcomePage />;
    case 'overview':
      return <OverviewPage />;
    case 'database':
      return <DatabasePage />;
    case 'connections':
      return <ConnectionsPage />;
    case 'cache':
      return <CachePage />;
    case 'pool':
      return <PoolPage />;
    case 'indexes':
      return <IndexesPage />;
    case 'memory':
      return <MemoryPage />;
    case 'planner':
      return <PlannerPage />;
  }
}
