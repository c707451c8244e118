import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { EngineErrorText } from './engine-error-text.tsx';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: string;
  onChange(value: string): void;
  /** Shown under the label; explains the expected format. */
  help?: ReactNode;
  /** An error that belongs to this field, shown right under it. */
  error?: Error | null;
  /** A plain validation message (no hint). */
  invalid?: string | null;
  /** Text after the input, e.g. a unit ("req/s"). */
  suffix?: string;
}

/** A labelled input with its help text and its error next to it, tied together for screen readers. */
export function TextField({ label, value, onChange, help, error, invalid, suffix, ...input }: TextFieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const hasError = Boolean(error) || Boolean(invalid);
  const describedBy = [help ? helpId : null, hasError ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${hasError ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {help && (
        <p className="field__help" id={helpId}>
          {help}
        </p>
      )}
      <div className="field__control">
        <input
          {...input}
          id={id}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={hasError || undefined}
          aria-describedby={describedBy}
        />
        {suffix && (
          <span className="field__suffix" aria-hidden="true">
            {suffix}
          </span>
        )}
      </div>
      {error ? (
        <EngineErrorText error={error} id={errorId} />
      ) : invalid ? (
        <p className="error-text" role="alert" id={errorId}>
          {invalid}
        </p>
      ) : null}
    </div>
  );
}
