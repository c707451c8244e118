import { useEngineStatus, usePageState, usePageStore, useTelemetry } from '../app/console-context.ts';
import { CACHE_STORE } from '../state/cache-store.ts';
import { CacheActions } from '../components/cache-actions.tsx';
import { CacheChurnChart, CacheHitRateChart, CacheMemoryChart } from '../components/cache-charts.tsx';
import { CacheTiers } from '../components/cache-tiers.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { WindowSelector } from '../components/window-selector.tsx';
import { usePolling } from '../hooks/use-polling.ts';

/** The multi-tier cache: hit rate per tier over time, the L1's memory and churn, and flush, warm and resize. */
export function CachePage() {
  const cache = usePageStore(CACHE_STORE);
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const status = usePageState(CACHE_STORE, (s) => s.status);
  const statusError = usePageState(CACHE_STORE, (s) => s.statusError);
  const series = useTelemetry((s) => s.cacheSeries);

  usePolling(cache, connected);

  return (
    <div className="page page--cache">
      <div className="page__header">
        <h1>Cache</h1>
        <div className="page__tools">
          <WindowSelector />
        </div>
      </div>
      {!connected && known ? (
        <NotConnectedState what="The cache" />
      ) : (
        <>
          <section className="card" aria-labelledby="cache-tiers-heading">
            <h2 id="cache-tiers-heading" className="section-title">
              Tiers <span className="section-title__note">fastest first; reads fall through and promote what they find</span>
            </h2>
            {statusError ? (
              <EngineErrorText error={statusError} />
            ) : !status ? (
              <EmptyState title="Loading the cache…" />
            ) : !status.enabled ? (
              <EmptyState title="The cache is off">
                Hotpath was started with --no-cache: cached templates go to the database every time.
              </EmptyState>
            ) : (
              <>
                <CacheTiers status={status} />
                <CacheActions status={status} />
              </>
            )}
          </section>
          <div className="overview-grid__charts">
            <CacheHitRateChart series={series} />
            <CacheMemoryChart series={series} />
            <CacheChurnChart series={series} />
          </div>
        </>
      )}
    </div>
  );
}
