import type { ConnectionProfile, ReplicaPolicyName } from '../../main/contract/profiles.ts';

/** The read policies the connection form offers, with what each does in a few words. */
export const REPLICA_POLICY_CHOICES: readonly { value: ReplicaPolicyName; label: string }[] = [
  { value: 'round-robin', label: 'Round robin' },
  { value: 'least-loaded', label: 'Least loaded (fewest reads in flight)' },
  { value: 'lag-bounded', label: 'Lag-bounded (replicas within the lag, else the primary)' },
];

/** The form's read policy: '' is "the engine's start-up policy"; the bound is the text typed (seconds). */
export interface ReplicaPolicyDraft {
  policy: ReplicaPolicyName | '';
  maxLagSeconds: string;
}

export function replicaPolicyDraft(profile: ConnectionProfile | null): ReplicaPolicyDraft {
  return { policy: profile?.replicaPolicy ?? '', maxLagSeconds: profile?.replicaMaxLagSeconds?.toString() ?? '' };
}

/**
 * What a save sends: the policy chosen and, with lag-bounded, the bound typed. The engine's default ('') is left out
 * of a new profile and sent as null on an edit (absent would keep the saved one). A bound left empty is the engine's.
 */
export function replicaPolicyParams(
  draft: ReplicaPolicyDraft,
  editing: boolean,
): { replicaPolicy?: ReplicaPolicyName | null; replicaMaxLagSeconds?: number | null } {
  if (draft.policy === '') return editing ? { replicaPolicy: null, replicaMaxLagSeconds: null } : {};
  const text = draft.maxLagSeconds.trim();
  if (draft.policy !== 'lag-bounded' || text === '')
    return { replicaPolicy: draft.policy, ...(editing ? { replicaMaxLagSeconds: null } : {}) };
  // A bound that is not a number goes as NaN: the engine refuses it next to the field, with its own rule.
  return { replicaPolicy: draft.policy, replicaMaxLagSeconds: Number(text) };
}
