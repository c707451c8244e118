import type { PlannerStatusPayload } from '../../main/contract/planner.ts';
import { useServices } from '../app/console-context.ts';
import { formatBytes, formatClock, formatCount } from '../format/units.ts';

const DEFAULT_FAILED_HINT = 'Check the engine’s log for the cause, then reconnect the stack from Connections to load the index again.';

/**
 * The selector's state when it is not simply ready: the vector index loading (with its rows so far) or failed
 * (the engine's message, which says what to do; a way to the connections to retry). Off is the page's
 * not-connected state, not a banner.
 */
export function PlannerStateBanner({ status }: { status: PlannerStatusPayload }) {
  const { navigation } = useServices();
  if (status.state === 'loading') {
    return (
      <div className="notice" role="status" data-testid="planner-state" data-state="loading">
        <p>
          <strong>Loading the vector index…</strong>
          {status.index && ` ${formatCount(status.index.rows)} rows (${formatBytes(status.index.bytes)}) read so far.`}
        </p>
        {status.message && <p className="field__help">{status.message}</p>}
        <p className="field__help">
          Hybrid queries wait until it is loaded (about a second per 200,000 chunks); they count in the latency charts.
        </p>
      </div>
    );
  }
  if (status.state === 'failed') {
    return (
      <div className="notice notice--warning" role="alert" data-testid="planner-state" data-state="failed">
        <p>
          <strong>The plan selector failed.</strong> {status.message ?? 'The engine gave no reason.'}
        </p>
        {!status.message && <p className="field__help">{DEFAULT_FAILED_HINT}</p>}
        <div className="form-actions">
          <button type="button" onClick={() => navigation.getState().navigate('connections')}>
            Open Connections
          </button>
        </div>
      </div>
    );
  }
  return null;
}

/** How similarity is computed, and the index it reads: pgvector on the server, or the in-process exact index. */
export function PlannerVectorPath({ status }: { status: PlannerStatusPayload }) {
  const { vectorPath, index } = status;
  return (
    <p className="field__help" data-testid="planner-vector-path">
      Similarity: <strong>{vectorPath.kind === 'pgvector' ? 'pgvector on the server' : 'in-process exact index'}</strong>
      {vectorPath.detail && ` (${vectorPath.detail})`}
      {index &&
        (status.state === 'loading'
          ? `; index: ${formatCount(index.rows)} rows, ${formatBytes(index.bytes)} read so far`
          : `; index of ${formatCount(index.rows)} rows, ${formatBytes(index.bytes)}, loaded at ${formatClock(index.loadedAt)}`)}
      .
    </p>
  );
}
