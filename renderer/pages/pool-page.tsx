import { useEngineStatus, usePageState, usePageStore, useTelemetry } from '../app/console-context.ts';
import { POOL_STORE } from '../state/pool-store.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { PoolConnectionsChart, PoolEfficiencyChart, PoolWaitChart } from '../components/pool-charts.tsx';
import { PoolLeaks } from '../components/pool-leaks.tsx';
import { PoolServers } from '../components/pool-servers.tsx';
import { PoolSettingsForm } from '../components/pool-settings-form.tsx';
import { PoolSizeForm } from '../components/pool-size-form.tsx';
import { WindowSelector } from '../components/window-selector.tsx';
import { usePolling } from '../hooks/use-polling.ts';

/** The workload pool: waits per lane, connections, efficiency over time; its size and session settings, changeable. */
export function PoolPage() {
  const pool = usePageStore(POOL_STORE);
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const status = usePageState(POOL_STORE, (s) => s.status);
  const statusError = usePageState(POOL_STORE, (s) => s.statusError);
  const lastResult = usePageState(POOL_STORE, (s) => s.lastResult);
  const actionError = usePageState(POOL_STORE, (s) => s.actionError);
  const series = useTelemetry((s) => s.poolSeries);
  const servers = useTelemetry((s) => s.latestPool?.servers);

  usePolling(pool, connected);

  return (
    <div className="page page--pool">
      <div className="page__header">
        <h1>Pool</h1>
        <div className="page__tools">
          <WindowSelector />
        </div>
      </div>
      {!connected && known ? (
        <NotConnectedState what="The pool" />
      ) : (
        <>
          <div className="overview-grid__charts">
            <PoolWaitChart series={series} />
            <PoolConnectionsChart series={series} />
            <PoolEfficiencyChart series={series} />
          </div>
          {servers && (
            <section className="card" aria-labelledby="pool-servers-heading">
              <h2 id="pool-servers-heading" className="section-title">
                Servers <span className="section-title__note">the workload&apos;s reads go to the read replicas</span>
              </h2>
              <PoolServers servers={servers} />
            </section>
          )}
          <section className="card" aria-labelledby="pool-size-heading">
            <h2 id="pool-size-heading" className="section-title">
              Size{' '}
              <span className="section-title__note">
                lanes: high (20% reserved), normal (the workload), low (warming and background work, at most half)
              </span>
            </h2>
            {statusError ? (
              <EngineErrorText error={statusError} />
            ) : status?.size ? (
              <PoolSizeForm size={status.size} />
            ) : (
              <EmptyState title="Loading the pool…" />
            )}
          </section>
          <section className="card" aria-labelledby="pool-settings-heading">
            <h2 id="pool-settings-heading" className="section-title">
              Session settings <span className="section-title__note">every pooled connection; the server checks each change</span>
            </h2>
            {status?.settings ? (
              <PoolSettingsForm settings={status.settings} />
            ) : (
              !statusError && <EmptyState title="Loading the settings…" />
            )}
            {actionError && <EngineErrorText error={actionError.error} />}
            {lastResult && !actionError && (
              <p className="cache-actions__result" role="status" data-testid="pool-action-result">
                {lastResult.message}
              </p>
            )}
          </section>
          <section className="card" aria-labelledby="pool-leaks-heading">
            <h2 id="pool-leaks-heading" className="section-title">
              Leaked connections
            </h2>
            {status ? <PoolLeaks leaks={status.leaks} /> : !statusError && <EmptyState title="Loading…" />}
          </section>
        </>
      )}
    </div>
  );
}
