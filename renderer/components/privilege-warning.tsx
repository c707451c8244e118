import type { PrivilegeReportPayload } from '../../main/contract/status.ts';

/**
 * What the connected role may not do (checked at connect, main/database/privileges.ts), beside the connection in
 * the header: a feature that will fail or see less is said before the operator meets it, with the statement that
 * fixes it. Nothing shows when every check passed.
 */
export function PrivilegeWarning({ privileges }: { privileges: PrivilegeReportPayload | undefined }) {
  const missing = privileges?.checks.filter((c) => !c.ok) ?? [];
  if (!privileges || missing.length === 0) return null;
  return (
    <details className="app-header__privileges" data-testid="privilege-warning">
      <summary>
        {missing.length} {missing.length === 1 ? 'feature is' : 'features are'} limited for {privileges.role}
      </summary>
      <ul>
        {missing.map((c) => (
          <li key={c.feature}>
            <strong>{c.feature}</strong>: {c.detail} {c.fix && <code>{c.fix};</code>}
          </li>
        ))}
      </ul>
    </details>
  );
}
