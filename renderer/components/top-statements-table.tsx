import { useState } from 'react';
import type { TopStatements } from '../../main/contract/database.ts';
import { formatMsValue, formatRateValue, formatShare } from '../format/units.ts';
import { EmptyState } from './empty-state.tsx';
import { ExplainPanel } from './explain-statement.tsx';

/** Statements longer than this are cut in the table; the full text is on hover. */
const QUERY_PREVIEW_CHARS = 120;

function preview(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > QUERY_PREVIEW_CHARS ? `${oneLine.slice(0, QUERY_PREVIEW_CHARS - 1)}…` : oneLine;
}

/** The statements that take the database's time, from pg_stat_statements deltas; "Explain" shows one's plan below. */
export function TopStatementsTable({ top }: { top: TopStatements }) {
  const [explaining, setExplaining] = useState<string | null>(null);
  if (!top.available) {
    return (
      <EmptyState title="pg_stat_statements is not available" testId="top-statements-unavailable">
        <p>{top.reason ?? 'The server does not load pg_stat_statements.'}</p>
      </EmptyState>
    );
  }
  if (top.statements.length === 0) {
    return (
      <EmptyState title="No statements recorded yet" testId="top-statements-empty">
        Statements appear once the database has run some.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table className="data-table" data-testid="top-statements">
          <caption>
            Top statements by time
            {top.windowMs > 0 ? `, over the last ${Math.round(top.windowMs / 1000)} s` : ', since the statistics were reset'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Query</th>
              <th scope="col" className="num">
                calls/s
              </th>
              <th scope="col" className="num">
                mean ms
              </th>
              <th scope="col">Share of time</th>
              <th scope="col">
                <span className="visually-hidden">Plan</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {top.statements.map((s) => (
              <tr key={s.queryId}>
                <td className="query-cell">
                  <code title={s.query}>{preview(s.query)}</code>
                </td>
                <td className="num">{formatRateValue(s.callsPerSecond)}</td>
                <td className="num">{formatMsValue(s.meanMs)}</td>
                <td className="share-cell">
                  <span className="share-bar" aria-hidden="true">
                    <span className="share-bar__fill" style={{ width: `${Math.round(s.shareOfTotal * 100)}%` }} />
                  </span>
                  <span className="share-cell__text">{formatShare(s.shareOfTotal)}</span>
                </td>
                <td>
                  <button type="button" aria-label={`Explain statement ${s.queryId}`} onClick={() => setExplaining(s.queryId)}>
                    Explain
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {explaining !== null && (
        <ExplainPanel
          key={explaining}
          params={{ queryId: explaining }}
          title={`Plan of statement ${explaining}`}
          onClose={() => setExplaining(null)}
        />
      )}
    </>
  );
}
