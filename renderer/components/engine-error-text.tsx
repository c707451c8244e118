import { hintOf } from '../state/to-error.ts';

interface EngineErrorTextProps {
  error: Error;
  /** Lets a form field point at this text with aria-describedby. */
  id?: string;
}

/** An engine error in words a user can act on: what is wrong, then what to do next. */
export function EngineErrorText({ error, id }: EngineErrorTextProps) {
  const hint = hintOf(error);
  return (
    <div className="error-text" role="alert" id={id}>
      <p className="error-text__message">{error.message}</p>
      {hint !== undefined && <p className="error-text__hint">{hint}</p>}
    </div>
  );
}
