import { useId } from 'react';
import type { SecretStorage } from '../../main/contract/profiles.ts';

interface RememberPasswordFieldProps {
  checked: boolean;
  onChange(checked: boolean): void;
  secretStorage: SecretStorage | null;
  /** False where the page already shows the host's warning (the Connections page does). */
  showWarning?: boolean;
}

/** Where a remembered password goes, in the user's words, for each way this host keeps secrets. */
export function describeSecretStorage(storage: SecretStorage | null): string {
  if (!storage) return 'Checking where passwords can be kept…';
  if (!storage.canPersist) {
    return storage.kind === 'safeStorage'
      ? 'This computer offers no encrypted storage, so passwords are kept in memory only until Hotpath quits.'
      : 'Passwords cannot be saved here (start hotpath with HOTPATH_SECRET_KEY set to allow it), so they are kept in memory only until hotpath stops.';
  }
  if (storage.kind === 'safeStorage')
    return "Saved encrypted with your operating system's keychain (Electron safeStorage), on this computer only.";
  if (storage.kind === 'env-key')
    return 'Saved on the machine that runs hotpath, encrypted with the key in its HOTPATH_SECRET_KEY environment variable.';
  return 'Passwords are kept in memory only until hotpath stops.';
}

/**
 * "Remember password": off by default. Unticked, the password stays in the engine's
 * memory for this session and the saved profile keeps only the rest of the URL.
 */
export function RememberPasswordField({ checked, onChange, secretStorage, showWarning = true }: RememberPasswordFieldProps) {
  const id = useId();
  const canPersist = secretStorage?.canPersist ?? false;
  const warning = showWarning ? (secretStorage?.warning ?? null) : null;
  // When nothing can be saved, the host's own warning is the better explanation (it names the fix).
  return (
    <div className="field field--checkbox">
      <div className="field__control">
        <input
          id={id}
          type="checkbox"
          checked={checked && canPersist}
          disabled={!canPersist}
          onChange={(event) => onChange(event.target.checked)}
          aria-describedby={`${id}-where`}
        />
        <label htmlFor={id}>Remember password</label>
      </div>
      <p className="field__help" id={`${id}-where`}>
        {warning && !canPersist ? warning : describeSecretStorage(secretStorage)}
        {canPersist && !checked && ' Unticked, the password is kept in memory only until hotpath stops.'}
      </p>
      {warning && canPersist && (
        <p className="field__warning" role="note">
          {warning}
        </p>
      )}
    </div>
  );
}
