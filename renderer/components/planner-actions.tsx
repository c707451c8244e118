import { useState } from 'react';
import type { PlannerStatusPayload } from '../../main/contract/planner.ts';
import { usePageState, usePageStore } from '../app/console-context.ts';
import { PLANNER_STORE } from '../state/planner-store.ts';
import { formatCount } from '../format/units.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';

/**
 * Retrain the model now, or reset the selector (asks first: it forgets every observation, the model and the plan
 * cache, and runs the default plan until it has learned again). Both wait for a ready selector and for each other.
 */
export function PlannerActions({ status }: { status: PlannerStatusPayload }) {
  const planner = usePageStore(PLANNER_STORE);
  const busy = usePageState(PLANNER_STORE, (s) => s.busy);
  const lastResult = usePageState(PLANNER_STORE, (s) => s.lastResult);
  const actionError = usePageState(PLANNER_STORE, (s) => s.actionError);
  const [confirming, setConfirming] = useState(false);
  const ready = status.state === 'ready';
  const training = status.model.training || busy === 'retrain';
  const disabled = !ready || busy !== null || status.model.training;

  return (
    <div data-testid="planner-actions">
      <div className="cache-actions">
        <div className="cache-actions__group">
          <p className="field__label">Retrain the model</p>
          <p className="field__help">
            {status.model.observations === 0
              ? 'No observation yet: the model learns from the hybrid queries the workload runs.'
              : `Trains on all ${formatCount(status.model.observations)} observations in the background worker; the selector keeps choosing with the current model meanwhile.`}
          </p>
          <div className="form-actions">
            <button type="button" onClick={() => void planner.getState().retrain()} disabled={disabled} aria-busy={training}>
              {training ? 'Training…' : 'Retrain now'}
            </button>
          </div>
        </div>
        <div className="cache-actions__group">
          <p className="field__label">Start over</p>
          <p className="field__help">Forgets the observations, the model and the plan cache: back to the default plan.</p>
          <div className="form-actions">
            <button
              type="button"
              className="button--danger"
              onClick={() => setConfirming(true)}
              disabled={disabled}
              aria-busy={busy === 'reset'}
            >
              {busy === 'reset' ? 'Resetting…' : 'Reset the planner…'}
            </button>
          </div>
        </div>
      </div>
      {!ready && (
        <p className="field__help" data-testid="planner-actions-unavailable">
          {status.state === 'failed'
            ? 'Retrain and reset are unavailable while the selector has failed: see what to do above.'
            : 'Retrain and reset are available once the vector index is loaded.'}
        </p>
      )}
      {actionError && <EngineErrorText error={actionError.error} />}
      {lastResult && !actionError && (
        <p className="cache-actions__result" role="status" data-testid="planner-action-result">
          {lastResult.message}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Reset the planner?"
          confirmLabel="Reset the planner"
          dismissLabel="Not now"
          onDismiss={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void planner.getState().reset();
          }}
        >
          It forgets all {formatCount(status.model.observations)} observations, the trained model and{' '}
          {formatCount(status.planCache.entries)} cached plan choices. The selector then runs the default plan until it has observed enough
          to train again; the charts keep their history.
        </ConfirmDialog>
      )}
    </div>
  );
}
