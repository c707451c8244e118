import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ConnectionProfile } from '../../main/contract/profiles.ts';
import { EngineErrorText } from './engine-error-text.tsx';

interface PasswordPromptDialogProps {
  profile: ConnectionProfile;
  busy: boolean;
  error: Error | null;
  onSubmit(password: string): void;
  onDismiss(): void;
}

/** Asks for the password of a profile whose secret was not saved; it is used for this connection only. */
export function PasswordPromptDialog({ profile, busy, error, onSubmit, onDismiss }: PasswordPromptDialogProps) {
  const titleId = useId();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    inputRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(password);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onDismiss();
  };

  return (
    <div className="dialog-backdrop">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onSubmit={submit} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="dialog__title">
          Password for {profile.name}
        </h2>
        <p className="dialog__body">
          <code>{profile.pgDisplayUrl}</code>: the password was not saved. It is kept in memory until hotpath stops.
        </p>
        <div className="field">
          <label className="field__label" htmlFor={inputId}>
            Password
          </label>
          <input
            ref={inputRef}
            id={inputId}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error && <EngineErrorText error={error} />}
        <div className="dialog__actions">
          <button type="button" onClick={onDismiss}>
            Cancel
          </button>
          <button type="submit" className="button--primary" disabled={busy}>
            Connect
          </button>
        </div>
      </form>
    </div>
  );
}
