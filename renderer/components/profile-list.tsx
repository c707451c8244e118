import type { ConnectionProfile } from '../../main/contract/profiles.ts';
import { EmptyState } from './empty-state.tsx';

interface ProfileListProps {
  profiles: ConnectionProfile[];
  /** The profile the engine is connected through, if any. */
  activeId: string | null;
  /** The profile an action is running for; its buttons are disabled meanwhile. */
  busyId: string | null;
  onConnect(profile: ConnectionProfile): void;
  onEdit(profile: ConnectionProfile): void;
  onDelete(profile: ConnectionProfile): void;
}

function secretText(p: ConnectionProfile): string {
  if (!p.needsSecret) return 'no password';
  if (p.secretSaved) return 'password saved, encrypted';
  if (p.secretAvailable) return 'password in memory until hotpath stops';
  return 'password asked when connecting';
}

/** Saved connections with their masked URLs and what can be done with each. */
export function ProfileList({ profiles, activeId, busyId, onConnect, onEdit, onDelete }: ProfileListProps) {
  if (profiles.length === 0)
    return (
      <EmptyState title="No saved connections yet" testId="profiles-empty">
        Add one below; it is saved when you connect.
      </EmptyState>
    );
  return (
    <ul className="profile-list" aria-label="Saved connections">
      {profiles.map((p) => {
        const active = p.id === activeId;
        const busy = busyId !== null;
        return (
          <li key={p.id} className={`profile-card${active ? ' profile-card--active' : ''}`} aria-label={p.name} data-testid="profile">
            <div className="profile-card__text">
              <p className="profile-card__name">
                {p.name} {active && <span className="tag tag--good">in use</span>}
              </p>
              <p>
                <code>{p.pgDisplayUrl}</code>
              </p>
              {p.redisDisplayUrl && (
                <p>
                  <code>{p.redisDisplayUrl}</code>
                </p>
              )}
              <p className="field__help">
                {secretText(p)}
                {p.lastUsedAt !== null && ` · last used ${new Date(p.lastUsedAt).toLocaleString()}`}
              </p>
            </div>
            <div className="profile-card__actions">
              <button
                type="button"
                className="button--primary"
                onClick={() => onConnect(p)}
                disabled={busy || active}
                aria-label={`Connect to ${p.name}`}
              >
                {busyId === p.id ? 'Connecting…' : 'Connect'}
              </button>
              <button type="button" onClick={() => onEdit(p)} disabled={busy} aria-label={`Edit ${p.name}`}>
                Edit
              </button>
              <button type="button" className="button--danger" onClick={() => onDelete(p)} disabled={busy} aria-label={`Delete ${p.name}`}>
                Delete
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
