import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { z } from 'zod';
import { ContractError } from '../contract/api.ts';
import type { ConnectionProfile, ProfileList, ReplicaPolicyName, saveProfileParamsSchema, SecretStorage } from '../contract/profiles.ts';
import { maskPgUrl, parsePgUrl, maskRedisUrl, parseRedisUrl } from '../stack/index.ts';
import { PROFILES_FILE_NAME, readProfilesFile, writeProfilesFile, type StoredProfile, type StoredSecret } from './profile-file.ts';
import type { SecretCipher } from './secret-cipher.ts';
import { joinSentinelPassword, joinUrlSecret, sentinelPasswordOf, splitUrlSecret } from './url-secrets.ts';
import { l3ConnectionUrl, l3DisplayUrl, splitL3 } from './profile-l3.ts';
import { replicaConnectionUrls, replicaDisplayUrls, splitReplicas, type StoredReplica } from './profile-replicas.ts';

export type SaveProfileInput = z.output<typeof saveProfileParamsSchema>;

/** How a saved password appears in the URLs the console shows (and may send back on an edit). */
export const MASKED_PASSWORD = '****';

function unmasked<T extends { password: string | null }>(split: T, editing: boolean): T {
  return editing && split.password === MASKED_PASSWORD ? { ...split, password: null } : split;
}

/** A Redis URL split: its data servers' password, and a Sentinel URL's sentinels' own (`sentinelPassword`). */
interface SplitRedis {
  url: string;
  password: string | null;
  sentinelPassword: string | null;
}

function splitRedis(input: string, editing: boolean): SplitRedis {
  const sentinel = sentinelPasswordOf(input);
  return {
    ...unmasked(splitUrlSecret(input), editing),
    sentinelPassword: editing && sentinel === MASKED_PASSWORD ? null : sentinel,
  };
}

function isSentinelUrl(url: string): boolean {
  return /^rediss?\+sentinel:\/\//i.test(url);
}

/** The passwords of one profile, in clear: only ever in memory. */
export interface ProfileSecrets {
  pg: string | null;
  redis: string | null;
  /** The read replicas' own passwords, by position (null: none; it then connects with the primary's). */
  replicas?: (string | null)[];
  /** The S3 secret access key of the profile's L3 (null or absent: none). */
  l3?: string | null;
  /** A Sentinel Redis URL's `sentinelPassword`, the sentinels' own (null or absent: none). */
  redisSentinel?: string | null;
}

/** What connecting to a profile needs: the full URLs, passwords included. */
export interface ProfileConnection {
  id: string;
  name: string;
  pgUrl: string;
  redisUrl: string | null;
  /** The read replicas' URLs, passwords included where they have their own. */
  replicaUrls: string[];
  /** The object-store tier (L3), secret included; null: the engine's start-up L3. */
  l3Url: string | null;
  /** How reads are spread over the replicas, and lag-bounded's bound; null: the engine's start-up ones. */
  replicaPolicy: ReplicaPolicyName | null;
  replicaMaxLagSeconds: number | null;
}

export interface ProfileStoreOptions {
  /** The engine's data folder; the profiles live in `<dataDir>/profiles.json`. */
  dataDir: string;
  /** Encrypts passwords the user asked to save; null: passwords are never written to disk. */
  cipher: SecretCipher | null;
  /** Shown in `secretStorage.warning` when there is no cipher: the host knows how the user gets one. */
  noCipherWarning: string;
  now?: () => number;
}

const SECRET_HINT = 'Enter the password to connect; tick "save password" when saving the profile to keep it, encrypted, across restarts.';

/**
 * Connection profiles: names and URLs on disk (passwords split off), passwords in memory for the session,
 * and on disk only encrypted and only when the user asked. Writes are serialized so that two saves at once
 * cannot lose one another.
 */
