import type { MouseEvent } from 'react';
import { useNavigation } from '../app/console-context.ts';
import { NAV_ITEMS } from '../app/nav-items.ts';
import type { PageId } from '../state/navigation-store.ts';

/** The left navigation: every page, with its Alt+N and "g then key" shortcuts. */
export function SideNav() {
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
        {NAV_ITEMS.map((item, index) => (
          <li key={item.label}>
            <a
              href={`#/${item.page}`}
              className="sidenav__link"
              aria-current={item.page === page ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${index + 1}`}
              onClick={go(item.page)}
            >
              <span>{item.label}</span>
              <kbd className="sidenav__key" aria-hidden="true">
                Alt+{index + 1}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
      <p className="sidenav__hint">
        Keys: <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>{NAV_ITEMS.length}</kbd>, or <kbd>g</kbd> then{' '}
        {NAV_ITEMS.map((item, i) => (
          <span key={item.label}>
            {i > 0 && ', '}
            <kbd>{item.goKey}</kbd>
          </span>
        ))}
      </p>
    </nav>
  );
}
