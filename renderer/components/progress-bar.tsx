import type { TaskProgress } from '../../main/contract/status.ts';
import { progressFraction } from '../state/task-progress-store.ts';

interface ProgressBarProps {
  label: string;
  progress: TaskProgress | null;
}

/**
 * A task's progress with the engine's own message. Without a known total (starting
 * PostgreSQL) the bar is indeterminate: it moves, but claims no percentage.
 */
export function ProgressBar({ label, progress }: ProgressBarProps) {
  const fraction = progress ? progressFraction(progress) : null;
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const message = progress?.message ?? 'Starting…';
  return (
    <div className="progress" data-testid="task-progress">
      <div
        className={`progress__track${percent === null ? ' progress__track--indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent === null ? message : `${percent}%: ${message}`}
      >
        <div className="progress__fill" style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="progress__message" aria-live="polite">
        {/* The engine's message carries its own counts and units; the bar adds only the share done. */}
        {message}
        {percent !== null && ` (${percent}%)`}
      </p>
    </div>
  );
}
