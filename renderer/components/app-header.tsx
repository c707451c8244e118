import { useShallow } from 'zustand/react/shallow';
import { useEngineStatus } from '../app/console-context.ts';
import { formatServerVersion } from '../format/units.ts';
import { PrivilegeWarning } from './privilege-warning.tsx';
import { StackStatusBadge } from './stack-status-badge.tsx';
import { ThemeToggle } from './theme-toggle.tsx';
import { OptimizeButton, OptimizeDialog } from './optimize-dialog.tsx';

/** The connection in use, the stack's status, and the console-wide actions. */
export function AppHeader() {
  const stack = useEngineStatus(useShallow((s) => s.status?.stack ?? null));
  const ready = useEngineStatus((s) => s.status?.phase === 'ready');
  return (
    <header className="app-header">
      <div className="app-header__connection" data-testid="connection-in-use">
        {stack ? (
          <>
            <span className="app-header__kind">{stack.kind === 'local' ? 'Local demo stack' : 'Your database'}</span>
            <code className="app-header__url" title={stack.pgDisplayUrl}>
              {stack.pgDisplayUrl}
            </code>
            <span className="app-header__meta">
              PostgreSQL {formatServerVersion(stack.serverVersion)} · {stack.redisUrl ? 'Redis connected' : 'no Redis'}
            </span>
            <PrivilegeWarning privileges={stack.privileges} />
          </>
        ) : (
          <span className="app-header__kind">No database connected</span>
        )}
      </div>
      <StackStatusBadge />
      <div className="app-header__actions" data-testid="header-actions">
        <OptimizeButton disabled={!ready} />
        <ThemeToggle />
      </div>
      <OptimizeDialog />
    </header>
  );
}
