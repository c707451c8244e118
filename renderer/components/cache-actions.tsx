import { useId, useState, type FormEvent } from 'react';
import type { CacheFlushTarget, CacheStatusPayload } from '../../main/contract/cache.ts';
import { usePageState, usePageStore, useTaskProgress } from '../app/console-context.ts';
import { CACHE_STORE } from '../state/cache-store.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { TextField } from './text-field.tsx';

const FLUSH_LABELS: Record<CacheFlushTarget, string> = { all: 'every tier', l1: 'L1 memory', l2: 'L2 Redis', l3: 'L3 object store' };
/** What the Flush list offers: a tier, everything, or one cached template's results (in every tier). */
type FlushChoice = CacheFlushTarget | `template:${string}`;
const TEMPLATE_CHOICE = 'template:';

function choiceLabel(choice: FlushChoice): string {
  return choice.startsWith(TEMPLATE_CHOICE) ? `${choice.slice(TEMPLATE_CHOICE.length)} results` : FLUSH_LABELS[choice as CacheFlushTarget];
}

const MiB = 1024 * 1024;
/** The engine's limits for the L1 budget (contract: 1 MiB to 64 GiB). */
const MIN_MIB = 1;
const MAX_MIB = 64 * 1024;
const MAX_WARM_KEYS = 100_000;

/** Whole numbers within [min, max], or a message that says what is expected. */
function parseWhole(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const value = Number(text.trim().replaceAll(',', ''));
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return { ok: false, message: `Enter ${what} from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.` };
  }
  return { ok: true, value };
}

/**
 * The operator's cache actions: flush a tier (asks first: a cold cache sends its traffic to the database),
 * warm the hottest keys of recent traffic (with progress), and set the L1's memory budget.
 */
export function CacheActions({ status }: { status: CacheStatusPayload }) {
  const cache = usePageStore(CACHE_STORE);
  const busy = usePageState(CACHE_STORE, (s) => s.busy);
  const lastResult = usePageState(CACHE_STORE, (s) => s.lastResult);
  const actionError = usePageState(CACHE_STORE, (s) => s.actionError);
  const warmProgress = useTaskProgress((s) => s.tasks.warm);
  const flushSelectId = useId();

  const [target, setTarget] = useState<FlushChoice>('all');
  const [confirming, setConfirming] = useState(false);
  const [warmText, setWarmText] = useState('5000');
  const [sizeText, setSizeText] = useState('');
  const [invalid, setInvalid] = useState<{ field: 'warm' | 'size'; message: string } | null>(null);

  const targets: FlushChoice[] = [
    'all',
    ...status.tiers.map((t) => t.tier),
    ...status.cachedTemplates.map((t): FlushChoice => `${TEMPLATE_CHOICE}${t.template}`),
  ];
  const template = target.startsWith(TEMPLATE_CHOICE) ? target.slice(TEMPLATE_CHOICE.length) : null;
  const warm = (event: FormEvent) => {
    event.preventDefault();
    const keys = parseWhole(warmText, 1, MAX_WARM_KEYS, 'a number of keys');
    if (!keys.ok) return setInvalid({ field: 'warm', message: keys.message });
    setInvalid(null);
    void cache.getState().warm(keys.value);
  };
  const resize = (event: FormEvent) => {
    event.preventDefault();
    const mib = parseWhole(sizeText, MIN_MIB, MAX_MIB, 'a budget in MiB');
    if (!mib.ok) return setInvalid({ field: 'size', message: mib.message });
    setInvalid(null);
    void cache.getState().resize(mib.value * MiB);
  };

  return (
    <div data-testid="cache-actions">
      <div className="cache-actions">
        <div className="cache-actions__group">
          <div className="field">
            <label className="field__label" htmlFor={flushSelectId}>
              Flush
            </label>
            <select id={flushSelectId} value={target} onChange={(e) => setTarget(e.target.value as FlushChoice)} disabled={busy !== null}>
              {targets.map((t) => (
                <option key={t} value={t}>
                  {choiceLabel(t)}
                </option>
              ))}
            </select>
          </div>
          <div className="form-actions">
            <button type="button" className="button--danger" onClick={() => setConfirming(true)} disabled={busy !== null}>
              Flush…
            </button>
          </div>
        </div>
        <form className="cache-actions__group" onSubmit={warm} noValidate>
          <TextField
            label="Warm the hottest keys"
            value={warmText}
            onChange={setWarmText}
            inputMode="numeric"
            suffix="keys"
            help="Loads what recent traffic asked for most and no tier holds, a few at a time."
            invalid={invalid?.field === 'warm' ? invalid.message : null}
          />
          <div className="form-actions">
            <button type="submit" disabled={busy !== null}>
              {busy === 'warm' ? 'Warming…' : 'Warm cache'}
            </button>
          </div>
        </form>
        <form className="cache-actions__group" onSubmit={resize} noValidate>
          <TextField
            label="L1 memory budget"
            value={sizeText}
            onChange={setSizeText}
            inputMode="numeric"
            suffix="MiB"
            placeholder={status.l1 ? String(Math.round(status.l1.maxBytes / MiB)) : ''}
            help="Shrinking evicts the coldest entries at once."
            invalid={invalid?.field === 'size' ? invalid.message : null}
          />
          <div className="form-actions">
            <button type="submit" disabled={busy !== null || !status.l1}>
              Resize L1
            </button>
          </div>
        </form>
      </div>
      {busy === 'warm' && <ProgressBar label="Cache warming" progress={warmProgress} />}
      {actionError && <EngineErrorText error={actionError.error} />}
      {lastResult && !actionError && (
        <p className="cache-actions__result" role="status" data-testid="cache-action-result">
          {lastResult.message}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Flush ${choiceLabel(target)}?`}
          confirmLabel="Flush"
          onDismiss={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void (template !== null ? cache.getState().invalidate(template) : cache.getState().flush(target as CacheFlushTarget));
          }}
        >
          Every read of what is flushed goes to the database until the cache fills again (warming helps).
          {(target === 'all' || template !== null) && ' Other Hotpath instances sharing this Redis drop their L1 copies too.'}
        </ConfirmDialog>
      )}
    </div>
  );
}
