import { ContractError } from '../../main/contract/api.ts';
import { parsePgUrl, resolvePgPassword } from '../../main/stack/index.ts';

/**
 * `--pg-replica URL` (repeatable): the read replicas of `--pg`, `replica-1`, `replica-2`, … in the order given.
 * Each gets its password as `--pg` does on the command line, in libpq's order: its URL, PGPASSWORD (taken out of
 * the environment at start), then the password file (`passfile=`, PGPASSFILE, ~/.pgpass) for its own host and
 * port. One that still has none is sent without: the engine then uses the primary's password when the replica
 * connects as the same user (a physical standby has the primary's roles), so `--pg-password-file` or the prompt
 * serve both.
 */

/** --pg-replica without --pg cannot work: there is no primary to be a replica of. */
export function checkReplicaFlags(flags: {
  pg?: string;
  local?: boolean;
  pgReplica?: string[];
  replicaPolicy?: string;
  replicaMaxLag?: number;
}): void {
  if (flags.replicaMaxLag !== undefined && flags.replicaPolicy !== 'lag-bounded')
    throw new ContractError(
      'bad-arguments',
      '--replica-max-lag needs --replica-policy lag-bounded: only that policy reads the replicas’ lag.',
      'Add --replica-policy lag-bounded, or drop --replica-max-lag.',
    );
  if (!flags.pgReplica?.length) {
    if (flags.replicaPolicy !== undefined)
      throw new ContractError(
        'bad-arguments',
        '--replica-policy needs --pg-replica: it says how reads are spread over the read replicas.',
        'Add --pg-replica URL for each replica, or drop --replica-policy.',
      );
    return;
  }
  if (flags.local)
    throw new ContractError(
      'bad-arguments',
      '--pg-replica cannot be combined with --local: the local demo stack has no read replicas.',
      'Use --pg URL for the primary with --pg-replica URL for each replica.',
    );
  if (!flags.pg)
    throw new ContractError(
      'bad-arguments',
      '--pg-replica needs --pg: the read replicas belong to a primary.',
      'Add --pg URL for the primary (writes and everything but the workload reads go there).',
    );
}

/** Each replica URL with a password from the command line's sources where it has none of its own (in memory only). */
export async function withReplicaPasswords(
  replicas: readonly string[],
  /** PGPASSWORD as the process started with it (see takeEnvironmentPasswords). */
  environment: { pg?: string },
  addPassword: (connection: string, password: string) => string,
  warn: (line: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<string[]> {
  const result: string[] = [];
  for (const url of replicas) {
    const parsed = parsePgUrl(url);
    if (parsed.config.password) {
      result.push(url);
      continue;
    }
    if (environment.pg !== undefined) {
      result.push(addPassword(url, environment.pg));
      continue;
    }
    const fromFile = await resolvePgPassword(parsed, { ...env, PGPASSWORD: undefined });
    if (fromFile.password !== null) result.push(addPassword(url, fromFile.password));
    else {
      if (fromFile.warning)
        warn(`The PostgreSQL password file was ignored: ${fromFile.warning}. Make it private (chmod 0600), as psql requires.`);
      result.push(url);
    }
  }
  return result;
}
