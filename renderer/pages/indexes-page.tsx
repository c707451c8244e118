import { useAdvisor, useEngineStatus, useServices } from '../app/console-context.ts';
import { AnalyzeForm } from '../components/analyze-form.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { IndexBuildProgress } from '../components/index-build-progress.tsx';
import { IndexFindings } from '../components/index-findings.tsx';
import { IndexHistory } from '../components/index-history.tsx';
import { IndexProposals } from '../components/index-proposals.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { SkippedStatements } from '../components/skipped-statements.tsx';
import { formatBytes, formatClock } from '../format/units.ts';
import { usePolling } from '../hooks/use-polling.ts';

/**
 * The index advisor: proposals with their DDL and gains, the statements not analyzed and why, builds with progress,
 * history with rollback (and the drop of what a failed build left), findings.
 */
export function IndexesPage() {
  const { advisor } = useServices();
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const report = useAdvisor((s) => s.report);
  const history = useAdvisor((s) => s.history);
  const readOnly = useAdvisor((s) => s.readOnly);
  const analyzing = useAdvisor((s) => s.analyzing);
  const error = useAdvisor((s) => s.error);
  const progress = useAdvisor((s) => s.progress);
  const proposalNames = new Set(report?.proposals.map((p) => p.name) ?? []);
  // Builds started elsewhere (Optimize, another console) that are not among the proposals shown.
  const otherBuilds = Object.values(progress).filter((p) => !proposalNames.has(p.name));

  usePolling(advisor, connected);

  return (
    <div className="page page--indexes">
      <div className="page__header">
        <h1>Indexes</h1>
        <div className="page__tools">
          <AnalyzeForm
            onAnalyze={(budgetBytes) => void advisor.getState().analyze(budgetBytes)}
            disabled={!connected}
            analyzing={analyzing}
            analyzedBefore={report !== null}
          />
        </div>
      </div>
      {!connected && known ? (
        <NotConnectedState what="The index advisor" />
      ) : (
        <>
          {error && <EngineErrorText error={error} />}
          <section className="card" aria-labelledby="proposals-heading">
            <h2 id="proposals-heading" className="section-title">
              Proposals{' '}
              {report && (
                <span className="section-title__note">
                  {report.statements} statement{report.statements === 1 ? '' : 's'} analyzed
                  {report.skipped.length > 0 && `, ${report.skipped.length} not analyzed (listed below)`} at {formatClock(report.at)} ·{' '}
                  {report.method === 'hypopg' ? 'what-if costs from HypoPG' : 'estimated costs (no HypoPG on this server)'}
                  {' · '}proposals take {formatBytes(report.budget.proposedBytes)} of a {formatBytes(report.budget.bytes)} budget
                  {report.budget.source === 'default' ? " (half the database's size)" : ''}
                  {readOnly && ' · read-only mode: nothing is built'}
                </span>
              )}
            </h2>
            {report && (
              <p className="field__help" data-testid="advisor-method">
                {report.methodNote}
              </p>
            )}
            {otherBuilds.map((p) => (
              <IndexBuildProgress key={p.name} progress={p} />
            ))}
            {!report ? (
              <EmptyState title={analyzing ? 'Analyzing the workload…' : 'No analysis yet'}>
                The advisor reads the statements that matter (pg_stat_statements and the running workload), plans them, and proposes the
                indexes that would serve them best, with their cost. Nothing changes until you build one.
              </EmptyState>
            ) : report.proposals.length === 0 ? (
              <EmptyState title="No index would help enough">
                The workload's statements are served by existing indexes, or no candidate saves enough.
              </EmptyState>
            ) : (
              <IndexProposals proposals={report.proposals} readOnly={readOnly} />
            )}
          </section>
          {report && <SkippedStatements skipped={report.skipped} />}
          <section className="card" aria-labelledby="history-heading">
            <h2 id="history-heading" className="section-title">
              Built by Hotpath
            </h2>
            <IndexHistory entries={history} readOnly={readOnly} />
          </section>
          <section className="card" aria-labelledby="findings-heading">
            <h2 id="findings-heading" className="section-title">
              Existing indexes worth a look
            </h2>
            {report ? (
              <IndexFindings findings={report.findings} />
            ) : (
              <p className="field__help">Analyze the workload to check the existing indexes.</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
