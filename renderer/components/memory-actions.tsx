import { useState, type FormEvent } from 'react';
import type { MemoryStatusPayload } from '../../main/contract/memory.ts';
import { usePageState, usePageStore } from '../app/console-context.ts';
import { MEMORY_STORE } from '../state/memory-store.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { TextField } from './text-field.tsx';

const MiB = 1024 * 1024;
/** The contract's limits for the budget (64 MiB to 1 TiB), in the MiB the field takes. */
export const BUDGET_MIN_MIB = 64;
export const BUDGET_MAX_MIB = 1024 * 1024;

/** A whole number of MiB within the contract's limits, or a message that says what is expected. */
export function parseBudgetMiB(text: string): { ok: true; mib: number } | { ok: false; message: string } {
  const trimmed = text.trim().replaceAll(',', '');
  const mib = Number(trimmed);
  if (trimmed === '' || !Number.isInteger(mib) || mib < BUDGET_MIN_MIB || mib > BUDGET_MAX_MIB) {
    return {
      ok: false,
      message: `Enter the budget as a whole number of MiB from ${BUDGET_MIN_MIB} to ${BUDGET_MAX_MIB.toLocaleString('en-US')} (1 TiB).`,
    };
  }
  return { ok: true, mib };
}

/**
 * The operator's memory actions: a cleanup now (the aggressive one asks first: it empties the L1, so reads go to
 * the database, and pauses background work until pressure is gone), the budget RSS is measured against, and a
 * switch for the automatic cleanups (for a measurement that must not be disturbed by them).
 */
export function MemoryActions({ status }: { status: MemoryStatusPayload }) {
  const memory = usePageStore(MEMORY_STORE);
  const busy = usePageState(MEMORY_STORE, (s) => s.busy);
  const lastResult = usePageState(MEMORY_STORE, (s) => s.lastResult);
  const actionError = usePageState(MEMORY_STORE, (s) => s.actionError);
  const [confirming, setConfirming] = useState(false);
  const [budgetText, setBudgetText] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);

  const setBudget = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseBudgetMiB(budgetText);
    if (!parsed.ok) return setInvalid(parsed.message);
    setInvalid(null);
    void memory.getState().setBudget(parsed.mib * MiB);
  };

  return (
    <div data-testid="memory-actions">
      <div className="cache-actions">
        <div className="cache-actions__group">
          <p className="field__label">Clean up now</p>
          <p className="field__help">Moderate: drop expired L1 entries, shrink the L1, close idle connections.</p>
          <div className="form-actions">
            <button type="button" onClick={() => void memory.getState().cleanup('moderate')} disabled={busy !== null}>
              {busy === 'cleanup' ? 'Cleaning up…' : 'Moderate cleanup now'}
            </button>
            <button type="button" className="button--danger" onClick={() => setConfirming(true)} disabled={busy !== null}>
              Aggressive cleanup now…
            </button>
          </div>
        </div>
        <form className="cache-actions__group" onSubmit={setBudget} noValidate>
          <TextField
            label="Memory budget"
            value={budgetText}
            onChange={setBudgetText}
            inputMode="numeric"
            suffix="MiB"
            placeholder={String(Math.round(status.budgetBytes / MiB))}
            help="What the engine's RSS is measured against: moderate cleanup from 85% of it, aggressive from 90%."
            invalid={invalid}
          />
          <div className="form-actions">
            <button type="submit" disabled={busy !== null}>
              Set budget
            </button>
          </div>
        </form>
        <div className="cache-actions__group">
          <p className="field__label">Automatic cleanups</p>
          <p className="field__help" data-testid="memory-automatic">
            {status.paused ? 'Paused: pressure is only reported; your cleanups still run.' : 'On: entering a level runs its cleanup.'}
          </p>
          <div className="form-actions">
            <button type="button" onClick={() => void memory.getState().setAutomatic(status.paused)} disabled={busy !== null}>
              {status.paused ? 'Resume automatic cleanups' : 'Pause automatic cleanups'}
            </button>
          </div>
        </div>
      </div>
      {actionError && <EngineErrorText error={actionError.error} />}
      {lastResult && !actionError && (
        <p className="cache-actions__result" role="status" data-testid="memory-action-result">
          {lastResult.message}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Run an aggressive cleanup now?"
          confirmLabel="Clean up aggressively"
          dismissLabel="Not now"
          onDismiss={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void memory.getState().cleanup('aggressive');
          }}
        >
          It empties the L1 cache (its reads go to Redis or the database until it fills again), pauses background work such as cache warming
          and takes the pool down to its minimum. Background work and the pool come back at the next normal reading, the L1's size after a
          while of normal pressure.
        </ConfirmDialog>
      )}
    </div>
  );
}
