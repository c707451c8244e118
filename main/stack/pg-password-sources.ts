import { userInfo } from 'node:os';
import type { ParsedPgUrl } from './pg-url.ts';
import { pgpassFileName, readPgpassPassword } from './pgpass-file.ts';

/**
 * Where a PostgreSQL password comes from when the connection string has none, in libpq's order (the libpq
 * manual, "Environment Variables" and "The Password File"): a password in the connection string (URL user part,
 * `?password=`, keyword `password=`, or `--pg-password-file`, which the CLI puts there) wins; then PGPASSWORD;
 * then the password file (`passfile` parameter, PGPASSFILE, ~/.pgpass), consulted only when neither gave one.
 * The interactive prompt comes last and belongs to the CLI (only it has a terminal).
 */

export type PgPasswordSource = 'connection string' | 'PGPASSWORD' | 'password file';

export interface ResolvedPgPassword {
  password: string | null;
  source: PgPasswordSource | null;
  /** The password file that was read, when it was. */
  file?: string;
  /** Why a password file was ignored (libpq prints the same warning). */
  warning: string | null;
}

/** The user libpq and pg connect as when none is given: PGUSER, then the operating system user. */
export function defaultPgUser(env: Record<string, string | undefined>): string {
  if (env.PGUSER) return env.PGUSER;
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** Only the password the connection string itself carries: for connections a console client names (see RemoteStackOptions). */
export function connectionStringPassword(parsed: ParsedPgUrl): ResolvedPgPassword {
  const given = parsed.config.password;
  return typeof given === 'string' && given !== ''
    ? { password: given, source: 'connection string', warning: null }
    : { password: null, source: null, warning: null };
}

export async function resolvePgPassword(parsed: ParsedPgUrl, env: Record<string, string | undefined>): Promise<ResolvedPgPassword> {
  const given = parsed.config.password;
  if (typeof given === 'string' && given !== '') return { password: given, source: 'connection string', warning: null };
  // libpq treats an empty PGPASSWORD as none and goes on to the password file.
  if (env.PGPASSWORD) return { password: env.PGPASSWORD, source: 'PGPASSWORD', warning: null };
  const file = pgpassFileName(env, parsed.passfile);
  const found = await readPgpassPassword(file, {
    host: parsed.target.host,
    port: parsed.target.port,
    database: parsed.target.database ?? '',
    user: parsed.config.user ?? defaultPgUser(env),
  });
  return found.password !== null
    ? { password: found.password, source: 'password file', file, warning: null }
    : { password: null, source: null, warning: found.warning };
}
