/** What the connection form is doing; its buttons are disabled meanwhile and the one at work says so. */
export type ConnectionFormBusy = null | 'test' | 'save' | 'connect';

interface ConnectionFormActionsProps {
  busy: ConnectionFormBusy;
  onTest(): void;
  /** Save without connecting: offered when editing a saved profile. */
  onSave?: (() => void) | undefined;
  onCancel?: (() => void) | undefined;
}

/** The connection form's buttons: test, save (when editing), save and connect (the form's submit), cancel. */
export function ConnectionFormActions({ busy, onTest, onSave, onCancel }: ConnectionFormActionsProps) {
  return (
    <div className="form-actions">
      <button type="button" onClick={onTest} disabled={busy !== null}>
        {busy === 'test' ? 'Testing…' : 'Test connection'}
      </button>
      {onSave && (
        <button type="button" onClick={onSave} disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
      )}
      <button type="submit" className="button--primary" disabled={busy !== null}>
        {busy === 'connect' ? 'Connecting…' : 'Save and connect'}
      </button>
      {onCancel && (
        <button type="button" className="button--quiet" onClick={onCancel} disabled={busy !== null}>
          Cancel
        </button>
      )}
    </div>
  );
}
