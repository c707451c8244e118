import { useState, type FormEvent } from 'react';
import type { PoolStatusPayload } from '../../main/contract/pool.ts';
import { usePageState, usePageStore } from '../app/console-context.ts';
import { POOL_STORE } from '../state/pool-store.ts';
import { TextField } from './text-field.tsx';

type Size = NonNullable<PoolStatusPayload['size']>;

/** A whole number of connections, or a message that says what is expected. */
function parseConnections(
  text: string,
  label: string,
  min: number,
): { ok: true; value: number | undefined } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min || value > 10_000)
    return { ok: false, message: `Enter ${label} as a whole number of connections from ${min} to 10,000.` };
  return { ok: true, value };
}

/** The pool's size, why its maximum is what it is, and a form to change min and max (the engine checks them against the server). */
export function PoolSizeForm({ size }: { size: Size }) {
  const pool = usePageStore(POOL_STORE);
  const busy = usePageState(POOL_STORE, (s) => s.busy);
  const [minText, setMinText] = useState('');
  const [maxText, setMaxText] = useState('');
  const [invalid, setInvalid] = useState<{ field: 'min' | 'max'; message: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const min = parseConnections(minText, 'the minimum', 0);
    if (!min.ok) return setInvalid({ field: 'min', message: min.message });
    const max = parseConnections(maxText, 'the maximum', 1);
    if (!max.ok) return setInvalid({ field: 'max', message: max.message });
    if (min.value === undefined && max.value === undefined)
      return setInvalid({ field: 'max', message: 'Enter a new minimum, maximum or both.' });
    if ((min.value ?? size.min) > (max.value ?? size.max))
      return setInvalid({
        field: 'min',
        message: `The minimum (${min.value ?? size.min}) cannot exceed the maximum (${max.value ?? size.max}).`,
      });
    setInvalid(null);
    void pool
      .getState()
      .resize({ ...(min.value === undefined ? {} : { min: min.value }), ...(max.value === undefined ? {} : { max: max.value }) });
  };

  return (
    <form className="pool-size" onSubmit={submit} noValidate data-testid="pool-size">
      <p className="pool-size__now">
        <strong>{size.min}</strong> to <strong>{size.max}</strong> connections: {size.limitReason.replace(/\.?$/, '.')}
      </p>
      <div className="workload-controls__row">
        <TextField
          label="Minimum"
          value={minText}
          onChange={setMinText}
          inputMode="numeric"
          suffix="connections"
          placeholder={String(size.min)}
          invalid={invalid?.field === 'min' ? invalid.message : null}
        />
        <TextField
          label="Maximum"
          value={maxText}
          onChange={setMaxText}
          inputMode="numeric"
          suffix="connections"
          placeholder={String(size.max)}
          invalid={invalid?.field === 'max' ? invalid.message : null}
        />
        <div className="form-actions">
          <button type="submit" disabled={busy !== null}>
            Resize pool
          </button>
        </div>
      </div>
    </form>
  );
}
