import { useMemo } from 'react';
import { useEngineStatus, usePageState, usePageStore } from '../app/console-context.ts';
import { PLANNER_STORE } from '../state/planner-store.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { PlannerActions } from '../components/planner-actions.tsx';
import { PlannerChoicesChart, PlannerLatencyChart, PlannerPredictionScatter, PlannerRegretChart } from '../components/planner-charts.tsx';
import { PlannerPlansTable } from '../components/planner-plans-table.tsx';
import { PlannerStateBanner, PlannerVectorPath } from '../components/planner-state-banner.tsx';
import { PlannerTiles } from '../components/planner-tiles.tsx';
import { usePolling } from '../hooks/use-polling.ts';
import { planNamesOf } from '../state/planner-series.ts';

/**
 * The learned plan selector: which plan it picks for each hybrid query over time, how well the model predicts
 * latency, its regret against the best plan per query and against the best single fixed plan, the plans side by
 * side, and retrain / reset. Everything comes from `planner.status` (polled every 2 s while shown), which carries
 * its own 15-minute timeline in 10-second buckets, so the page has no window selector.
 */
export function PlannerPage() {
  const planner = usePageStore(PLANNER_STORE);
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const status = usePageState(PLANNER_STORE, (s) => s.status);
  const statusError = usePageState(PLANNER_STORE, (s) => s.statusError);
  const plans = useMemo(() => (status ? planNamesOf(status) : []), [status]);

  usePolling(planner, connected);

  const off = (!connected && known) || status?.state === 'off';
  return (
    <div className="page page--planner">
      <div className="page__header">
        <h1>Planner</h1>
      </div>
      {off ? (
        <NotConnectedState what="The plan selector" />
      ) : (
        <>
          {/* A failed poll keeps the last status on screen, with the error above it. */}
          {statusError && <EngineErrorText error={statusError} />}
          {!status ? (
            !statusError && <EmptyState title="Loading the plan selector…" />
          ) : (
            <>
              <PlannerStateBanner status={status} />
              <section className="card" aria-labelledby="planner-now-heading">
                <h2 id="planner-now-heading" className="section-title">
                  Now{' '}
                  <span className="section-title__note">since the engine started or the last reset; regret from the oracle samples</span>
                </h2>
                <PlannerTiles status={status} />
                <PlannerVectorPath status={status} />
              </section>
              <section className="card" aria-labelledby="planner-actions-heading">
                <h2 id="planner-actions-heading" className="section-title">
                  Model{' '}
                  <span className="section-title__note">training runs in a background worker; the selector keeps choosing meanwhile</span>
                </h2>
                <PlannerActions status={status} />
              </section>
              <div className="overview-grid__charts">
                <PlannerChoicesChart status={status} plans={plans} />
                <PlannerLatencyChart status={status} />
                <PlannerRegretChart status={status} />
                <PlannerPredictionScatter status={status} plans={plans} />
              </div>
              <section className="card" aria-labelledby="planner-plans-heading">
                <h2 id="planner-plans-heading" className="section-title">
                  Plans <span className="section-title__note">all return the same rows; they differ only in how fast</span>
                </h2>
                <PlannerPlansTable status={status} plans={plans} />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
