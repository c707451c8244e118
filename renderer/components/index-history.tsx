import { useState } from 'react';
import type { BuildHistoryEntryPayload } from '../../main/contract/advisor.ts';
import { useServices } from '../app/console-context.ts';
import { formatAge, formatClock } from '../format/units.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { IndexHistoryOutcome } from './index-history-outcome.tsx';

const READ_ONLY_TITLE = 'Read-only mode: Hotpath runs no DDL';

/** What the operator is asked to confirm: a rollback of a built index, or the drop of a failed build's INVALID index. */
type Confirming = { kind: 'rollback' | 'drop-invalid'; name: string; table: string };

function effect(entry: BuildHistoryEntryPayload): string {
  const before = entry.latencyBefore;
  const after = entry.latencyAfter;
  if (!before || !after) return 'not measured (no workload ran)';
  return (
    Object.keys(before)
      .filter((t) => t !== 'all' && after[t] !== undefined && before[t]! / Math.max(after[t]!, 0.001) >= 1.5)
      .map((t) => `${t} p95 ${before[t]!.toFixed(1)} → ${after[t]!.toFixed(1)} ms`)
      .join('; ') || `no template more than 1.5× faster (overall p95 ${before.all?.toFixed(1) ?? '?'} → ${after.all?.toFixed(1) ?? '?'} ms)`
  );
}

/**
 * What Hotpath built (or tried to), when, why and with what measured effect; rollback of what it built, and the drop
 * of an INVALID index a failed or interrupted build left (both through advisor.rollback, after a confirmation).
 */
export function IndexHistory({ entries, readOnly }: { entries: readonly BuildHistoryEntryPayload[]; readOnly: boolean }) {
  const { advisor } = useServices();
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  if (entries.length === 0)
    return (
      <p className="field__help" data-testid="index-history">
        Hotpath has built no index on this database yet.
      </p>
    );
  return (
    <>
      <table className="data-table" data-testid="index-history">
        <thead>
          <tr>
            <th scope="col">Index</th>
            <th scope="col">When</th>
            <th scope="col">Outcome</th>
            <th scope="col">Measured effect</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...entries].reverse().map((e) => (
            <tr key={e.id}>
              <th scope="row" className="data-table__name" title={e.ddl}>
                {e.table}: {e.name}
              </th>
              <td>
                {formatClock(e.startedAt)}
                {e.durationMs !== null && `, ${formatAge(e.durationMs)}`}
              </td>
              <td>
                <IndexHistoryOutcome entry={e} />
              </td>
              <td>{e.status === 'built' || e.status === 'rolled-back' ? effect(e) : ''}</td>
              <td>
                {e.status === 'built' && (
                  <button
                    type="button"
                    disabled={readOnly}
                    title={readOnly ? READ_ONLY_TITLE : undefined}
                    onClick={() => setConfirming({ kind: 'rollback', name: e.name, table: e.table })}
                  >
                    Roll back…
                  </button>
                )}
                {e.droppableLeftover === true && (
                  <button
                    type="button"
                    className="button--danger"
                    disabled={readOnly}
                    title={readOnly ? READ_ONLY_TITLE : undefined}
                    onClick={() => setConfirming({ kind: 'drop-invalid', name: e.name, table: e.table })}
                  >
                    Drop invalid index…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirming && (
        <ConfirmDialog
          title={confirming.kind === 'rollback' ? `Drop index ${confirming.name}?` : `Drop the invalid index ${confirming.name}?`}
          confirmLabel={confirming.kind === 'rollback' ? 'Drop index' : 'Drop invalid index'}
          onDismiss={() => setConfirming(null)}
          onConfirm={() => {
            const { name } = confirming;
            setConfirming(null);
            void advisor.getState().rollback(name);
          }}
        >
          {confirming.kind === 'rollback'
            ? 'DROP INDEX CONCURRENTLY: reads and writes go on; the queries it served become as slow as before it was built.'
            : `A build that did not finish left this INVALID index on ${confirming.table}: it serves no query and every write to the table still updates it. ` +
              'DROP INDEX CONCURRENTLY: reads and writes go on. Hotpath drops it only while it is still the invalid index that build left.'}
        </ConfirmDialog>
      )}
    </>
  );
}
