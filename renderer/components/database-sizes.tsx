import type { DatabaseSizes } from '../../main/contract/database.ts';
import { formatBytes, formatCount, formatShare } from '../format/units.ts';

/** The largest tables with their bloat estimate, and the largest indexes with their scans (database.sizes). */
export function DatabaseSizesTables({ sizes }: { sizes: DatabaseSizes }) {
  return (
    <>
      {sizes.notice && (
        <p className="notice notice--warning" data-testid="sizes-notice">
          {sizes.notice}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table" data-testid="table-sizes">
          <caption>Largest tables (database: {formatBytes(sizes.databaseBytes)})</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col" className="num">
                Heap
              </th>
              <th scope="col" className="num">
                Indexes
              </th>
              <th scope="col" className="num">
                TOAST
              </th>
              <th scope="col" className="num">
                Rows (est.)
              </th>
              <th scope="col">Bloat (est.)</th>
            </tr>
          </thead>
          <tbody>
            {sizes.tables.map((t) => (
              <tr key={`${t.schema}.${t.name}`}>
                <td>
                  {t.schema}.{t.name}
                </td>
                <td className="num">{formatBytes(t.totalBytes)}</td>
                <td className="num">{formatBytes(t.tableBytes)}</td>
                <td className="num">{formatBytes(t.indexBytes)}</td>
                <td className="num">{formatBytes(t.toastBytes)}</td>
                <td className="num">{t.rows === null ? '—' : formatCount(t.rows)}</td>
                <td className="share-cell" title={t.bloatUnknown ?? undefined}>
                  {t.bloatBytes === null || t.bloatShare === null ? (
                    <span>unknown: {t.bloatUnknown}</span>
                  ) : (
                    <>
                      <span className="share-bar" aria-hidden="true">
                        <span className="share-bar__fill" style={{ width: `${Math.round(t.bloatShare * 100)}%` }} />
                      </span>
                      <span>
                        {formatBytes(t.bloatBytes)} ({formatShare(t.bloatShare)})
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="page__note">{sizes.bloatMethod}</p>
      <div className="table-scroll">
        <table className="data-table" data-testid="index-sizes">
          <caption>Largest indexes</caption>
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col">Table</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Scans
              </th>
              <th
                scope="col"
                className="num"
                title="B-tree indexes: bytes beyond what their rows need at the fillfactor (statistics-based)"
              >
                Bloat (est.)
              </th>
            </tr>
          </thead>
          <tbody>
            {sizes.indexes.map((i) => (
              <tr key={`${i.schema}.${i.name}`}>
                <td>
                  {i.schema}.{i.name}
                  {i.unique && <span className="tag">unique</span>}
                  {i.scans === 0 && !i.unique && <span className="tag tag--bad">never scanned</span>}
                </td>
                <td>{i.table}</td>
                <td className="num">{formatBytes(i.bytes)}</td>
                <td className="num">{formatCount(i.scans)}</td>
                <td className="num">
                  {i.bloatBytes == null ? '—' : `${formatBytes(i.bloatBytes)} (${formatShare(i.bytes > 0 ? i.bloatBytes / i.bytes : 0)})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
