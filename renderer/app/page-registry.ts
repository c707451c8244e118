import { CachePage } from '../pages/cache-page.tsx';
import { ConnectionsPage } from '../pages/connections-page.tsx';
import { DatabasePage } from '../pages/database-page.tsx';
import { IndexesPage } from '../pages/indexes-page.tsx';
import { MemoryPage } from '../pages/memory-page.tsx';
import { OverviewPage } from '../pages/overview-page.tsx';
import { PlannerPage } from '../pages/planner-page.tsx';
import { PoolPage } from '../pages/pool-page.tsx';
import { WelcomePage } from '../pages/welcome-page.tsx';
import { CACHE_STORE } from '../state/cache-store.ts';
import { DATABASE_STORE } from '../state/database-store.ts';
import { MEMORY_STORE } from '../state/memory-store.ts';
import { PLANNER_STORE } from '../state/planner-store.ts';
import { POOL_STORE } from '../state/pool-store.ts';
import type { PageDefinition, PageRegistry } from './page-definition.ts';

/**
 * Every page of the console, in navigation order (Alt+1 is the first entry with `nav`). The navigation, the
 * shortcuts, the router (`#/id`) and the page stores are derived from this list: a new page is one entry here
 * plus its file in pages/ (and its store in state/, if it has one).
 */
const PAGES = [
  { id: 'welcome', title: 'Welcome', nav: null, component: WelcomePage, stores: [] },
  { id: 'overview', title: 'Overview', nav: { goKey: 'o' }, component: OverviewPage, stores: [] },
  { id: 'database', title: 'Database', nav: { goKey: 'd' }, component: DatabasePage, stores: [DATABASE_STORE] },
  { id: 'connections', title: 'Connections', nav: { goKey: 'c' }, component: ConnectionsPage, stores: [] },
  { id: 'cache', title: 'Cache', nav: { goKey: 'h' }, component: CachePage, stores: [CACHE_STORE] },
  { id: 'pool', title: 'Pool', nav: { goKey: 'p' }, component: PoolPage, stores: [POOL_STORE] },
  // The advisor's store is console-wide (ConsoleServices.advisor): the header's Optimize reads it too.
  { id: 'indexes', title: 'Indexes', nav: { goKey: 'i' }, component: IndexesPage, stores: [] },
  { id: 'memory', title: 'Memory', nav: { goKey: 'm' }, component: MemoryPage, stores: [MEMORY_STORE] },
  { id: 'planner', title: 'Planner', nav: { goKey: 'l' }, component: PlannerPage, stores: [PLANNER_STORE] },
] as const satisfies readonly PageDefinition<string>[];

declare module '../state/navigation-store.ts' {
  interface RegisteredPages {
    pages: typeof PAGES;
  }
}

export const CONSOLE_PAGES: PageRegistry = PAGES;
