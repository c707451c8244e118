import type { BuildHistoryEntryPayload } from '../../main/contract/advisor.ts';

/**
 * Whether `advisor.rollback` of this entry's name would drop the INVALID index this entry left. The command takes
 * a name only, and the engine (advisor/index-builder.ts `rollback`) first looks for an index of that name it built
 * and has not rolled back (newest build or rollback per schema); only when there is none does it act on the newest
 * entry of that name, and only if that entry says leftInvalid. The console offers "Drop invalid index…" only where
 * that is this entry, so the confirmation never names one index while the engine would act on another.
 */
export function dropsLeftover(entries: readonly BuildHistoryEntryPayload[], entry: BuildHistoryEntryPayload): boolean {
  if (entry.leftInvalid !== true) return false;
  const sameName = entries.filter((e) => e.name === entry.name);
  const newestOwnership = new Map<string, BuildHistoryEntryPayload>();
  for (const e of sameName) if (e.status === 'built' || e.status === 'rolled-back') newestOwnership.set(e.schema, e);
  if ([...newestOwnership.values()].some((e) => e.status === 'built')) return false;
  return sameName.at(-1)?.id === entry.id;
}