export class ProfileStore {
  readonly file: string;
  private readonly memory = new Map<string, ProfileSecrets>();
  private writes: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: ProfileStoreOptions) {
    this.file = join(options.dataDir, PROFILES_FILE_NAME);
    this.now = options.now ?? Date.now;
  }

  secretStorage(): SecretStorage {
    const cipher = this.options.cipher;
    return cipher
      ? { kind: cipher.kind, canPersist: true, warning: cipher.warning }
      : { kind: 'none', canPersist: false, warning: this.options.noCipherWarning };
  }

  async list(): Promise<ProfileList> {
    const { profiles } = await readProfilesFile(this.file);
    return { profiles: profiles.map((p) => this.describe(p)), secretStorage: this.secretStorage() };
  }

  /** Creates a profile, or edits one when `id` is given. A URL without a password keeps the old one. */
  async save(input: SaveProfileInput): Promise<ConnectionProfile> {
    // Malformed URLs are refused with the same errors as stack.connect, before anything is written.
    parsePgUrl(input.pgUrl);
    if (input.redisUrl !== undefined) parseRedisUrl(input.redisUrl);
    // An edit form shows the saved URL with its password masked; sent back unchanged, the
    // mask means "keep the saved password", never a password of four stars.
    const editing = input.id !== undefined;
    const pg = unmasked(splitUrlSecret(input.pgUrl), editing);
    const redis = input.redisUrl === undefined ? null : splitRedis(input.redisUrl, editing);
    return await this.exclusive(async () => {
      const data = await readProfilesFile(this.file);
      const index = input.id === undefined ? -1 : data.profiles.findIndex((p) => p.id === input.id);
      if (input.id !== undefined && index < 0) throw notFound(input.id);
      const old = index >= 0 ? data.profiles[index]! : null;
      const id = old?.id ?? randomUUID();
      const { hasPassword, secrets } = this.mergedSecrets(old, pg, redis);
      const replicas = this.replicasOf(input.replicaUrls, old);
      if (replicas.passwords.some((p) => p !== null)) secrets.replicas = replicas.passwords;
      const l3 = this.l3Of(input.l3Url, old, secrets);
      if (hasAnySecret(secrets)) this.memory.set(id, secrets);
      else this.memory.delete(id);
      const record: StoredProfile = {
        id,
        name: input.name,
        pgUrl: pg.url,
        redisUrl: redis?.url ?? null,
        hasPassword,
        replicas: replicas.replicas,
        l3: l3.l3,
        ...replicaReadsOf(input, old),
        savedSecret: input.saveSecret
          ? this.persistable(
              secrets,
              old,
              pg.password !== null || redis?.password != null || redis?.sentinelPassword != null || replicas.given || l3.given,
            )
          : null,
        createdAt: old?.createdAt ?? this.now(),
        lastUsedAt: old?.lastUsedAt ?? null,
      };
      if (old) data.profiles[index] = record;
      else data.profiles.push(record);
      await writeProfilesFile(this.file, data);
      return this.describe(record);
    });
  }

  /**
   * Which passwords a saved profile has and what they are, after an edit: a password given wins; a URL without
   * one keeps the old profile's (the Redis one only while the profile still has a Redis URL; the sentinels' one
   * only while that URL is still a Sentinel URL).
   */
  private mergedSecrets(
    old: StoredProfile | null,
    pg: { password: string | null },
    redis: SplitRedis | null,
  ): { hasPassword: StoredProfile['hasPassword']; secrets: ProfileSecrets } {
    const known = old ? this.knownSecrets(old) : null;
    const sentinel = mergedSentinelPassword(redis, old, known);
    const hasPassword = {
      pg: pg.password !== null || (old?.hasPassword.pg ?? false),
      redis: redis !== null && (redis.password !== null || (old?.hasPassword.redis ?? false)),
      redisSentinel: sentinel.has,
    };
    const secrets: ProfileSecrets = {
      pg: pg.password ?? (hasPassword.pg ? (known?.pg ?? null) : null),
      redis: redis === null ? null : (redis.password ?? known?.redis ?? null),
      ...(sentinel.password === null ? {} : { redisSentinel: sentinel.password }),
    };
    return { hasPassword, secrets };
  }

  /** The replicas a save stores: those given (see splitReplicas), or on an edit without any, the old ones. */
  private replicasOf(
    given: readonly string[] | undefined,
    old: StoredProfile | null,
  ): { replicas: StoredReplica[]; passwords: (string | null)[]; given: boolean } {
    const oldPasswords = old ? (this.knownSecrets(old)?.replicas ?? []) : [];
    if (given === undefined) return { replicas: old?.replicas ?? [], passwords: oldPasswords, given: false };
    const split = splitReplicas(given, old ? { replicas: old.replicas, passwords: oldPasswords } : null);
    return { ...split, given: split.passwords.some((p, i) => p !== null && p !== oldPasswords[i]) };
  }

  async delete(id: string): Promise<ProfileList> {
    await this.exclusive(async () => {
      const data = await readProfilesFile(this.file);
      if (!data.profiles.some((p) => p.id === id)) throw notFound(id);
      await writeProfilesFile(this.file, { ...data, profiles: data.profiles.filter((p) => p.id !== id) });
      this.memory.delete(id);
    });
    return await this.list();
  }

  /**
   * The full URLs to connect with. `password` (typed by the user) stands in for the PostgreSQL password;
   * a password that is needed and not known is a `secret-needed` error, so the UI can ask for it.
   */
  async connection(id: string, password?: string): Promise<ProfileConnection> {
    const { profiles } = await readProfilesFile(this.file);
    const profile = profiles.find((p) => p.id === id);
    if (!profile) throw notFound(id);
    let known = this.memory.get(id) ?? null;
    const redisNeeded = profile.hasPassword.redis && known?.redis == null;
    const pgNeeded = profile.hasPassword.pg && password === undefined && known?.pg == null;
    if (profile.savedSecret && (pgNeeded || redisNeeded || otherSecretsUnknown(profile, known))) {
      try {
        known = this.decrypt(profile.savedSecret);
      } catch (error) {
        throw new ContractError(
          'secret-needed',
          `The saved password of profile "${profile.name}" cannot be read: ${(error as Error).message}.`,
          SECRET_HINT,
        );
      }
    }
    const pgPassword = password ?? known?.pg ?? null;
    if (profile.hasPassword.pg && pgPassword === null) {
      throw new ContractError(
        'secret-needed',
        `The password of profile "${profile.name}" is not known: it was not saved, and Hotpath has restarted since it was entered.`,
        SECRET_HINT,
      );
    }
    return {
      id,
      name: profile.name,
      l3Url: l3Target(profile, known),
      pgUrl: joinUrlSecret(profile.pgUrl, pgPassword),
      redisUrl: redisTarget(profile, known),
      replicaUrls: replicaConnectionUrls(profile.replicas, known?.replicas),
      replicaPolicy: profile.replicaPolicy,
      replicaMaxLagSeconds: profile.replicaMaxLagSeconds,
    };
  }

  /** Keeps a password that just worked (typed at connect) for the rest of the session. */
  remember(id: string, pgPassword: string): void {
    this.memory.set(id, { ...this.memory.get(id), pg: pgPassword, redis: this.memory.get(id)?.redis ?? null });
  }

  async markUsed(id: string): Promise<void> {
    await this.exclusive(async () => {
      const data = await readProfilesFile(this.file);
      const profile = data.profiles.find((p) => p.id === id);
      if (!profile) return;
      profile.lastUsedAt = this.now();
      await writeProfilesFile(this.file, data);
    });
  }

  private describe(profile: StoredProfile): ConnectionProfile {
    const needsSecret = profile.hasPassword.pg || profile.hasPassword.redis || profile.hasPassword.redisSentinel;
    const inMemory = this.memory.get(profile.id);
    const covered =
      inMemory !== undefined &&
      (!profile.hasPassword.pg || inMemory.pg !== null) &&
      (!profile.hasPassword.redis || inMemory.redis !== null) &&
      (!profile.hasPassword.redisSentinel || inMemory.redisSentinel != null);
    // A saved secret counts as available when this host has the cipher that made it; if the key has changed
    // since, connecting says so and asks for the password (we do not decrypt just to list).
    const decryptable = profile.savedSecret !== null && this.options.cipher?.kind === profile.savedSecret.kind;
    return {
      id: profile.id,
      name: profile.name,
      pgDisplayUrl: maskPgUrl(profile.hasPassword.pg ? joinUrlSecret(profile.pgUrl, MASKED_PASSWORD) : profile.pgUrl),
      redisDisplayUrl:
        profile.redisUrl === null
          ? null
          : maskRedisUrl(
              joinSentinelPassword(
                profile.hasPassword.redis ? joinUrlSecret(profile.redisUrl, MASKED_PASSWORD) : profile.redisUrl,
                profile.hasPassword.redisSentinel ? MASKED_PASSWORD : null,
              ),
            ),
      secretSaved: profile.savedSecret !== null,
      secretAvailable: !needsSecret || covered || decryptable,
      needsSecret,
      lastUsedAt: profile.lastUsedAt,
      ...(profile.replicas.length > 0 ? { replicaDisplayUrls: replicaDisplayUrls(profile.replicas) } : {}),
      ...(profile.l3 ? { l3DisplayUrl: l3DisplayUrl(profile.l3) } : {}),
      ...(profile.replicaPolicy === null ? {} : { replicaPolicy: profile.replicaPolicy }),
      ...(profile.replicaMaxLagSeconds === null ? {} : { replicaMaxLagSeconds: profile.replicaMaxLagSeconds }),
    };
  }

  /** The L3 a save stores (see splitL3); its secret, if any, joins the other secrets. */
  private l3Of(given: string | undefined, old: StoredProfile | null, secrets: ProfileSecrets): ReturnType<typeof splitL3> {
    const l3 = splitL3(given, { l3: old?.l3 ?? null, secret: old ? (this.knownSecrets(old)?.l3 ?? null) : null });
    if (l3.secret !== null) secrets.l3 = l3.secret;
    return l3;
  }

  /** The profile's passwords from memory, or decrypted from disk; null when neither works. */
  private knownSecrets(profile: StoredProfile): ProfileSecrets | null {
    const inMemory = this.memory.get(profile.id);
    if (inMemory) return inMemory;
    if (!profile.savedSecret) return null;
    try {
      return this.decrypt(profile.savedSecret);
    } catch {
      return null;
    }
  }

  /** What to write to disk when the user asked to save the password. */
  private persistable(secrets: ProfileSecrets, old: StoredProfile | null, newPassword: boolean): StoredSecret | null {
    const cipher = this.options.cipher;
    if (cipher && hasAnySecret(secrets)) {
      return { kind: cipher.kind, data: cipher.encrypt(JSON.stringify(secrets)) };
    }
    // No new password and nothing we could re-encrypt (no cipher, or another key): keep what is there.
    return newPassword ? null : (old?.savedSecret ?? null);
  }

  private decrypt(secret: StoredSecret): ProfileSecrets {
    const cipher = this.options.cipher;
    if (!cipher) throw new Error(`it was encrypted with ${describeKind(secret.kind)}, and this host has no way to decrypt it`);
    if (cipher.kind !== secret.kind)
      throw new Error(`it was encrypted with ${describeKind(secret.kind)}, and this host uses ${describeKind(cipher.kind)}`);
    const parsed = JSON.parse(cipher.decrypt(secret.data)) as Partial<ProfileSecrets>;
    return {
      pg: typeof parsed.pg === 'string' ? parsed.pg : null,
      redis: typeof parsed.redis === 'string' ? parsed.redis : null,
      ...(Array.isArray(parsed.replicas) ? { replicas: parsed.replicas.map((p) => (typeof p === 'string' ? p : null)) } : {}),
      ...(typeof parsed.l3 === 'string' ? { l3: parsed.l3 } : {}),
      ...(typeof parsed.redisSentinel === 'string' ? { redisSentinel: parsed.redisSentinel } : {}),
    };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work, work);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

