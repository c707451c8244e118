import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  /** Buttons that lead out of the empty state. */
  actions?: ReactNode;
  testId?: string;
}

/** What a panel shows when it has nothing to show yet: why, and what to do about it. */
export function EmptyState({ title, children, actions, testId }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="empty-state__title">{title}</p>
      {children && <div className="empty-state__body">{children}</div>}
      {actions && <div className="empty-state__actions">{actions}</div>}
    </div>
  );
}
