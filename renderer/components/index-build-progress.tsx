import { useState } from 'react';
import type { BuildProgressPayload } from '../../main/contract/advisor.ts';
import { useServices } from '../app/console-context.ts';
import { formatAge, formatCount } from '../format/units.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

/** One build's progress: its phase in words, a bar where the server reports counts, and the blocker with an offer to cancel it. */
export function IndexBuildProgress({ progress }: { progress: BuildProgressPayload }) {
  const { advisor } = useServices();
  const [confirming, setConfirming] = useState(false);
  const percent = progress.fraction === null ? null : Math.round(progress.fraction * 100);
  const blocker = progress.blocker;
  return (
    <div className="index-progress" data-testid={`index-progress-${progress.name}`}>
      <div className="progress">
        <div
          className={`progress__track${percent === null ? ' progress__track--indeterminate' : ''}`}
          role="progressbar"
          aria-label={`Building ${progress.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent ?? undefined}
        >
          <div className="progress__fill" style={percent === null ? undefined : { width: `${percent}%` }} />
        </div>
        <p className="progress__message">
          {progress.phaseText}
          {progress.blocksTotal > 0 && ` · ${formatCount(progress.blocksDone)} of ${formatCount(progress.blocksTotal)} blocks`}
          {progress.tuplesTotal > 0 && ` · ${formatCount(progress.tuplesDone)} of ${formatCount(progress.tuplesTotal)} rows`}
        </p>
      </div>
      {blocker && (
        <p className="index-progress__blocker" role="status" data-testid="index-blocker">
          Waiting for backend {blocker.pid}
          {blocker.xactAgeMs !== null && `, in a transaction open for ${formatAge(blocker.xactAgeMs)}`}
          {blocker.query && (
            <>
              {' '}
              running <code>{blocker.query.slice(0, 120)}</code>
            </>
          )}
          .{' '}
          <button type="button" className="button--danger" onClick={() => setConfirming(true)}>
            Cancel its query…
          </button>
        </p>
      )}
      {confirming && blocker && (
        <ConfirmDialog
          title={`Cancel the query of backend ${blocker.pid}?`}
          confirmLabel="Cancel query"
          onDismiss={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void advisor.getState().cancelBlocker(blocker.pid);
          }}
        >
          Its current statement fails with an error; its application sees that error. The index build then goes on.
        </ConfirmDialog>
      )}
    </div>
  );
}
