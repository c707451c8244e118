import { useState } from 'react';
import { useEngineStatus, useServices } from '../app/console-context.ts';
import { EmptyState } from './empty-state.tsx';
import { EngineErrorText } from './engine-error-text.tsx';

/** Shown instead of a page when the engine did not answer `engine.status`, with a retry. */
export function EngineUnreachableState() {
  const { status, profiles, telemetry } = useServices();
  const error = useEngineStatus((s) => s.loadError);
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    await Promise.all([status.getState().refresh(), profiles.getState().load(), telemetry.getState().loadHistory()]);
    setBusy(false);
  };
  return (
    <EmptyState
      testId="engine-unreachable"
      title="The engine does not answer"
      actions={
        <button type="button" className="button--primary" onClick={() => void retry()} disabled={busy}>
          {busy ? 'Retrying…' : 'Retry'}
        </button>
      }
    >
      {error && <EngineErrorText error={error} />}
      <p>Check that hotpath is still running, then retry.</p>
    </EmptyState>
  );
}
