import { useState, type FormEvent } from 'react';
import { TextField } from './text-field.tsx';

const MiB = 1024 * 1024;
/** A terabyte of new indexes is no longer a budget but a mistake in the unit. */
const MAX_BUDGET_MIB = 1024 * 1024;

/** The budget field's text as MiB: empty is the engine's default; anything else a whole number in range. */
export function parseBudgetMiB(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_BUDGET_MIB) {
    return {
      ok: false,
      message: `Enter the storage for new indexes as a whole number of MiB from 1 to ${MAX_BUDGET_MIB}, or leave it empty for the default.`,
    };
  }
  return { ok: true, value };
}

interface AnalyzeFormProps {
  onAnalyze(budgetBytes: number | undefined): void;
  disabled: boolean;
  analyzing: boolean;
  analyzedBefore: boolean;
}

/** The Indexes page's Analyze button with its storage budget: the most the proposals may take together. */
export function AnalyzeForm({ onAnalyze, disabled, analyzing, analyzedBefore }: AnalyzeFormProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const budget = parseBudgetMiB(text);
    if (!budget.ok) return setError(budget.message);
    setError(null);
    onAnalyze(budget.value === null ? undefined : budget.value * MiB);
  };
  return (
    <form className="analyze-form" onSubmit={submit} noValidate>
      <TextField
        label="Storage budget"
        value={text}
        onChange={setText}
        placeholder="default"
        inputMode="numeric"
        suffix="MiB"
        invalid={error}
        help="Empty: half the database's size."
      />
      <div className="form-actions">
        <button type="submit" className="button--primary" disabled={disabled || analyzing}>
          {analyzing ? 'Analyzing…' : analyzedBefore ? 'Analyze again' : 'Analyze workload'}
        </button>
      </div>
    </form>
  );
}
