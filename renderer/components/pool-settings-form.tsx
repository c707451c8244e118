import { useId, useState } from 'react';
import type { PoolStatusPayload, SessionSettingsPayload } from '../../main/contract/pool.ts';
import { usePageState, usePageStore } from '../app/console-context.ts';
import { POOL_STORE } from '../state/pool-store.ts';

type Settings = NonNullable<PoolStatusPayload['settings']>;
type NumericKey = 'statementTimeoutMs' | 'lockTimeoutMs' | 'idleInTransactionTimeoutMs' | 'workMemKb';

const NUMERIC: readonly { key: NumericKey; label: string; unit: string; server: string }[] = [
  { key: 'statementTimeoutMs', label: 'Statement timeout', unit: 'ms', server: 'statement_timeout' },
  { key: 'lockTimeoutMs', label: 'Lock timeout', unit: 'ms', server: 'lock_timeout' },
  { key: 'idleInTransactionTimeoutMs', label: 'Idle in transaction', unit: 'ms', server: 'idle_in_transaction_session_timeout' },
  { key: 'workMemKb', label: 'Work memory', unit: 'kB', server: 'work_mem' },
];
const PLAN_MODES: readonly SessionSettingsPayload['planCacheMode'][] = ['auto', 'force_generic_plan', 'force_custom_plan'];

/** The form's values: the numbers as typed. */
type Draft = Record<NumericKey, string> & { jit: boolean; planCacheMode: SessionSettingsPayload['planCacheMode'] };

function draftOf(values: SessionSettingsPayload): Draft {
  return {
    ...(Object.fromEntries(NUMERIC.map(({ key }) => [key, String(values[key])])) as Record<NumericKey, string>),
    jit: values.jit,
    planCacheMode: values.planCacheMode,
  };
}

/** The edited values that differ from the ones in force, or a message for the first value that is not a number. */
function changeFrom(
  draft: Draft,
  values: SessionSettingsPayload,
): { ok: true; change: Partial<SessionSettingsPayload> } | { ok: false; message: string } {
  const change: Partial<SessionSettingsPayload> = {};
  for (const { key, label, unit } of NUMERIC) {
    const value = Number(draft[key].trim());
    if (draft[key].trim() === '' || !Number.isInteger(value) || value < 0)
      return { ok: false, message: `${label} must be a whole number of ${unit}, 0 or more.` };
    if (value !== values[key]) change[key] = value;
  }
  if (draft.jit !== values.jit) change.jit = draft.jit;
  if (draft.planCacheMode !== values.planCacheMode) change.planCacheMode = draft.planCacheMode;
  return { ok: true, change };
}

/**
 * The session settings every pooled connection gets, each with the reason for its value, editable: "Check"
 * asks the server whether it accepts the change (nothing applied), "Apply" applies it, "Revert" restores the
 * previous values.
 */
export function PoolSettingsForm({ settings }: { settings: Settings }) {
  const pool = usePageStore(POOL_STORE);
  const busy = usePageState(POOL_STORE, (s) => s.busy);
  const jitId = useId();
  const planId = useId();
  // Edits count against the values they were made on: once the values in force change (a change applied or
  // reverted, here or elsewhere), they are the new starting point and the edits go, even if the values later
  // return to what they were. Adjusted while rendering (React's "storing information from previous renders").
  const valuesKey = JSON.stringify(settings.values);
  const [basis, setBasis] = useState(valuesKey);
  const [edits, setEdits] = useState<Draft | null>(null);
  if (basis !== valuesKey) {
    setBasis(valuesKey);
    setEdits(null);
  }
  const draft = (basis === valuesKey ? edits : null) ?? draftOf(settings.values);
  const edit = (change: Partial<Draft>) => setEdits({ ...draft, ...change });
  const [invalid, setInvalid] = useState<string | null>(null);

  // Reverting returns to values these edits may have been made on: drop them, or they would come back with them.
  const revert = () => {
    setEdits(null);
    void pool.getState().revert();
  };

  const run = (action: 'check' | 'apply') => {
    const result = changeFrom(draft, settings.values);
    if (!result.ok) return setInvalid(result.message);
    if (Object.keys(result.change).length === 0) return setInvalid('Nothing changed: edit a value first.');
    setInvalid(null);
    void (action === 'check' ? pool.getState().check(result.change) : pool.getState().apply(result.change));
  };

  return (
    <div data-testid="pool-settings">
      <table className="data-table pool-settings">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Value</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {NUMERIC.map(({ key, label, unit, server }) => (
            <tr key={key}>
              <th scope="row" title={server}>
                {label}
              </th>
              <td>
                <span className="field__control">
                  <input
                    aria-label={`${label} (${unit})`}
                    inputMode="numeric"
                    value={draft[key]}
                    onChange={(e) => edit({ [key]: e.target.value })}
                  />
                  <span className="field__suffix" aria-hidden="true">
                    {unit}
                  </span>
                </span>
              </td>
              <td className="pool-settings__reason">{settings.reasons[key] ?? ''}</td>
            </tr>
          ))}
          <tr>
            <th scope="row" title="jit">
              <label htmlFor={jitId}>JIT compilation</label>
            </th>
            <td>
              <input id={jitId} type="checkbox" checked={draft.jit} onChange={(e) => edit({ jit: e.target.checked })} />
            </td>
            <td className="pool-settings__reason">{settings.reasons.jit ?? ''}</td>
          </tr>
          <tr>
            <th scope="row" title="plan_cache_mode">
              <label htmlFor={planId}>Plan cache mode</label>
            </th>
            <td>
              <select
                id={planId}
                value={draft.planCacheMode}
                onChange={(e) => edit({ planCacheMode: e.target.value as SessionSettingsPayload['planCacheMode'] })}
              >
                {PLAN_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode}
                  </option>
                ))}
              </select>
            </td>
            <td className="pool-settings__reason">{settings.reasons.planCacheMode ?? ''}</td>
          </tr>
        </tbody>
      </table>
      {invalid && (
        <p className="error-text" role="alert">
          {invalid}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={() => run('check')} disabled={busy !== null}>
          Check with the server
        </button>
        <button type="button" className="button--primary" onClick={() => run('apply')} disabled={busy !== null}>
          Apply
        </button>
        <button type="button" onClick={revert} disabled={busy !== null || !settings.canRevert}>
          Revert
        </button>
      </div>
    </div>
  );
}
