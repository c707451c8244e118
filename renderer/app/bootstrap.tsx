import { useEffect, useState } from 'react';
import type { EngineConnection, TransportChoice } from '../transport/select-transport.ts';
import { ConnectingScreen } from '../components/connecting-screen.tsx';
import { ConnectionLostScreen } from '../components/connection-lost-screen.tsx';
import { TokenMissingScreen } from '../components/token-missing-screen.tsx';
import { ConsoleApp } from './console-app.tsx';
import type { ConsoleEnvironment } from './console-services.ts';

type Opened = Exclude<TransportChoice, { kind: 'no-token' }>;

interface BootstrapProps {
  choice: TransportChoice;
  open(choice: Opened): Promise<EngineConnection>;
  environment: ConsoleEnvironment;
}

type State = { kind: 'connecting' } | { kind: 'lost'; message: string } | { kind: 'ready'; connection: EngineConnection };

/**
 * Opens the transport picked at start and keeps the console on it. When the engine
 * goes away the console is replaced by a retry screen; a retry builds a fresh console
 * (new stores, new subscriptions) on a fresh connection.
 */
export function Bootstrap({ choice, open, environment }: BootstrapProps) {
  const [attempt, setAttempt] = useState(0);
  if (choice.kind === 'no-token') return <TokenMissingScreen />;
  // Each attempt is a new EngineSession (its key), so it starts "connecting" without resetting state in an effect.
  return <EngineSession key={attempt} choice={choice} open={open} environment={environment} onRetry={() => setAttempt((n) => n + 1)} />;
}

interface EngineSessionProps {
  choice: Opened;
  open(choice: Opened): Promise<EngineConnection>;
  environment: ConsoleEnvironment;
  onRetry(): void;
}

/** One attempt: opens a connection, shows the console on it, and the retry screen once it fails or closes. */
function EngineSession({ choice, open, environment, onRetry }: EngineSessionProps) {
  const [state, setState] = useState<State>({ kind: 'connecting' });

  useEffect(() => {
    let current = true;
    let opened: EngineConnection | null = null;
    open(choice).then(
      (connection) => {
        opened = connection;
        if (!current) return connection.close();
        connection.onClose(() => current && setState({ kind: 'lost', message: 'The connection to the engine closed.' }));
        setState({ kind: 'ready', connection });
      },
      (error: unknown) => current && setState({ kind: 'lost', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
      opened?.close();
    };
  }, [choice, open]);

  if (state.kind === 'connecting') return <ConnectingScreen />;
  if (state.kind === 'lost') return <ConnectionLostScreen message={state.message} onRetry={onRetry} />;
  return <ConsoleApp api={state.connection.api} environment={environment} />;
}
