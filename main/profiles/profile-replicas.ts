import { maskPgUrl, parsePgUrl, StackError } from '../stack/index.ts';
import { joinUrlSecret, splitUrlSecret } from './url-secrets.ts';

/**
 * A profile's read replicas: each URL kept on disk without its password, like the primary's; the passwords go
 * where the primary's go (memory, or the encrypted secret when the user asked), one per replica, in order. A
 * replica without a password of its own connects with the primary's (see main/stack/remote/replica-connect.ts).
 */

/** One replica as profiles.json holds it. */
export interface StoredReplica {
  url: string;
  hasPassword: boolean;
}

/** How a saved password appears in the URLs the console shows (the same mask as the primary's). */
const MASK = '****';

/**
 * The replicas to store and their passwords, from the URLs a save gives. An edit that sends a replica's URL back
 * with the masked password keeps the password the replica at the same position had.
 */
export function splitReplicas(
  urls: readonly string[],
  old: { replicas: readonly StoredReplica[]; passwords: readonly (string | null)[] } | null,
): { replicas: StoredReplica[]; passwords: (string | null)[] } {
  const replicas: StoredReplica[] = [];
  const passwords: (string | null)[] = [];
  urls.forEach((given, index) => {
    // Malformed URLs are refused with the same errors as stack.connect, before anything is written.
    try {
      parsePgUrl(given);
    } catch (error) {
      if (!(error instanceof StackError)) throw error;
      throw new StackError(error.code, `Read replica replica-${index + 1}: ${error.message}`, error.hint);
    }
    const split = splitUrlSecret(given);
    const masked = split.password === MASK;
    const password = masked ? (old?.passwords[index] ?? null) : split.password;
    replicas.push({ url: split.url, hasPassword: masked ? old?.replicas[index]?.hasPassword === true : password !== null });
    passwords.push(password);
  });
  return { replicas, passwords };
}

/** The replicas' full URLs (passwords put back where known) to connect with. */
export function replicaConnectionUrls(replicas: readonly StoredReplica[], passwords: readonly (string | null)[] | undefined): string[] {
  return replicas.map((replica, index) => joinUrlSecret(replica.url, passwords?.[index] ?? null));
}

/** The replicas' URLs as the console shows them: a saved password as `****`. */
export function replicaDisplayUrls(replicas: readonly StoredReplica[]): string[] {
  return replicas.map((replica) => maskPgUrl(replica.hasPassword ? joinUrlSecret(replica.url, MASK) : replica.url));
}
