import { readFile, stat } from 'node:fs/promises';
import { read } from 'read';
import { ContractError, type EngineApi } from '../../main/contract/api.ts';
import { joinUrlSecret } from '../../main/profiles/index.ts';
import {
  isKeywordDsn,
  defaultPgUser,
  resolvePgPassword,
  parsePgUrl,
  noPasswordGiven,
  redisUrlHasPassword,
  withRedisPassword,
} from '../../main/stack/index.ts';
import { withReplicaPasswords } from './replica-options.ts';

/**
 * Passwords that stay off the command line (where every local user reads them in /proc/<pid>/cmdline):
 * `--pg-password-file` / `--redis-password-file`, PGPASSWORD / ~/.pgpass / REDISCLI_AUTH (resolved by the
 * engine), and psql's prompt when the server asks for a password and a terminal is there to ask on.
 */

export interface PasswordFlags {
  pg?: string;
  /** --pg-replica, in the order given (see replica-options.ts). */
  pgReplica?: string[];
  redis?: string;
  pgPasswordFile?: string;
  redisPasswordFile?: string;
}

/** The first line of a password file (a trailing newline is not part of the password, as with Docker secrets). */
export async function readPasswordFile(file: string, flag: string): Promise<{ password: string; warning: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (error as Error).message;
    throw new ContractError(
      'bad-arguments',
      `${flag} ${file} cannot be read: ${why}.`,
      `Give a file that holds the password on its first line, readable by the user running Hotpath.`,
    );
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password === '')
    throw new ContractError(
      'bad-arguments',
      `${flag} ${file} is empty: its first line should be the password.`,
      'Write the password on the first line of the file (e.g. printf %s "$PASSWORD" > file; chmod 600 file).',
    );
  const mode = (await stat(file)).mode;
  const warning =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `${flag} ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it.`
      : null;
  return { password, warning };
}

