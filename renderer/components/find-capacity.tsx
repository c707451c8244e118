import { useEffect, useId, useState, type ReactNode } from 'react';
import type { CapacityResult, CapacityStatus } from '../../main/contract/capacity.ts';
import { useEngineStatus, useServices, useTaskProgress } from '../app/console-context.ts';
import { formatRate } from '../format/units.ts';
import { toError } from '../state/to-error.ts';
import { capacityHeadline, describeFailure, describePlan, describeWarmup, ENDED_TEXT } from './capacity-view.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { ProgressBar } from './progress-bar.tsx';

type Stage = 'closed' | 'confirm' | 'running' | 'done';

/** How often a running search is asked whether it ended (one this console did not start, or started before a reload). */
const STATUS_POLL_MS = 2000;

/** A modal without a confirmation, as Optimize's stages: the running search and the result. */
function StageDialog({ title, children, actions }: { title: string; children: ReactNode; actions: ReactNode }) {
  const titleId = useId();
  return (
    <div className="dialog-backdrop">
      <div className="dialog dialog--wide" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="capacity-dialog">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <div className="dialog__body">{children}</div>
        <div className="dialog__actions">{actions}</div>
      </div>
    </div>
  );
}

function StepsTable({ result }: { result: CapacityResult }) {
  return (
    <table className="data-table" data-testid="capacity-steps">
      <caption>
        Each step after {result.params.settleSeconds} s of settling, judged over {result.params.windowSeconds} s
      </caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            Rate
          </th>
          <th scope="col" className="num">
            Achieved
          </th>
          <th scope="col">Verdict</th>
          <th scope="col" className="num">
            Held
          </th>
          <th scope="col">Failed (worst second)</th>
        </tr>
      </thead>
      <tbody>
        {result.steps.map((step) => (
          <tr key={step.rate}>
            <td className="num">{formatRate(step.rate)}</td>
            <td className="num">{step.achievedRate === null ? '—' : formatRate(step.achievedRate)}</td>
            <td>{step.verdict === 'pass' ? 'Pass' : 'Fail'}</td>
            <td className="num">{step.secondsJudged} s</td>
            <td>{step.failures.map(describeFailure).join('; ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "Find capacity" on the Overview: asks first (it drives the load up), shows the engine's progress with a cancel,
 * then every step and the highest rate at which all eight success metrics held.
 */
export function FindCapacity() {
  const { api } = useServices();
  const ready = useEngineStatus((s) => s.status?.phase === 'ready');
  const workloadRate = useEngineStatus((s) => (s.status?.workload.running ? s.status.workload.targetRate : null));
  const task = useTaskProgress((s) => s.tasks.capacity);
  const [stage, setStage] = useState<Stage>('closed');
  const [status, setStatus] = useState<CapacityStatus | null>(null);
  const [result, setResult] = useState<CapacityResult | null>(null);
  const [error, setError] = useState<Error | null>(null);

  // A search under way when the page opens (another console's, or this one's before a reload) shows as running.
  useEffect(() => {
    let live = true;
    api.call('capacity.status', {}).then(
      (s) => {
        if (!live) return;
        setStatus(s);
        if (s.running) setStage('running');
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  // While running, the engine says when the search ended, whoever started it.
  useEffect(() => {
    if (stage !== 'running') return;
    const timer = setInterval(() => {
      api.call('capacity.status', {}).then(
        (s) => {
          if (s.running || !s.last) return;
          setResult(s.last);
          setStage((current) => (current === 'running' ? 'done' : current));
        },
        () => undefined,
      );
    }, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [api, stage]);

  const open = async () => {
    setError(null);
    try {
      setStatus(await api.call('capacity.status', {}));
      setStage('confirm');
    } catch (e) {
      setError(toError(e));
    }
  };
  const start = async () => {
    setError(null);
    setStage('running');
    try {
      setResult(await api.call('capacity.start', { confirm: true }));
      setStage('done');
    } catch (e) {
      setError(toError(e));
      setStage('confirm');
    }
  };
  const cancel = () => void api.call('capacity.cancel', {}).catch((e: unknown) => setError(toError(e)));
  const close = () => setStage('closed');

  const disabledWhy = !ready
    ? 'Connect to a database first'
    : workloadRate === null
      ? 'Start the workload first: the search ramps its rate'
      : null;
  return (
    <>
      <button
        type="button"
        disabled={disabledWhy !== null}
        onClick={() => void open()}
        title={disabledWhy ?? 'Ramp the workload step by step until a success metric fails, after you confirm'}
      >
        Find capacity
      </button>
      {stage === 'closed' && error && <EngineErrorText error={error} />}
      {stage === 'confirm' && status && (
        <ConfirmDialog
          title="Find capacity"
          confirmLabel="Drive the load up"
          dismissLabel="Not now"
          wide
          onDismiss={close}
          onConfirm={() => void start()}
        >
          <p>{describePlan(status.defaults, workloadRate ?? status.defaults.startRate)}</p>
          {error && <EngineErrorText error={error} />}
        </ConfirmDialog>
      )}
      {stage === 'running' && (
        <StageDialog
          title="Finding capacity…"
          actions={
            <button type="button" className="button--danger" onClick={cancel} autoFocus>
              Cancel the search
            </button>
          }
        >
          <ProgressBar label="Find capacity" progress={task} />
          {error && <EngineErrorText error={error} />}
        </StageDialog>
      )}
      {stage === 'done' && result && (
        <StageDialog
          title={capacityHeadline(result)}
          actions={
            <button type="button" onClick={close} autoFocus>
              Close
            </button>
          }
        >
          <StepsTable result={result} />
          {describeWarmup(result) && <p className="field__help">{describeWarmup(result)}</p>}
          <p className="field__help">{ENDED_TEXT[result.ended]}</p>
          <p className="field__help">
            Throughput is judged against each step&apos;s own rate (90% of it served every second, nothing shed). The seed&apos;s goal of
            more than {formatRate(result.throughputGoal)} is {result.meetsThroughputGoal ? 'met' : 'not met'}.
          </p>
        </StageDialog>
      )}
    </>
  );
}
