import type { VacuumHealth } from '../../main/contract/database.ts';
import { formatAge, formatCount, formatShare } from '../format/units.ts';

/** An anti-wraparound autovacuum is forced at 100% of the freeze limit; from half of it, it is worth watching. */
const WATCH_SHARE = 0.5;

function ago(manual: number | null, auto: number | null): string {
  const newest = manual === null ? auto : auto === null ? manual : Math.min(manual, auto);
  if (newest === null) return 'never';
  return `${formatAge(newest)} ago${newest === auto ? ' (auto)' : ''}`;
}

function ShareOfFreeze({ share }: { share: number }) {
  return (
    <span className="share-cell">
      <span className="share-bar" aria-hidden="true">
        <span className="share-bar__fill" style={{ width: `${Math.min(100, Math.round(share * 100))}%` }} />
      </span>
      <span className={share >= WATCH_SHARE ? 'tag tag--bad' : undefined}>{formatShare(share)}</span>
    </span>
  );
}

/** Transaction-ID age per database and per table against the freeze limit, and each table's vacuum/analyze upkeep. */
export function VacuumHealthTables({ health }: { health: VacuumHealth }) {
  return (
    <>
      {health.notice && <p className="notice notice--warning">{health.notice}</p>}
      <div className="table-scroll">
        <table className="data-table" data-testid="wraparound">
          <caption>
            Transaction-ID age per database (autovacuum_freeze_max_age {formatCount(health.freezeMaxAge)}; wraparound at 2,147,483,648)
          </caption>
          <thead>
            <tr>
              <th scope="col">Database</th>
              <th scope="col" className="num">
                age(datfrozenxid)
              </th>
              <th scope="col">Of the freeze limit</th>
              <th scope="col" className="num">
                Of wraparound
              </th>
            </tr>
          </thead>
          <tbody>
            {health.databases.map((d) => (
              <tr key={d.name}>
                <td>{d.name}</td>
                <td className="num">{formatCount(d.xidAge)}</td>
                <td>
                  <ShareOfFreeze share={d.shareOfFreezeMax} />
                </td>
                <td className="num">{formatShare(d.shareOfWraparound)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-scroll">
        <table className="data-table" data-testid="vacuum-tables">
          <caption>Tables with the oldest transaction IDs and the most dead tuples</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col" className="num">
                Dead tuples
              </th>
              <th scope="col" className="num">
                Live tuples
              </th>
              <th scope="col" className="num">
                Changed since analyze
              </th>
              <th scope="col">Last vacuum</th>
              <th scope="col">Last analyze</th>
              <th scope="col" className="num">
                age(relfrozenxid)
              </th>
              <th scope="col">Of its freeze limit</th>
            </tr>
          </thead>
          <tbody>
            {health.tables.map((t) => (
              <tr key={`${t.schema}.${t.name}`}>
                <td>
                  {t.schema}.{t.name}
                </td>
                <td className="num">{formatCount(t.deadTuples)}</td>
                <td className="num">{formatCount(t.liveTuples)}</td>
                <td className="num">{formatCount(t.modifiedSinceAnalyze)}</td>
                <td>{ago(t.lastVacuumAgoMs, t.lastAutovacuumAgoMs)}</td>
                <td>{ago(t.lastAnalyzeAgoMs, t.lastAutoanalyzeAgoMs)}</td>
                <td className="num">{formatCount(t.xidAge)}</td>
                <td>
                  <ShareOfFreeze share={t.shareOfFreezeMax} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
