import { useEngineStatus, useServices } from '../app/console-context.ts';
import { EmptyState } from './empty-state.tsx';
import { EngineErrorText } from './engine-error-text.tsx';

/**
 * What a page shows while the engine has no stack: why, and the two ways forward.
 * With a failed connection it shows the engine's error too.
 */
export function NotConnectedState({ what }: { what: string }) {
  const { navigation } = useServices();
  const phase = useEngineStatus((s) => s.status?.phase ?? null);
  const error = useEngineStatus((s) => s.status?.error ?? null);
  const busy = phase === 'connecting' || phase === 'seeding';
  return (
    <EmptyState
      testId="not-connected"
      title={busy ? 'Connecting to the database…' : 'Not connected to a database'}
      actions={
        busy ? null : (
          <>
            <button type="button" className="button--primary" onClick={() => navigation.getState().navigate('welcome')}>
              Set up a connection
            </button>
            <button type="button" onClick={() => navigation.getState().navigate('connections')}>
              Saved connections
            </button>
          </>
        )
      }
    >
      <p>
        {busy ? `${what} appears once the stack is ready.` : `${what} needs a database: start the local demo stack or connect to yours.`}
      </p>
      {error && phase === 'failed' && <EngineErrorText error={Object.assign(new Error(error.message), error)} />}
    </EmptyState>
  );
}
