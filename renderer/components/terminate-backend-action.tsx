import { useState } from 'react';
import { usePageStore } from '../app/console-context.ts';
import { DATABASE_STORE } from '../state/database-store.ts';
import { toError } from '../state/to-error.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';

interface TerminateBackendActionProps {
  pid: number;
  user: string | null;
  query: string;
  /** Shown in the dialog: why this one (it blocks N sessions). */
  context?: string;
}

/**
 * "Terminate" for one backend: a dialog names the backend, what terminating does and its query, and only
 * "Terminate connection" there sends `database.terminateBackend` with `confirm: true`. Hotpath's own connections
 * are not offered (the engine refuses them too).
 */
export function TerminateBackendAction({ pid, user, query, context }: TerminateBackendActionProps) {
  const database = usePageStore(DATABASE_STORE);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ terminated: boolean } | { error: Error } | null>(null);

  const confirm = async () => {
    setBusy(true);
    try {
      setOutcome({ terminated: await database.getState().terminateBackend(pid) });
    } catch (error) {
      setOutcome({ error: toError(error) });
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };

  return (
    <>
      <button type="button" className="button--small" aria-label={`Terminate backend ${pid}`} onClick={() => setAsking(true)}>
        Terminate
      </button>
      {outcome && 'error' in outcome && <EngineErrorText error={outcome.error} />}
      {outcome && 'terminated' in outcome && (
        <span className="notice" role="status">
          {outcome.terminated ? `Backend ${pid} terminated.` : `Backend ${pid} was signalled but had not ended yet.`}
        </span>
      )}
      {asking && (
        <ConfirmDialog
          title={`Terminate backend ${pid}?`}
          confirmLabel="Terminate connection"
          dismissLabel="Keep it connected"
          busy={busy}
          onConfirm={() => void confirm()}
          onDismiss={() => setAsking(false)}
        >
          <p>
            PostgreSQL closes this connection{user ? ` (user ${user})` : ''}: its open transaction is rolled back, the locks it holds are
            released, and the client must reconnect. {context}
          </p>
          {query && <pre className="dialog__query">{query}</pre>}
        </ConfirmDialog>
      )}
    </>
  );
}
