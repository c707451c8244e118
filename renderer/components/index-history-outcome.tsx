import type { BuildHistoryEntryPayload } from '../../main/contract/advisor.ts';

const STATUS_TEXT: Record<BuildHistoryEntryPayload['status'], string> = {
  building: 'building',
  built: 'built',
  failed: 'failed',
  cancelled: 'cancelled',
  'lock-timeout': 'lock timeout',
  'rolled-back': 'rolled back',
};

/** A history entry's outcome: its status, the error, whether an INVALID index is still there, and what reconciliation noted. */
export function IndexHistoryOutcome({ entry }: { entry: BuildHistoryEntryPayload }) {
  return (
    <>
      <span
        className={
          entry.status === 'failed' || entry.status === 'lock-timeout' ? 'tag tag--bad index-history__status' : 'tag index-history__status'
        }
      >
        {STATUS_TEXT[entry.status]}
      </span>
      {entry.leftInvalid && <span className="tag tag--bad">invalid index left</span>}
      {entry.error && <span className="index-history__error">{entry.error}</span>}
      {entry.note && <p className="field__help index-history__note">{entry.note}</p>}
    </>
  );
}
