import { parsePgUrl, type ParsedPgUrl, type PgUrlOptions } from '../pg-url.ts';
import { connectionStringPassword, defaultPgUser, resolvePgPassword } from '../pg-password-sources.ts';
import { maskSecretsInText } from '../secret-mask.ts';
import { StackError } from '../stack-errors.ts';
import type { ReplicaCheck, StackNotice, StackReplica } from '../stack.ts';
import { connectVerified, refusePasswordLookup } from './pg-connect.ts';

/**
 * The read replicas of a remote stack: each URL parsed like the primary's (same TLS settings from the profile, same
 * timeout), its password found the way the primary's was (see RemoteStackOptions.passwordSources), then checked
 * with one bounded connection. A replica whose sources give no password, and that connects as the primary's user,
 * gets the primary's password: a physical standby has the primary's roles and passwords, so `--pg-password-file`
 * or the prompt need not be repeated per replica (for a connection a console client named, only on the primary's
 * own host). Nothing is held afterwards; the engine opens their pools.
 */

export interface ReplicaConnectOptions {
  /** Absent: no replicas. */
  urls?: readonly string[];
  /** The primary's TLS settings and timeout (from a profile or the caller): the replicas' are the same. */
  urlOptions: PgUrlOptions;
  timeoutMs: number;
  /** Only each connection string's own password (a connection a console client named). */
  clientNamed: boolean;
  env: Record<string, string | undefined>;
  /** The primary's user (undefined: the default user), host, and the password it connected with (null: none). */
  primary: { user: string | undefined; host: string | undefined; password: string | null };
  /**
   * `throw` (default): the first replica that fails rejects. `report` (a connection test): each failure is recorded
   * in `checks` and the others are still checked; only a malformed URL still rejects (before any connection).
   */
  failures?: 'throw' | 'report';
}

export interface ConnectedReplicas {
  replicas: StackReplica[];
  notices: StackNotice[];
  /** The replicas' passwords, for masking any error text. */
  secrets: string[];
  /** Every replica as checked, in order (the failed ones too, with `failures: 'report'`). */
  checks: ReplicaCheck[];
}

/** `replica-1`, `replica-2`, …: the position in the list the user gave. */
export function replicaName(index: number): string {
  return `replica-${index + 1}`;
}

function replicaError(error: unknown, name: string, displayUrl: string, secrets: Array<string | null>): unknown {
  if (!(error instanceof StackError)) return error;
  const message = `Read replica ${name} (${displayUrl}): ${maskSecretsInText(error.message, secrets)}`;
  return new StackError(error.code, message, error.hint, { cause: error.cause });
}

/** A replica's password: its own from its sources, else the primary's for the same user (see above). */
export async function replicaPassword(parsed: ParsedPgUrl, options: ReplicaConnectOptions): Promise<string | null> {
  const own = options.clientNamed ? connectionStringPassword(parsed) : await resolvePgPassword(parsed, options.env);
  if (own.password !== null) return own.password;
  const user = parsed.config.user ?? defaultPgUser(options.env);
  if (user !== (options.primary.user ?? defaultPgUser(options.env))) return null;
  // A console client may name any host as a replica: the primary's password (perhaps a saved one the client never
  // saw) goes only to the primary's own host then, never to one the client chose.
  if (options.clientNamed && parsed.config.host !== options.primary.host) return null;
  return options.primary.password;
}

/** Connects to each replica once, in order; the first that fails rejects with its name and masked URL. */
export async function connectReplicas(options: ReplicaConnectOptions): Promise<ConnectedReplicas> {
  const result: ConnectedReplicas = { replicas: [], notices: [], secrets: [], checks: [] };
  // All are parsed before any is connected: a malformed URL fails before a connection is spent.
  const parsedAll = (options.urls ?? []).map((url, index) => {
    try {
      return parsePgUrl(url, options.urlOptions);
    } catch (error) {
      throw replicaError(error, replicaName(index), '(not shown)', []);
    }
  });
  for (const [index, parsed] of parsedAll.entries()) {
    const name = replicaName(index);
    try {
      await checkReplica(parsed, name, options, result);
    } catch (error) {
      if (options.failures !== 'report' || !(error instanceof StackError)) throw error;
      const failed = { code: error.code, message: error.message, hint: error.hint };
      result.checks.push({ name, displayUrl: parsed.displayUrl, inRecovery: null, serverVersion: null, error: failed });
    }
  }
  return result;
}

/** Connects to one replica and adds it (with its notice and check) to `result`; rejects with its name and masked URL. */
async function checkReplica(parsed: ParsedPgUrl, name: string, options: ReplicaConnectOptions, result: ConnectedReplicas): Promise<void> {
  const password = await replicaPassword(parsed, options);
  if (password !== null) {
    parsed.config.password = password;
    result.secrets.push(password);
  } else if (options.clientNamed) parsed.config.password = refusePasswordLookup;
  const secrets = [password, options.primary.password];
  const { client, config } = await connectVerified(parsed, options.timeoutMs).catch((error: unknown) => {
    throw replicaError(error, name, parsed.displayUrl, secrets);
  });
  if (config.password === refusePasswordLookup) delete config.password;
  try {
    const { rows } = await client.query<{ recovery: boolean; version: string }>(
      `SELECT pg_is_in_recovery() AS recovery, current_setting('server_version_num') AS version`,
    );
    const inRecovery = rows[0]?.recovery === true;
    if (!inRecovery)
      result.notices.push({
        code: 'replica-not-in-recovery',
        message: `Read replica ${name} (${parsed.displayUrl}) is not in recovery: it accepts writes, so it may be a primary, not a standby.`,
        hint: 'Check the URL. The workload only reads there (its sessions are read-only), so nothing is written to it either way.',
      });
    result.checks.push({ name, displayUrl: parsed.displayUrl, inRecovery, serverVersion: Number(rows[0]?.version), error: null });
  } catch (error) {
    throw replicaError(error, name, parsed.displayUrl, secrets);
  } finally {
    await client.end().catch(() => undefined);
  }
  result.replicas.push({ name, pg: config, displayUrl: parsed.displayUrl });
}
