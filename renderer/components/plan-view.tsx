import type { ExplainedPlan, PlanNodeView, StatementPlan } from '../../main/contract/database.ts';
import { formatCount } from '../format/units.ts';

function cost(n: number): string {
  return n.toFixed(2);
}

/** The nodes in tree order with their depth: one table row each, indented like the lock tree. */
function flatten(node: PlanNodeView, depth = 0, out: { node: PlanNodeView; depth: number }[] = []) {
  out.push({ node, depth });
  for (const child of node.children) flatten(child, depth + 1, out);
  return out;
}

/**
 * One EXPLAIN plan (never ANALYZE: estimates only) as a tree: each node's type, the relation and index it reads, the
 * planner's estimated rows and its cost (startup..total), with its conditions; the server's JSON and EXPLAIN's text
 * layout below, folded.
 */
export function PlanTree({ plan, testId }: { plan: ExplainedPlan; testId: string }) {
  return (
    <div data-testid={testId}>
      <div className="table-scroll">
        <table className="data-table">
          <caption>Estimated plan (total cost {cost(plan.totalCost)})</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Reads</th>
              <th scope="col" className="num">
                est. rows
              </th>
              <th scope="col" className="num">
                cost
              </th>
            </tr>
          </thead>
          <tbody>
            {flatten(plan.root).map(({ node, depth }, i) => (
              <tr key={i} data-depth={depth}>
                <td style={{ paddingLeft: `${8 + depth * 20}px` }}>
                  {depth > 0 ? '└ ' : ''}
                  {node.nodeType}
                  {node.details.map((d) => (
                    <div key={d} className="field__help">
                      <code>{d}</code>
                    </div>
                  ))}
                </td>
                <td>
                  {node.relation ?? '—'}
                  {node.index && <div className="field__help">using {node.index}</div>}
                </td>
                <td className="num">{formatCount(Math.round(node.rows))}</td>
                <td className="num">
                  {cost(node.startupCost)}..{cost(node.totalCost)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>EXPLAIN text</summary>
        <pre>
          <code>{plan.text}</code>
        </pre>
      </details>
      <details>
        <summary>Raw JSON</summary>
        <pre>
          <code>{plan.json}</code>
        </pre>
      </details>
    </div>
  );
}

/** The cost change a hypothetical index makes: `1234.50 → 8.31 (−99.3%)`. */
export function costChange(before: number, after: number): string {
  // One decimal: a 3,942 → 5.5 drop reads −99.9%, not a −100% no index can reach.
  const change = before > 0 ? Math.round(((after - before) / before) * 1000) / 10 : 0;
  return `${cost(before)} → ${cost(after)} (${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change).toFixed(1)}%)`;
}

/**
 * database.explain's answer: the plan of the statement as the role that ran it, or why it was not planned (the
 * advisor's reason: another role's statement while untrusted functions exist, a missing grant…); with a proposal,
 * the plan without and with its index as a hypothetical one and the cost change, or why that cannot be shown.
 */
export function StatementPlanView({ result }: { result: StatementPlan }) {
  if (!result.planned) {
    return (
      <div className="notice notice--warning" role="status" data-testid="plan-refused">
        <p>Not explained: {result.reason}</p>
      </div>
    );
  }
  const whatIf = result.whatIf;
  return (
    <div data-testid="statement-plan">
      <p className="field__help">
        Generic plan (EXPLAIN, never ANALYZE: nothing ran), planned as {result.plannedAs ?? "Hotpath's role"} in a read-only transaction
        that was rolled back.
      </p>
      <pre className="index-card__ddl">
        <code>{result.query}</code>
      </pre>
      {whatIf === null ? (
        result.plan && <PlanTree plan={result.plan} testId="plan-tree" />
      ) : whatIf.hypopg && whatIf.before && whatIf.after ? (
        <>
          <p role="status" data-testid="plan-cost-change">
            With <code>{whatIf.ddl}</code> (hypothetical, HypoPG): cost {costChange(whatIf.before.totalCost, whatIf.after.totalCost)}
          </p>
          <h3 className="section-title">Without the index</h3>
          <PlanTree plan={whatIf.before} testId="plan-before" />
          <h3 className="section-title">With the index</h3>
          <PlanTree plan={whatIf.after} testId="plan-after" />
        </>
      ) : (
        <>
          <p className="notice notice--warning" data-testid="plan-no-hypopg">
            {whatIf.note}
          </p>
          {result.plan && <PlanTree plan={result.plan} testId="plan-tree" />}
        </>
      )}
    </div>
  );
}
