import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { StackError } from '../stack-errors.ts';
import type { LocalStackPaths } from './data-dir.ts';

/** Passwords of the local stack, generated on first start and kept in a 0600 file in the data folder. */
export interface LocalCredentials {
  postgresPassword: string;
  redisPassword: string;
}

function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

function damaged(file: string, detail: string): StackError {
  return new StackError(
    'data-dir-unusable',
    `The password file ${file} is damaged: ${detail}.`,
    `Restore it from a backup, or delete ${file} together with the postgres folder next to it to start the local stack afresh (this deletes the demo data).`,
  );
}

export async function readCredentials(file: string): Promise<LocalCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(file, 'it is not JSON');
  }
  const rec = parsed as Partial<LocalCredentials> | null;
  if (typeof rec?.postgresPassword !== 'string' || rec.postgresPassword === '') throw damaged(file, 'postgresPassword is missing');
  // Files from before Redis had a password get one now; Redis reads it fresh on every start.
  const redisPassword = typeof rec.redisPassword === 'string' && rec.redisPassword !== '' ? rec.redisPassword : generatePassword();
  // Someone may have loosened the mode; passwords stay private to this user.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return { postgresPassword: rec.postgresPassword, redisPassword };
}

/** Reads the credentials, creating the file (exclusively, mode 0600) when it does not exist yet. */
export async function loadOrCreateCredentials(file: string): Promise<{ credentials: LocalCredentials; created: boolean }> {
  const existing = await readCredentials(file);
  if (existing) return { credentials: existing, created: false };
  const credentials: LocalCredentials = { postgresPassword: generatePassword(), redisPassword: generatePassword() };
  try {
    await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { credentials: (await readCredentials(file))!, created: false };
    throw error;
  }
  return { credentials, created: true };
}

/**
 * The passwords for this data folder. A cluster that exists already was initialised with the password in the
 * file, so a missing file cannot be replaced by a new password: the server would reject it.
 */
export async function credentialsFor(paths: LocalStackPaths, clusterExists: boolean): Promise<LocalCredentials> {
  if (!clusterExists) return (await loadOrCreateCredentials(paths.credentials)).credentials;
  const existing = await readCredentials(paths.credentials);
  if (existing) return existing;
  throw new StackError(
    'data-dir-unusable',
    `The PostgreSQL data folder ${paths.postgres} exists, but its password file ${paths.credentials} is missing.`,
    `Restore ${paths.credentials}, or move ${paths.postgres} away to start the local stack afresh (this loses the demo data).`,
  );
}