/** Some replica has a password of its own that memory does not hold (a saved secret may). */
function replicaPasswordsUnknown(replicas: readonly StoredReplica[], known: ProfileSecrets | null): boolean {
  return replicas.some((r) => r.hasPassword) && known?.replicas === undefined;
}

/** A replica's, the L3's or the sentinels' secret is needed and memory does not hold it (a saved secret may). */
function otherSecretsUnknown(profile: StoredProfile, known: ProfileSecrets | null): boolean {
  return (
    replicaPasswordsUnknown(profile.replicas, known) ||
    (profile.l3?.hasSecret === true && known?.l3 == null) ||
    (profile.hasPassword.redisSentinel && known?.redisSentinel == null)
  );
}

/**
 * The read policy a save stores: what it gives (null: none, the engine's start-up one), or on an edit without it the
 * old one. A bound is kept only with `lag-bounded`, the one policy that reads it.
 */
function replicaReadsOf(
  input: Pick<SaveProfileInput, 'replicaPolicy' | 'replicaMaxLagSeconds'>,
  old: StoredProfile | null,
): Pick<StoredProfile, 'replicaPolicy' | 'replicaMaxLagSeconds'> {
  const replicaPolicy = input.replicaPolicy === undefined ? (old?.replicaPolicy ?? null) : input.replicaPolicy;
  const maxLag = input.replicaMaxLagSeconds === undefined ? (old?.replicaMaxLagSeconds ?? null) : input.replicaMaxLagSeconds;
  return { replicaPolicy, replicaMaxLagSeconds: replicaPolicy === 'lag-bounded' ? maxLag : null };
}

