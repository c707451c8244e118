import { useEngineStatus, usePageState, usePageStore, useTelemetry } from '../app/console-context.ts';
import { DATABASE_STORE } from '../state/database-store.ts';
import { ActivityTable } from '../components/activity-table.tsx';
import { DatabaseRatesCharts } from '../components/database-rates-charts.tsx';
import { DatabaseSizesTables } from '../components/database-sizes.tsx';
import { LockTreeTable } from '../components/lock-tree.tsx';
import { RedisOverviewView } from '../components/redis-overview.tsx';
import { RedisHistoryCharts } from '../components/redis-history-charts.tsx';
import { ReplicationLagTable } from '../components/replica-lag.tsx';
import { VacuumHealthTables } from '../components/vacuum-health.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { TopStatementsTable } from '../components/top-statements-table.tsx';
import { usePolling } from '../hooks/use-polling.ts';

/**
 * The database's own view, in the order an operator looks: who blocks whom, the database's rates, where its time
 * goes, who is connected (with cancel and terminate), then sizes with bloat, vacuum/wraparound upkeep, and the Redis.
 */
export function DatabasePage() {
  const database = usePageStore(DATABASE_STORE);
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');
  const known = useEngineStatus((s) => s.status !== null);
  const top = usePageState(DATABASE_STORE, (s) => s.top);
  const topError = usePageState(DATABASE_STORE, (s) => s.topError);
  const activity = usePageState(DATABASE_STORE, (s) => s.activity);
  const activityError = usePageState(DATABASE_STORE, (s) => s.activityError);
  const locks = usePageState(DATABASE_STORE, (s) => s.locks);
  const locksError = usePageState(DATABASE_STORE, (s) => s.locksError);
  const rates = usePageState(DATABASE_STORE, (s) => s.rates);
  const ratesError = usePageState(DATABASE_STORE, (s) => s.ratesError);
  const sizes = usePageState(DATABASE_STORE, (s) => s.sizes);
  const sizesError = usePageState(DATABASE_STORE, (s) => s.sizesError);
  const vacuum = usePageState(DATABASE_STORE, (s) => s.vacuum);
  const vacuumError = usePageState(DATABASE_STORE, (s) => s.vacuumError);
  const redis = usePageState(DATABASE_STORE, (s) => s.redis);
  const redisError = usePageState(DATABASE_STORE, (s) => s.redisError);
  const redisHistory = usePageState(DATABASE_STORE, (s) => s.redisHistory);
  // Read replicas' lag comes with each telemetry snapshot (the pool's servers): no polling of its own.
  const replicaServers = useTelemetry((s) => s.latestPool?.servers);

  // Poll only while this page is shown and a stack is connected (the store also pauses while the document is hidden).
  usePolling(database, connected);

  return (
    <div className="page page--database">
      <div className="page__header">
        <h1>Database</h1>
        <p className="page__note">Refreshed every 2 s (sizes, vacuum and Redis every 30 s)</p>
      </div>
      {!connected && known ? (
        <NotConnectedState what="The database view" />
      ) : (
        <>
          <section className="card" aria-labelledby="locks-heading">
            <h2 id="locks-heading" className="section-title">
              Locks and blockers
            </h2>
            {locksError ? (
              <EngineErrorText error={locksError} />
            ) : locks ? (
              <LockTreeTable tree={locks} />
            ) : (
              <EmptyState title="Loading locks…" />
            )}
          </section>
          <section aria-labelledby="rates-heading">
            <h2 id="rates-heading" className="section-title">
              Database rates (pg_stat_database)
            </h2>
            {ratesError ? <EngineErrorText error={ratesError} /> : <DatabaseRatesCharts points={rates?.points ?? []} />}
          </section>
          <section className="card" aria-labelledby="top-statements-heading">
            <h2 id="top-statements-heading" className="section-title">
              Top statements
            </h2>
            {topError ? (
              <EngineErrorText error={topError} />
            ) : top ? (
              <TopStatementsTable top={top} />
            ) : (
              <EmptyState title="Loading statements…" />
            )}
          </section>
          <section className="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading" className="section-title">
              Connections
            </h2>
            {activityError ? (
              <EngineErrorText error={activityError} />
            ) : activity ? (
              <ActivityTable connections={activity.connections} />
            ) : (
              <EmptyState title="Loading connections…" />
            )}
          </section>
          <section className="card" aria-labelledby="sizes-heading">
            <h2 id="sizes-heading" className="section-title">
              Table and index sizes
            </h2>
            {sizesError ? (
              <EngineErrorText error={sizesError} />
            ) : sizes ? (
              <DatabaseSizesTables sizes={sizes} />
            ) : (
              <EmptyState title="Loading sizes…" />
            )}
          </section>
          <section className="card" aria-labelledby="vacuum-heading">
            <h2 id="vacuum-heading" className="section-title">
              Vacuum and wraparound
            </h2>
            {vacuumError ? (
              <EngineErrorText error={vacuumError} />
            ) : vacuum ? (
              <VacuumHealthTables health={vacuum} />
            ) : (
              <EmptyState title="Loading vacuum figures…" />
            )}
          </section>
          {replicaServers?.some((s) => s.lag !== undefined) && (
            <section className="card" aria-labelledby="replication-heading">
              <h2 id="replication-heading" className="section-title">
                Replication <span className="section-title__note">lag of each read replica, measured every second</span>
              </h2>
              <ReplicationLagTable servers={replicaServers} />
            </section>
          )}
          <section className="card" aria-labelledby="redis-heading">
            <h2 id="redis-heading" className="section-title">
              Redis
            </h2>
            {redisError ? (
              <EngineErrorText error={redisError} />
            ) : redis ? (
              <>
                {redis.available && <RedisHistoryCharts points={redisHistory} />}
                <RedisOverviewView overview={redis} />
              </>
            ) : (
              <EmptyState title="Loading Redis figures…" />
            )}
          </section>
        </>
      )}
    </div>
  );
}
