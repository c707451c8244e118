import type { PlanNamePayload, PlannerStatusPayload } from '../../main/contract/planner.ts';
import { formatCount, formatMs, formatShare } from '../format/units.ts';
import { planColor } from './planner-charts.tsx';

/**
 * Every candidate plan: what it does, how often the selector chose it (with its share as a bar), its measured mean
 * latency when chosen, and the model's observations of it. The best fixed plan is tagged.
 */
export function PlannerPlansTable({ status, plans }: { status: PlannerStatusPayload; plans: readonly PlanNamePayload[] }) {
  const total = status.plans.reduce((sum, p) => sum + p.chosen, 0);
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="planner-plans">
        <thead>
          <tr>
            <th scope="col">Plan</th>
            <th scope="col">What it does</th>
            <th scope="col" className="num">
              Chosen
            </th>
            <th scope="col">Share of queries</th>
            <th scope="col" className="num">
              Mean when chosen
            </th>
            <th scope="col" className="num">
              Observations
            </th>
          </tr>
        </thead>
        <tbody>
          {status.plans.map((plan) => {
            const share = total > 0 ? plan.chosen / total : 0;
            return (
              <tr key={plan.name} data-testid={`planner-plan-${plan.name}`}>
                <th scope="row">
                  <span aria-hidden="true" style={{ color: planColor(plans, plan.name) }}>
                    ●{' '}
                  </span>
                  {plan.name}
                  {status.regret.bestFixedPlan === plan.name && (
                    <>
                      {' '}
                      <span className="tag tag--good" title="The fastest plan on average over the oracle samples">
                        best fixed
                      </span>
                    </>
                  )}
                </th>
                <td>{plan.description}</td>
                <td className="num">{formatCount(plan.chosen)}</td>
                <td className="share-cell">
                  <span className="share-bar" aria-hidden="true">
                    <span className="share-bar__fill" style={{ width: `${share * 100}%` }} />
                  </span>
                  <span className="share-cell__text">{formatShare(share)}</span>
                </td>
                <td className="num">{plan.meanMs === null ? '—' : formatMs(plan.meanMs)}</td>
                <td className="num">{formatCount(status.model.perPlan[plan.name] ?? 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
