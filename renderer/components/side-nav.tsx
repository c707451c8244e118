import type { MouseEvent } from 'react';
import { useNavigation } from '../app/console-context.ts';
import { DISABLED_NAV_TOOLTIP, NAV_ITEMS } from '../app/nav-items.ts';
import type { PageId } from '../state/navigation-store.ts';

/** Pages that exist; the shortcut hint lists these (disabled entries are listed last in NAV_ITEMS, so Alt+N stays contiguous). */
const ENABLED = NAV_ITEMS.filter((item) => item.page !== null);

const SOON_ID = 'nav-soon-description';

/**
 * The left navigation. Entries for capabilities still to come are listed (so the
 * shape of the console is visible) but disabled, with a tooltip saying why.
 */
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
            {item.page ? (
              <a
                href={`#/${item.page}`}
                className="sidenav__link"
                aria-current={item.page === page ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${index + 1}`}
                onClick={go(item.page)}
              >
                <span>{item.label}</span>
                <kbd className="sidenav__key" aria-hidden="true">Alt+{index + 1}</kbd>
              </a>
            ) : (
              <span className="sidenav__link sidenav__link--disabled" role="link" aria-disabled="true" tabIndex={0} title={DISABLED_NAV_TOOLTIP} aria-describedby={SOON_ID} data-tooltip={DISABLED_NAV_TOOLTIP}>
                {item.label}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p id={SOON_ID} hidden>{DISABLED_NAV_TOOLTIP}</p>
      <p className="sidenav__hint">
        Keys: <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>{ENABLED.length}</kbd>, or <kbd>g</kbd> then{' '}
        {ENABLED.map((item, i) => (
          <span key={item.label}>
            {i > 0 && ', '}
            <kbd>{item.goKey}</kbd>
          </span>
        ))}
      </p>
    </nav>
  );
}
