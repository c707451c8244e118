import { useState } from 'react';
import type { IndexProposalPayload } from '../../main/contract/advisor.ts';
import { useAdvisor, useServices } from '../app/console-context.ts';
import { formatBytes, formatShare } from '../format/units.ts';
import { IndexBuildProgress } from './index-build-progress.tsx';
import { ExplainPanel } from './explain-statement.tsx';

/** The advisor's proposals: the DDL, the statements each serves with the cost before → after, gain, size, write cost, and Build. */
export function IndexProposals({ proposals, readOnly }: { proposals: readonly IndexProposalPayload[]; readOnly: boolean }) {
  const { advisor } = useServices();
  const building = useAdvisor((s) => s.building);
  const progress = useAdvisor((s) => s.progress);
  const outcomes = useAdvisor((s) => s.outcomes);
  const history = useAdvisor((s) => s.history);
  const built = new Set(history.filter((e) => e.status === 'built').map((e) => e.name));
  // The proposal whose first statement's plan without and with the index is shown (database.explain, HypoPG).
  const [planning, setPlanning] = useState<string | null>(null);
  return (
    <ul className="index-list" data-testid="index-proposals">
      {proposals.map((p) => {
        const running = building.includes(p.name) || progress[p.name] !== undefined;
        const outcome = outcomes[p.name];
        const isBuilt = built.has(p.name);
        return (
          <li key={p.name} className="index-card" data-testid={`proposal-${p.name}`}>
            <p className="index-card__reason">{p.reason}</p>
            <pre className="index-card__ddl">
              <code>{p.ddl}</code>
            </pre>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Serves</th>
                  <th scope="col" className="num">
                    Planner cost before → after
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.serves.map((s, i) => (
                  <tr key={i}>
                    <th scope="row" className="data-table__name" title={s.query}>
                      {s.template ?? s.query.slice(0, 80)}
                    </th>
                    <td className="num">
                      {s.costBefore.toFixed(0)} → {s.costAfter.toFixed(0)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="field__help">
              Estimated gain {formatShare(p.estimatedGain.share)} of the workload's cost · size about {formatBytes(p.estimatedSizeBytes)} ·
              writes to {p.table} {p.writeCost.writesPerSecond.toFixed(1)}/s, each about {formatShare(p.writeCost.overheadShare)} slower
            </p>
            {running && progress[p.name] && <IndexBuildProgress progress={progress[p.name]!} />}
            {outcome && !running && (
              <p className={outcome.status === 'built' ? 'index-card__ok' : 'error-text'} role="status">
                {outcome.message}
              </p>
            )}
            <div className="form-actions">
              {running ? (
                <button type="button" className="button--danger" onClick={() => void advisor.getState().cancelBuild(p.name)}>
                  Cancel build
                </button>
              ) : (
                <button
                  type="button"
                  className="button--primary"
                  disabled={readOnly || isBuilt}
                  title={readOnly ? 'Read-only mode: Hotpath runs no DDL' : undefined}
                  onClick={() => void advisor.getState().build(p.name)}
                >
                  {isBuilt ? 'Built' : 'Build'}
                </button>
              )}
              <button type="button" aria-label={`Plan before and after ${p.name}`} onClick={() => setPlanning(p.name)}>
                Plan before/after
              </button>
            </div>
            {planning === p.name && (
              <ExplainPanel params={{ proposal: p.name }} title={`Plan without and with ${p.name}`} onClose={() => setPlanning(null)} />
            )}
          </li>
        );
      })}
    </ul>
  );
}
