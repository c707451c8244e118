import type { MouseEvent } from 'react';
import { useNavigation, useServices } from '../app/console-context.ts';
import { navEntries } from '../app/page-definition.ts';
import type { PageId } from '../state/navigation-store.ts';

/** The left navigation: every page of the registry with a `nav` entry, with its Alt+N and "g then key" shortcuts. */
export function SideNav() {
  const entries = navEntries(useServices().pages);
  const page = useNavigation((s) => s.page);
  const navigate = useNavigation((s) => s.navigate);
  const go = (target: PageId) => (event: MouseEvent) => {
    event.preventDefault();
    navigate(target);
  };
  return (
    <nav className="sidenav" aria-label="Pages">
      <p className="sidenav__brand">Hotpath</p>
      <ul className="sidenav__list">
        {entries.map((entry) => (
          <li key={entry.label}>
            <a
              href={`#/${entry.page}`}
              className="sidenav__link"
              aria-current={entry.page === page ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${entry.altDigit}`}
              onClick={go(entry.page)}
            >
              <span>{entry.label}</span>
              <kbd className="sidenav__key" aria-hidden="true">
                Alt+{entry.altDigit}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
      <p className="sidenav__hint">
        Keys: <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>{entries.length}</kbd>, or <kbd>g</kbd> then{' '}
        {entries.map((entry, i) => (
          <span key={entry.label}>
            {i > 0 && ', '}
            <kbd>{entry.goKey}</kbd>
          </span>
        ))}
      </p>
    </nav>
  );
}
