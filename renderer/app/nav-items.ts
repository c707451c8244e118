import type { PageId } from '../state/navigation-store.ts';

export interface NavItem {
  label: string;
  page: PageId;
  /** The second key of the "g then key" shortcut. */
  goKey: string;
}

/** The left navigation, in order: Alt+1 is the first entry, Alt+2 the second, … */
export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Overview', page: 'overview', goKey: 'o' },
  { label: 'Database', page: 'database', goKey: 'd' },
  { label: 'Connections', page: 'connections', goKey: 'c' },
  { label: 'Cache', page: 'cache', goKey: 'h' },
  { label: 'Pool', page: 'pool', goKey: 'p' },
  { label: 'Indexes', page: 'indexes', goKey: 'i' },
  { label: 'Memory', page: 'memory', goKey: 'm' },
  { label: 'Planner', page: 'planner', goKey: 'l' },
];

export const PAGE_TITLES: Record<PageId, string> = {
  welcome: 'Welcome',
  overview: 'Overview',
  database: 'Database',
  connections: 'Connections',
  cache: 'Cache',
  pool: 'Pool',
  indexes: 'Indexes',
  memory: 'Memory',
  planner: 'Planner',
};
