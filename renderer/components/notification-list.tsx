import { useShallow } from 'zustand/react/shallow';
import { useNotifications } from '../app/console-context.ts';

/** Errors and notices that belong to no one field, each dismissible. */
export function NotificationList() {
  const items = useNotifications(useShallow((s) => s.items));
  const dismiss = useNotifications((s) => s.dismiss);
  if (items.length === 0) return null;
  return (
    <ul className="notifications" aria-label="Notifications">
      {items.map((n) => (
        <li key={n.id} className={`notification notification--${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <div className="notification__text">
            <p className="notification__title">{n.title}</p>
            <p>{n.message}</p>
            {n.hint && <p className="notification__hint">{n.hint}</p>}
          </div>
          <button type="button" className="button--quiet" onClick={() => dismiss(n.id)} aria-label={`Dismiss: ${n.title}`}>
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
