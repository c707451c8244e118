import { useProfiles } from '../app/console-context.ts';

/** The host's warning about how secrets are kept (e.g. Linux's basic_text backend), when there is one. */
export function SecretStorageNotice() {
  const warning = useProfiles((s) => s.secretStorage?.warning ?? null);
  if (!warning) return null;
  return (
    <p className="notice notice--warning" role="note" data-testid="secret-storage-warning">
      {warning}
    </p>
  );
}
