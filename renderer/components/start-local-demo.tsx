import { useState } from 'react';
import type { SeedReportPayload } from '../../main/contract/commands.ts';
import { useServices, useTaskProgress } from '../app/console-context.ts';
import { formatCount } from '../format/units.ts';
import { toError } from '../state/to-error.ts';
import { EngineErrorText } from './engine-error-text.tsx';
import { ProgressBar } from './progress-bar.tsx';

/** The demo data set the README promises: 200,000 chunks, about 10 s to seed. */
export const DEMO_CHUNKS = 200_000;

type Step =
  { kind: 'idle' } | { kind: 'stack' } | { kind: 'seed' } | { kind: 'done'; report: SeedReportPayload } | { kind: 'failed'; error: Error };

interface StartLocalDemoProps {
  onReady?(): void;
}

/**
 * "Start local demo stack": starts the embedded PostgreSQL (and a private Redis),
 * then seeds the demo schema, showing the engine's `task.progress` as it goes.
 */
export function StartLocalDemo({ onReady }: StartLocalDemoProps) {
  const { api, status, tasks } = useServices();
  const stackProgress = useTaskProgress((s) => s.tasks.stack);
  const seedProgress = useTaskProgress((s) => s.tasks.seed);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const running = step.kind === 'stack' || step.kind === 'seed';

  const start = async () => {
    tasks.getState().clear('stack');
    tasks.getState().clear('seed');
    setStep({ kind: 'stack' });
    try {
      await status.getState().run('stack.startLocal', {});
      setStep({ kind: 'seed' });
      const report = await api.call('demo.seed', { chunks: DEMO_CHUNKS });
      setStep({ kind: 'done', report });
      onReady?.();
    } catch (error) {
      setStep({ kind: 'failed', error: toError(error) });
    }
  };

  return (
    <div className="start-local">
      <button
        type="button"
        className="button--primary button--large"
        onClick={() => void start()}
        disabled={running || step.kind === 'done'}
      >
        Start local demo stack
      </button>
      {step.kind === 'stack' && <ProgressBar label="Starting the local stack" progress={stackProgress} />}
      {step.kind === 'seed' && <ProgressBar label="Seeding demo data" progress={seedProgress} />}
      {step.kind === 'done' && (
        <p role="status">
          Ready: {formatCount(step.report.chunks)} chunks and {formatCount(step.report.edges)} edges
          {step.report.reused ? ' (kept from the last run).' : '.'}
        </p>
      )}
      {step.kind === 'failed' && <EngineErrorText error={step.error} />}
    </div>
  );
}
