import { useEffect, useState } from 'react';
import type { ExplainParams, StatementPlan } from '../../main/contract/database.ts';
import { useServices } from '../app/console-context.ts';
import { toError } from '../state/to-error.ts';
import { EngineErrorText } from './engine-error-text.tsx';
import { StatementPlanView } from './plan-view.tsx';

/**
 * The answer of `database.explain` for `params` (a top statement by queryid, or a proposal's before/after), asked
 * when it opens; "Plan again" re-plans (the statistics may have changed). Nothing runs on the server but planning,
 * which the engine allows only where the advisor's rules do. Give it a `key` per statement so a new one starts afresh.
 */
export function ExplainPanel({ params, title, onClose }: { params: ExplainParams; title: string; onClose: () => void }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(true);
  const [shown, setShown] = useState<{ result: StatementPlan } | { error: Error } | null>(null);
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    let current = true;
    api
      .call('database.explain', params)
      .then(
        (result) => current && setShown({ result }),
        (error: unknown) => current && setShown({ error: toError(error) }),
      )
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
    // `params` is a new object every render; the statement it names is fixed by the caller's key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, asked]);

  return (
    <section className="card" aria-label={title} data-testid="explain-panel">
      <h3 className="section-title">{title}</h3>
      {busy && !shown && <p role="status">Planning…</p>}
      {shown && 'error' in shown && <EngineErrorText error={shown.error} />}
      {shown && 'result' in shown && <StatementPlanView result={shown.result} />}
      <div className="form-actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setAsked((n) => n + 1);
          }}
        >
          {busy ? 'Planning…' : 'Plan again'}
        </button>
        <button type="button" onClick={onClose}>
          Close plan
        </button>
      </div>
    </section>
  );
}
