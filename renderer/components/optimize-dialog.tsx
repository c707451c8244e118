import { useId, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LatencyByTemplate, OptimizePlanPayload } from '../../main/contract/advisor.ts';
import { useAdvisor, useOptimize, useServices, useTaskProgress } from '../app/console-context.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { IndexBuildProgress } from './index-build-progress.tsx';
import { ProgressBar } from './progress-bar.tsx';

/** A modal without a confirmation: the planning and applying stages, and the result. */
function StageDialog({ title, children, onClose }: { title: string; children: ReactNode; onClose?: () => void }) {
  const titleId = useId();
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog dialog--wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="optimize-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onClose?.()}
      >
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <div className="dialog__body">{children}</div>
        {onClose && (
          <div className="dialog__actions">
            <button type="button" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function PlanSteps({ plan }: { plan: OptimizePlanPayload }) {
  return (
    <>
      {plan.steps.length > 0 && (
        <ol className="optimize-steps" data-testid="optimize-steps">
          {plan.steps.map((step) => (
            <li key={step.id}>
              <strong>{step.title}</strong>
              <div className="field__help">{step.estimatedGain}</div>
              <div className="field__help">{step.detail}</div>
              {step.ddl && (
                <pre className="index-card__ddl">
                  <code>{step.ddl}</code>
                </pre>
              )}
            </li>
          ))}
        </ol>
      )}
      {plan.notes.map((note) => (
        <p key={note} className="field__help">
          {note}
        </p>
      ))}
    </>
  );
}

function BeforeAfter({
  before,
  after,
  windowSeconds,
}: {
  before: LatencyByTemplate | null;
  after: LatencyByTemplate | null;
  windowSeconds: number | null;
}) {
  if (!before) return <p className="field__help">No workload ran, so there is no before/after: start one and Optimize measures it.</p>;
  return (
    <table className="data-table" data-testid="optimize-before-after">
      <caption>p95 latency per template{windowSeconds === null ? '' : `, ${windowSeconds} s of live traffic`} before and after</caption>
      <thead>
        <tr>
          <th scope="col">Template</th>
          <th scope="col" className="num">
            Before
          </th>
          <th scope="col" className="num">
            After
          </th>
          <th scope="col" className="num">
            Change
          </th>
        </tr>
      </thead>
      <tbody>
        {Object.keys(before).map((t) => {
          const b = before[t]!;
          const a = after?.[t];
          return (
            <tr key={t} className={t === 'all' ? 'data-table__total' : undefined}>
              <th scope="row" className="data-table__name">
                {t === 'all' ? 'all templates' : t}
              </th>
              <td className="num">{b.toFixed(2)} ms</td>
              <td className="num">{a === undefined ? '—' : `${a.toFixed(2)} ms`}</td>
              <td className="num">{a === undefined ? '' : `${(b / Math.max(a, 0.001)).toFixed(1)}× faster`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** "Optimize": the plan with each step's estimated gain, confirmation, progress, then before/after. */
export function OptimizeDialog() {
  const { optimize } = useServices();
  const stage = useOptimize((s) => s.stage);
  const plan = useOptimize((s) => s.plan);
  const result = useOptimize((s) => s.result);
  const error = useOptimize((s) => s.error);
  const task = useTaskProgress((s) => s.tasks.optimize);
  const builds = useAdvisor(useShallow((s) => Object.values(s.progress)));
  const close = () => optimize.getState().close();

  if (stage === 'closed') return null;
  if (stage === 'planning')
    return (
      <StageDialog title="Optimize: analyzing the workload…">
        <ProgressBar label="Analyzing" progress={null} />
      </StageDialog>
    );
  if (stage === 'review') {
    if (!plan || plan.steps.length === 0) {
      return (
        <StageDialog title={error ? 'Optimize could not make a plan' : 'Nothing to optimize'} onClose={close}>
          {error && <EngineErrorText error={error} />}
          {plan && <PlanSteps plan={plan} />}
        </StageDialog>
      );
    }
    return (
      <ConfirmDialog
        title={`Optimize: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`}
        confirmLabel={`Apply ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`}
        dismissLabel="Not now"
        wide
        onDismiss={close}
        onConfirm={() => void optimize.getState().apply()}
      >
        <PlanSteps plan={plan} />
        {error && <EngineErrorText error={error} />}
      </ConfirmDialog>
    );
  }
  if (stage === 'applying') {
    return (
      <StageDialog title="Optimize: applying…">
        <ProgressBar label="Optimize" progress={task} />
        {builds.map((p) => (
          <IndexBuildProgress key={p.name} progress={p} />
        ))}
      </StageDialog>
    );
  }
  return (
    <StageDialog title="Optimize: done" onClose={close}>
      <ul className="optimize-results" data-testid="optimize-results">
        {result?.steps.map((s) => (
          <li key={s.id}>
            <strong>{s.status}</strong> {s.message}
          </li>
        ))}
      </ul>
      <BeforeAfter before={result?.before ?? null} after={result?.after ?? null} windowSeconds={result?.windowSeconds ?? null} />
    </StageDialog>
  );
}

/** The header's one-click Optimize. */
export function OptimizeButton({ disabled }: { disabled: boolean }) {
  const { optimize } = useServices();
  return (
    <button
      type="button"
      className="button--primary"
      disabled={disabled}
      onClick={() => void optimize.getState().open()}
      title={disabled ? 'Connect to a database first' : 'Analyze the workload and apply what would help, after you confirm'}
    >
      Optimize
    </button>
  );
}
