import { useEngineStatus } from '../app/console-context.ts';
import { phaseLabel } from '../state/engine-status-store.ts';
import { formatRate } from '../format/units.ts';

/** The engine's phase and the workload in one glance, e.g. "Ready · workload at 200 req/s". */
export function StackStatusBadge() {
  const phase = useEngineStatus((s) => s.status?.phase ?? null);
  const running = useEngineStatus((s) => s.status?.workload.running ?? false);
  const targetRate = useEngineStatus((s) => s.status?.workload.targetRate ?? 0);
  const unreachable = useEngineStatus((s) => s.loadError !== null && s.status === null);

  const tone =
    unreachable || phase === 'failed' ? 'bad' : phase === 'ready' ? 'good' : phase === 'disconnected' || phase === null ? 'idle' : 'busy';
  const text = unreachable ? 'Engine unreachable' : phase === null ? 'Checking…' : phaseLabel(phase);
  const workload = phase === 'ready' ? (running ? `workload at ${formatRate(targetRate)}` : 'no workload') : null;
  return (
    <p
      className={`status-badge status-badge--${tone}`}
      role="status"
      aria-label="Stack status"
      data-testid="stack-status"
      data-phase={phase ?? 'unknown'}
    >
      <span className="status-badge__dot" aria-hidden="true" />
      {text}
      {workload && <span className="status-badge__detail"> · {workload}</span>}
    </p>
  );
}