/**
 * A save's sentinels' password: the one given, else (an edit whose URL is still a Sentinel URL) the old one. `has`:
 * the profile needs one to connect.
 */
function mergedSentinelPassword(
  redis: SplitRedis | null,
  old: StoredProfile | null,
  known: ProfileSecrets | null,
): { has: boolean; password: string | null } {
  if (redis === null || !isSentinelUrl(redis.url)) return { has: false, password: null };
  return {
    has: redis.sentinelPassword !== null || (old?.hasPassword.redisSentinel ?? false),
    password: redis.sentinelPassword ?? known?.redisSentinel ?? null,
  };
}

/** The Redis URL to connect with, both passwords included; one that is needed and not known is a `secret-needed` error. */
function redisTarget(profile: StoredProfile, known: ProfileSecrets | null): string | null {
  if (profile.redisUrl === null) return null;
  const password = known?.redis ?? null;
  if (profile.hasPassword.redis && password === null) {
    throw new ContractError(
      'secret-needed',
      `The Redis password of profile "${profile.name}" is not known: it was not saved, and Hotpath has restarted since it was entered.`,
      'Edit the profile and give its Redis URL with the password again.',
    );
  }
  const sentinelPassword = known?.redisSentinel ?? null;
  if (profile.hasPassword.redisSentinel && sentinelPassword === null) {
    throw new ContractError(
      'secret-needed',
      `The sentinels' password of profile "${profile.name}" is not known: it was not saved, and Hotpath has restarted since it was entered.`,
      'Edit the profile and give its Redis URL with ?sentinelPassword=… again.',
    );
  }
  return joinSentinelPassword(joinUrlSecret(profile.redisUrl, password), sentinelPassword);
}

