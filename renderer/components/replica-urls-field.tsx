import { useId } from 'react';
import { EngineErrorText } from './engine-error-text.tsx';

interface ReplicaUrlsFieldProps {
  value: string;
  onChange(value: string): void;
  /** An engine error about a replica (it names the replica: "Read replica replica-2 (…)"). */
  error?: Error | null;
}

/**
 * The read replicas of the connection form: one PostgreSQL URL per line (replica-1, replica-2, … in that order).
 * The workload's reads go to them; a replica without a password connects with the primary's.
 */
export function ReplicaUrlsField({ value, onChange, error }: ReplicaUrlsFieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        Read replicas (optional)
      </label>
      <p className="field__help" id={helpId}>
        One PostgreSQL URL per line. The workload&apos;s reads are spread over them (by the read policy below); writes stay on the primary.
        Without a password, a replica uses the primary&apos;s.
      </p>
      <div className="field__control">
        <textarea
          id={id}
          value={value}
          rows={2}
          onChange={(event) => onChange(event.target.value)}
          placeholder="postgres://user@replica-1.example.com:5432/app"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${helpId} ${errorId}` : helpId}
        />
      </div>
      {error && <EngineErrorText error={error} id={errorId} />}
    </div>
  );
}
