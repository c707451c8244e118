import { useEngineStatus, usePageState, usePageStore } from '../app/console-context.ts';
import { DATABASE_STORE } from '../state/database-store.ts';
import { ActivityTable } from '../components/activity-table.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { TopStatementsTable } from '../components/top-statements-table.tsx';
import { usePolling } from '../hooks/use-polling.ts';

/** The database's own view: where its time goes, and who is connected (with cancel). */
export function DatabasePage() {
  const database = usePageStore(DATABASE_STORE);
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const top = usePageState(DATABASE_STORE, (s) => s.top);
  const topError = usePageState(DATABASE_STORE, (s) => s.topError);
  const activity = usePageState(DATABASE_STORE, (s) => s.activity);
  const activityError = usePageState(DATABASE_STORE, (s) => s.activityError);

  // Poll only while this page is shown and a stack is connected (the store also pauses while the document is hidden).
  usePolling(database, connected);

  return (
    <div className="page page--database">
      <div className="page__header">
        <h1>Database</h1>
        <p className="page__note">Refreshed every 2 s</p>
      </div>
      {!connected && known ? (
        <NotConnectedState what="The database view" />
      ) : (
        <>
          <section className="card" aria-labelledby="top-statements-heading">
            <h2 id="top-statements-heading" className="section-title">
              Top statements
            </h2>
            {topError ? (
              <EngineErrorText error={topError} />
            ) : top ? (
              <TopStatementsTable top={top} />
            ) : (
              <EmptyState title="Loading statements…" />
            )}
          </section>
          <section className="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading" className="section-title">
              Connections
            </h2>
            {activityError ? (
              <EngineErrorText error={activityError} />
            ) : activity ? (
              <ActivityTable connections={activity.connections} />
            ) : (
              <EmptyState title="Loading connections…" />
            )}
          </section>
        </>
      )}
    </div>
  );
}