/** The L3 URL to connect with, secret included; a secret that is needed and not known is a `secret-needed` error. */
function l3Target(profile: StoredProfile, known: ProfileSecrets | null): string | null {
  if (!profile.l3) return null;
  const secret = known?.l3 ?? null;
  if (profile.l3.hasSecret && secret === null) {
    throw new ContractError(
      'secret-needed',
      `The S3 secret key of profile "${profile.name}" is not known: it was not saved, and Hotpath has restarted since it was entered.`,
      'Edit the profile and give its object store URL with the secret again (or leave the credentials out to use the AWS_* environment variables).',
    );
  }
  return l3ConnectionUrl(profile.l3, secret);
}

function hasAnySecret(secrets: ProfileSecrets): boolean {
  return (
    secrets.pg !== null ||
    secrets.redis !== null ||
    (secrets.replicas ?? []).some((p) => p !== null) ||
    (secrets.l3 ?? null) !== null ||
    (secrets.redisSentinel ?? null) !== null
  );
}

function describeKind(kind: StoredSecret['kind']): string {
  return kind === 'safeStorage' ? "the desktop app's OS keychain (safeStorage)" : 'a HOTPATH_SECRET_KEY';
}

function notFound(id: string): ContractError {
  return new ContractError(
    'profile-not-found',
    `No saved connection profile has the id "${id}".`,
    'List the profiles again: it may have been deleted in another window.',
  );
}
