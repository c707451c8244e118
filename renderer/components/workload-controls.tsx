import { useId, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEngineStatus, useServices } from '../app/console-context.ts';
import { parseRate } from '../forms/parse-rate.ts';
import { formatRate } from '../format/units.ts';
import { toError } from '../state/to-error.ts';
import { EngineErrorText } from './engine-error-text.tsx';
import { TextField } from './text-field.tsx';

type ProfileKind = 'demo' | 'file';

/**
 * Start and stop the workload, and change its target rate while it runs. The rate is
 * checked here first (a number of req/s within the engine's limit) so a typo never
 * becomes a round trip; the engine's own errors show below with their hint.
 */
export function WorkloadControls() {
  const { status } = useServices();
  const phase = useEngineStatus((s) => s.status?.phase ?? null);
  const workload = useEngineStatus(useShallow((s) => s.status?.workload ?? null));
  const running = workload?.running ?? false;
  const profileSelectId = useId();

  const [rateText, setRateText] = useState('');
  const [profileKind, setProfileKind] = useState<ProfileKind>('demo');
  const [profilePath, setProfilePath] = useState('');
  const [invalid, setInvalid] = useState<{ field: 'rate' | 'path'; message: string } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(toError(e));
    } finally {
      setBusy(false);
    }
  };

  const start = () => {
    const rate = parseRate(rateText, true);
    if (!rate.ok) return setInvalid({ field: 'rate', message: rate.message });
    if (profileKind === 'file' && profilePath.trim() === '')
      return setInvalid({ field: 'path', message: 'Enter the path of a workload profile file on the machine that runs hotpath.' });
    setInvalid(null);
    const profile = profileKind === 'demo' ? 'demo' : profilePath.trim();
    void act(() => status.getState().run('workload.start', rate.rate === null ? { profile } : { profile, rate: rate.rate }));
  };
  const applyRate = () => {
    const rate = parseRate(rateText, false);
    if (!rate.ok || rate.rate === null)
      return setInvalid({ field: 'rate', message: rate.ok ? 'Enter a target rate in requests per second.' : rate.message });
    setInvalid(null);
    void act(() => status.getState().run('workload.setRate', { rate: rate.rate! }));
  };
  const stop = () => void act(() => status.getState().run('workload.stop', {}));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (running) applyRate();
    else start();
  };

  const ready = phase === 'ready';
  return (
    <section className="card workload-controls" aria-labelledby="workload-heading" data-testid="workload-controls">
      <h2 id="workload-heading" className="section-title">
        Workload{' '}
        <span className="section-title__note">
          {running && workload ? `running ${workload.profile ?? ''} at ${formatRate(workload.targetRate)}` : 'not running'}
        </span>
      </h2>
      {!ready && <p className="field__help">Connect to a database to run a workload.</p>}
      <form className="workload-controls__row" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label className="field__label" htmlFor={profileSelectId}>
            Workload profile
          </label>
          <select
            id={profileSelectId}
            value={profileKind}
            onChange={(e) => setProfileKind(e.target.value as ProfileKind)}
            disabled={running || !ready}
          >
            <option value="demo">Demo (built in)</option>
            <option value="file">A profile file…</option>
          </select>
        </div>
        {profileKind === 'file' && (
          <TextField
            label="Profile file path"
            value={profilePath}
            onChange={setProfilePath}
            placeholder="/path/to/profile.yaml"
            disabled={running || !ready}
            invalid={invalid?.field === 'path' ? invalid.message : null}
            spellCheck={false}
          />
        )}
        <TextField
          label="Target rate"
          value={rateText}
          onChange={setRateText}
          inputMode="decimal"
          suffix="req/s"
          placeholder={running && workload ? String(workload.targetRate) : "profile's rate"}
          disabled={!ready}
          invalid={invalid?.field === 'rate' ? invalid.message : null}
        />
        <div className="form-actions">
          {running ? (
            <>
              <button type="submit" disabled={busy || !ready}>
                Apply rate
              </button>
              <button type="button" className="button--danger" onClick={stop} disabled={busy}>
                Stop workload
              </button>
            </>
          ) : (
            <button type="submit" className="button--primary" disabled={busy || !ready}>
              Start workload
            </button>
          )}
        </div>
      </form>
      {error && <EngineErrorText error={error} />}
    </section>
  );
}
