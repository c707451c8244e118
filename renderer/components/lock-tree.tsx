import type { LockTree } from '../../main/contract/database.ts';
import { formatAge } from '../format/units.ts';
import { EmptyState } from './empty-state.tsx';
import { TerminateBackendAction } from './terminate-backend-action.tsx';

function preview(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > 100 ? `${oneLine.slice(0, 99)}…` : oneLine;
}

/**
 * Who blocks whom (database.locks): each head blocker with the sessions waiting on it indented below, the lock each
 * waits for, for how long, and the query. A blocker can be terminated from here (after a confirmation).
 */
export function LockTreeTable({ tree }: { tree: LockTree }) {
  return (
    <>
      {tree.notice && (
        <p className="notice notice--warning" data-testid="locks-notice">
          {tree.notice}
        </p>
      )}
      {tree.sessions.length === 0 ? (
        <EmptyState title="No session is waiting for a lock" testId="locks-empty" />
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="lock-tree">
            <caption>Blocking sessions, each followed by the sessions that wait for it</caption>
            <thead>
              <tr>
                <th scope="col">pid</th>
                <th scope="col">User / application</th>
                <th scope="col">State</th>
                <th scope="col">Waits for</th>
                <th scope="col" className="num">
                  Waiting
                </th>
                <th scope="col" className="num">
                  Transaction age
                </th>
                <th scope="col">Query</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tree.sessions.map((s) => (
                <tr key={s.pid} data-depth={s.depth}>
                  <td className="num" style={{ paddingLeft: `${8 + s.depth * 20}px`, textAlign: 'left' }}>
                    {s.depth > 0 ? '└ ' : ''}
                    {s.pid}
                    {s.blocking > 0 && <span className="tag tag--bad">blocks {s.blocking}</span>}
                  </td>
                  <td>
                    {s.user ?? '—'} / {s.application || '—'}
                    {s.ours && <span className="tag">Hotpath</span>}
                  </td>
                  <td>{s.state ?? '—'}</td>
                  <td>{s.waitingFor ?? '—'}</td>
                  <td className="num">{s.waitingMs === null ? '—' : formatAge(s.waitingMs)}</td>
                  <td className="num">{s.transactionAgeMs === null ? '—' : formatAge(s.transactionAgeMs)}</td>
                  <td className="query-cell">
                    {s.queryVisible ? <code title={s.query}>{preview(s.query)}</code> : <em>hidden (another role’s)</em>}
                  </td>
                  <td>
                    {!s.ours && s.blocking > 0 && (
                      <TerminateBackendAction
                        pid={s.pid}
                        user={s.user}
                        query={s.queryVisible ? s.query : ''}
                        context={`It blocks ${s.blocking} session${s.blocking === 1 ? '' : 's'}.`}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
