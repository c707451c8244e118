import type { IndexFindingPayload } from '../../main/contract/advisor.ts';

const KIND_TEXT = { unused: 'Unused', duplicate: 'Duplicate', invalid: 'Invalid' } as const;

/** Existing indexes worth a look: never used, duplicating another, left invalid. Shown with the DROP, never run unasked. */
export function IndexFindings({ findings }: { findings: readonly IndexFindingPayload[] }) {
  if (findings.length === 0)
    return (
      <p className="field__help" data-testid="index-findings">
        No unused, duplicate or invalid indexes found.
      </p>
    );
  return (
    <table className="data-table" data-testid="index-findings">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Index</th>
          <th scope="col">Why</th>
          <th scope="col">To remove it</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => (
          <tr key={`${f.schema}.${f.index}`}>
            <td>
              <span className={`tag${f.kind === 'invalid' ? ' tag--bad' : ''}`}>{KIND_TEXT[f.kind]}</span>
            </td>
            <th scope="row" className="data-table__name" title={f.definition}>
              {f.schema}.{f.index}
            </th>
            <td>{f.detail}</td>
            <td>
              <code>{f.dropDdl}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
