import { useState } from 'react';
import type { ActiveConnection } from '../../main/contract/database.ts';
import { usePageStore } from '../app/console-context.ts';
import { DATABASE_STORE } from '../state/database-store.ts';
import { formatAge } from '../format/units.ts';
import { toError } from '../state/to-error.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EmptyState } from './empty-state.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { TerminateBackendAction } from './terminate-backend-action.tsx';

/** A backend with a query to cancel: one that is running something right now. */
function cancellable(c: ActiveConnection): boolean {
  return c.state === 'active' && c.queryAgeMs !== null;
}

/**
 * Connections from pg_stat_activity. "Cancel query" never acts at once: a dialog
 * names the backend and its query, and only "Cancel query" there sends
 * `database.cancelQuery` with `confirm: true`. "Terminate" (not for Hotpath's own connections) closes the
 * connection, after its own confirmation.
 */
export function ActivityTable({ connections }: { connections: ActiveConnection[] }) {
  const database = usePageStore(DATABASE_STORE);
  const [asking, setAsking] = useState<ActiveConnection | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ pid: number; cancelled: boolean } | { pid: number; error: Error } | null>(null);

  const confirm = async () => {
    if (!asking) return;
    setBusy(true);
    try {
      setOutcome({ pid: asking.pid, cancelled: await database.getState().cancelQuery(asking.pid) });
    } catch (error) {
      setOutcome({ pid: asking.pid, error: toError(error) });
    } finally {
      setBusy(false);
      setAsking(null);
    }
  };

  if (connections.length === 0) return <EmptyState title="No connections" testId="activity-empty" />;
  return (
    <>
      {outcome && 'error' in outcome && <EngineErrorText error={outcome.error} />}
      {outcome && 'cancelled' in outcome && (
        <p className="notice" role="status">
          {outcome.cancelled
            ? `Asked backend ${outcome.pid} to cancel its query.`
            : `Backend ${outcome.pid} had no query to cancel (it may have finished).`}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table" data-testid="activity">
          <caption>Connections to the database</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                pid
              </th>
              <th scope="col">User</th>
              <th scope="col">Application</th>
              <th scope="col">State</th>
              <th scope="col">Waiting on</th>
              <th scope="col">Query</th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.pid}>
                <td className="num">{c.pid}</td>
                <td>{c.user ?? '—'}</td>
                <td>
                  {c.application || '—'}
                  {c.ours && <span className="tag">Hotpath</span>}
                </td>
                <td>{c.state ?? '—'}</td>
                <td>{c.waitEvent ?? '—'}</td>
                <td className="query-cell">
                  <code title={c.query}>{c.query.replace(/\s+/g, ' ').slice(0, 100)}</code>
                </td>
                <td className="num">{c.queryAgeMs === null ? '—' : formatAge(c.queryAgeMs)}</td>
                <td>
                  {cancellable(c) && (
                    <button
                      type="button"
                      className="button--small"
                      aria-label={`Cancel query of backend ${c.pid}`}
                      onClick={() => setAsking(c)}
                    >
                      Cancel query
                    </button>
                  )}
                  {!c.ours && <TerminateBackendAction pid={c.pid} user={c.user} query={c.query} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {asking && (
        <ConfirmDialog
          title={`Cancel the query of backend ${asking.pid}?`}
          confirmLabel="Cancel query"
          dismissLabel="Keep it running"
          busy={busy}
          onConfirm={() => void confirm()}
          onDismiss={() => setAsking(null)}
        >
          <p>
            PostgreSQL stops the statement this connection is running{asking.user ? ` (user ${asking.user})` : ''}; the client gets an error
            and the connection stays open.
          </p>
          <pre className="dialog__query">{asking.query}</pre>
        </ConfirmDialog>
      )}
    </>
  );
}
