import { useId } from 'react';
import type { ReplicaPolicyName } from '../../main/contract/profiles.ts';
import { REPLICA_POLICY_CHOICES, type ReplicaPolicyDraft } from '../forms/replica-policy.ts';
import { replicaUrlsOf } from '../forms/replica-urls.ts';
import { EngineErrorText } from './engine-error-text.tsx';
import { TextField } from './text-field.tsx';

interface ReplicaPolicyFieldProps {
  /** The replicas' field as typed: the policy shows only once a replica is given. */
  replicas: string;
  value: ReplicaPolicyDraft;
  onChange(value: ReplicaPolicyDraft): void;
  /** An engine error about the policy or its bound. */
  error?: Error | null;
}

/**
 * How the workload's reads are spread over the read replicas, beside them in the connection form: the engine's
 * start-up policy (--replica-policy), or this connection's own; with lag-bounded, the most lag a replica may have.
 */
export function ReplicaPolicyField({ replicas, value, onChange, error }: ReplicaPolicyFieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  if (replicaUrlsOf(replicas).length === 0) return null;
  return (
    <>
      <div className={`field${error ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={id}>
          Read policy
        </label>
        <p className="field__help" id={helpId}>
          How the workload&apos;s reads are spread over the replicas. Writes always go to the primary.
        </p>
        <div className="field__control">
          <select
            id={id}
            value={value.policy}
            onChange={(event) => onChange({ ...value, policy: event.target.value as ReplicaPolicyName | '' })}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${helpId} ${errorId}` : helpId}
          >
            <option value="">The engine&apos;s default (--replica-policy, else round robin)</option>
            {REPLICA_POLICY_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        {error && <EngineErrorText error={error} id={errorId} />}
      </div>
      {value.policy === 'lag-bounded' && (
        <TextField
          label="Maximum replica lag"
          value={value.maxLagSeconds}
          onChange={(maxLagSeconds) => onChange({ ...value, maxLagSeconds })}
          inputMode="decimal"
          suffix="s"
          placeholder="5"
          help="A replica further behind the primary than this takes no reads until it catches up. Empty: the engine's default."
        />
      )}
    </>
  );
}