/** A PostgreSQL connection string with `password` added: a keyword/value string gets `password='…'`. */
export function withPgPassword(connection: string, password: string): string {
  if (isKeywordDsn(connection)) return `${connection.trim()} password='${password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return joinUrlSecret(connection.trim(), password);
}

function twice(flag: string, what: string): ContractError {
  return new ContractError(
    'bad-arguments',
    `${flag} was given, and the ${what} has a password too.`,
    `Give the password once: remove it from the ${what} (keeping it off the command line is the point of ${flag}).`,
  );
}

/**
 * --pg and --redis with the passwords of --pg-password-file and --redis-password-file put in (in memory only),
 * then, where neither the URL nor a file had one, the environment's (taken by `takeEnvironmentPasswords`), then
 * for --pg the PostgreSQL password file (`passfile=`, PGPASSFILE, ~/.pgpass): the order libpq and redis-cli use.
 * The password file is read here, for the command line's own --pg: the engine reads none for connections its
 * clients name.
 */
export async function applyPasswordFiles(
  flags: PasswordFlags,
  warn: (line: string) => void,
  environment: EnvironmentPasswords = {},
  env: Record<string, string | undefined> = process.env,
): Promise<{ pg?: string; redis?: string }> {
  let pg = flags.pg;
  let redis = flags.redis;
  if (flags.pgPasswordFile !== undefined) {
    if (pg === undefined)
      throw new ContractError(
        'bad-arguments',
        '--pg-password-file needs --pg.',
        'Add --pg with the connection string the password belongs to.',
      );
    if (parsePgUrl(pg).config.password) throw twice('--pg-password-file', 'PostgreSQL connection string');
    const file = await readPasswordFile(flags.pgPasswordFile, '--pg-password-file');
    if (file.warning) warn(file.warning);
    pg = withPgPassword(pg, file.password);
  }
  if (flags.redisPasswordFile !== undefined) {
    if (redis === undefined)
      throw new ContractError(
        'bad-arguments',
        '--redis-password-file needs --redis.',
        'Add --redis with the Redis URL the password belongs to.',
      );
    if (redisUrlHasPassword(redis)) throw twice('--redis-password-file', 'Redis URL');
    const file = await readPasswordFile(flags.redisPasswordFile, '--redis-password-file');
    if (file.warning) warn(file.warning);
    redis = withRedisPassword(redis, file.password);
  }
  if (pg !== undefined && environment.pg !== undefined && !parsePgUrl(pg).config.password) pg = withPgPassword(pg, environment.pg);
  if (pg !== undefined && !parsePgUrl(pg).config.password) {
    const fromFile = await resolvePgPassword(parsePgUrl(pg), { ...env, PGPASSWORD: undefined });
    if (fromFile.password !== null) pg = withPgPassword(pg, fromFile.password);
    else if (fromFile.warning)
      warn(`The PostgreSQL password file was ignored: ${fromFile.warning}. Make it private (chmod 0600), as psql requires.`);
  }
  if (redis !== undefined && environment.redis !== undefined && !redisUrlHasPassword(redis))
    redis = withRedisPassword(redis, environment.redis);
  return { ...(pg === undefined ? {} : { pg }), ...(redis === undefined ? {} : { redis }) };
}

/** PGPASSWORD and REDISCLI_AUTH as this process started with them (empty counts as unset, as in libpq). */
export interface EnvironmentPasswords {
  pg?: string;
  redis?: string;
}

/**
 * Takes PGPASSWORD and REDISCLI_AUTH out of this process's environment. They belong to the connections named on
 * the command line, as psql's and redis-cli's do; left in the environment of a server that takes `stack.connect`
 * from its clients, they would be sent to whatever host a client names (by the engine's password resolution, and
 * by pg's own fallback), so `serve` hands them only to `--pg` / `--redis` (see `applyPasswordFiles`).
 */
export function takeEnvironmentPasswords(env: Record<string, string | undefined> = process.env): EnvironmentPasswords {
  const taken: EnvironmentPasswords = {
    ...(env.PGPASSWORD ? { pg: env.PGPASSWORD } : {}),
    ...(env.REDISCLI_AUTH ? { redis: env.REDISCLI_AUTH } : {}),
  };
  delete env.PGPASSWORD;
  delete env.REDISCLI_AUTH;
  return taken;
}

/** Whether no source at all (connection string, PGPASSWORD, password file) has a password for this connection. */
export async function hasNoPgPassword(connection: string, env: Record<string, string | undefined>): Promise<boolean> {
  return (await resolvePgPassword(parsePgUrl(connection), env)).password === null;
}

/** psql's prompt, on the terminal, without echo; null when there is no terminal to ask on. */
export async function promptPgPassword(connection: string, env: Record<string, string | undefined>): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const user = parsePgUrl(connection).config.user ?? defaultPgUser(env);
  const password = await read({ prompt: `Password for user ${user}: `, silent: true, replace: '', output: process.stderr });
  process.stderr.write('\n');
  return password;
}

/**
 * stack.connect with the passwords of --pg-password-file / --redis-password-file, PGPASSWORD / REDISCLI_AUTH and
 * the password file; when the server asks for a password that no source had, psql's prompt on the terminal (never
 * when stdin is not one). Used by every command that takes --pg (serve, optimize).
 */
export async function connectWithPasswords(
  engine: Pick<EngineApi, 'call'>,
  flags: PasswordFlags,
  environment: EnvironmentPasswords,
): Promise<void> {
  const urls = await applyPasswordFiles(flags, (line) => process.stderr.write(`Warning: ${line}\n`), environment);
  const warn = (line: string) => process.stderr.write(`Warning: ${line}\n`);
  const replicaUrls = await withReplicaPasswords(flags.pgReplica ?? [], environment, withPgPassword, warn);
  const connect = (pgUrl: string) =>
    engine.call('stack.connect', {
      pgUrl,
      ...(urls.redis ? { redisUrl: urls.redis } : {}),
      ...(replicaUrls.length > 0 ? { replicaUrls } : {}),
    });
  const pgUrl = urls.pg!;
  try {
    await connect(pgUrl);
  } catch (error) {
    if (!(error instanceof ContractError) || error.code !== 'auth-failed' || !(await hasNoPgPassword(pgUrl, process.env))) throw error;
    const typed = await promptPgPassword(pgUrl, process.env);
    // The engine answered as to any client (only the connection string counts there); on the command line every
    // libpq source was tried, so say which ones.
    if (typed === null) {
      const missing = noPasswordGiven(parsePgUrl(pgUrl).config.user ?? defaultPgUser(process.env));
      throw new ContractError('auth-failed', missing.message, missing.hint);
    }
    await connect(withPgPassword(pgUrl, typed));
  }
}
