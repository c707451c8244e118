interface ConnectionLostScreenProps {
  /** Why: the engine could not be reached, or the connection closed. */
  message: string;
  onRetry(): void;
}

/** The engine is unreachable (refused, stopped, or the token is stale), with a way to try again. */
export function ConnectionLostScreen({ message, onRetry }: ConnectionLostScreenProps) {
  return (
    <main className="standalone" data-testid="engine-unreachable">
      <div className="card standalone__card" role="alert">
        <h1>Cannot reach the engine</h1>
        <p>{message}</p>
        <p>Check that hotpath is still running. If it was restarted, open the new address it printed: the token changes at every launch.</p>
        <button type="button" className="button--primary" onClick={onRetry}>
          Retry
        </button>
      </div>
    </main>
  );
}
