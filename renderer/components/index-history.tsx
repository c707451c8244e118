import { useState } from 'react';
import type { BuildHistoryEntryPayload } from '../../main/contract/advisor.ts';
import { useServices } from '../app/console-context.ts';
import { formatAge, formatClock } from '../format/units.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

function effect(entry: BuildHistoryEntryPayload): string {
  const before = entry.latencyBefore;
  const after = entry.latencyAfter;
  if (!before || !after) return 'not measured (no workload ran)';
  return Object.keys(before)
    .filter((t) => t !== 'all' && after[t] !== undefined && before[t]! / Math.max(after[t]!, 0.001) >= 1.5)
    .map((t) => `${t} p95 ${before[t]!.toFixed(1)} → ${after[t]!.toFixed(1)} ms`)
    .join('; ') || `no template more than 1.5× faster (overall p95 ${before.all?.toFixed(1) ?? '?'} → ${after.all?.toFixed(1) ?? '?'} ms)`;
}

/** What Hotpath built (or tried to), when, why and with what measured effect; rollback of what it built. */
export function IndexHistory({ entries, readOnly }: { entries: readonly BuildHistoryEntryPayload[]; readOnly: boolean }) {
  const { advisor } = useServices();
  const [confirming, setConfirming] = useState<string | null>(null);
  if (entries.length === 0) return <p className="field__help" data-testid="index-history">Hotpath has built no index on this database yet.</p>;
  return (
    <>
      <table className="data-table" data-testid="index-history">
        <thead>
          <tr>
            <th scope="col">Index</th>
            <th scope="col">When</th>
            <th scope="col">Outcome</th>
            <th scope="col">Measured effect</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {[...entries].reverse().map((e) => (
            <tr key={e.id}>
              <th scope="row" className="data-table__name" title={e.ddl}>{e.table}: {e.name}</th>
              <td>{formatClock(e.startedAt)}{e.durationMs !== null && `, ${formatAge(e.durationMs)}`}</td>
              <td>{e.status}{e.error ? `: ${e.error}` : ''}</td>
              <td>{e.status === 'built' || e.status === 'rolled-back' ? effect(e) : ''}</td>
              <td>
                {e.status === 'built' && (
                  <button type="button" disabled={readOnly} onClick={() => setConfirming(e.name)}>Roll back…</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirming && (
        <ConfirmDialog title={`Drop index ${confirming}?`} confirmLabel="Drop index" onDismiss={() => setConfirming(null)}
          onConfirm={() => {
            const name = confirming;
            setConfirming(null);
            void advisor.getState().rollback(name);
          }}>
          DROP INDEX CONCURRENTLY: reads and writes go on; the queries it served become as slow as before it was built.
        </ConfirmDialog>
      )}
    </>
  );
}
