import { z } from 'zod';
import { ContractError } from '../contract/api.ts';
import { replicaPolicySchema } from '../contract/profiles.ts';
import { readJsonFile, writeJsonFileAtomic } from '../util/json-file.ts';

/** A secret as written to disk: which cipher made it, and its ciphertext. */
const storedSecretSchema = z.object({
  kind: z.enum(['safeStorage', 'env-key']),
  data: z.string().min(1),
});
export type StoredSecret = z.infer<typeof storedSecretSchema>;

const storedProfileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Without its password: a URL in this file never contains one. */
  pgUrl: z.string().min(1),
  redisUrl: z.string().min(1).nullable(),
  /**
   * Which of the URLs had a password when saved (so we know to ask for it); `redisSentinel`: the Redis URL's
   * sentinels' own `sentinelPassword` (files written before it have none).
   */
  hasPassword: z.object({ pg: z.boolean(), redis: z.boolean(), redisSentinel: z.boolean().default(false) }),
  /** Read replicas, each URL without its password (files written before replicas existed have none). */
  replicas: z.array(z.object({ url: z.string().min(1), hasPassword: z.boolean() })).default([]),
  /** The object-store tier (L3): a folder or an s3:// URL without its secret (files written before it have none). */
  l3: z
    .object({ url: z.string().min(1), hasSecret: z.boolean() })
    .nullable()
    .default(null),
  /** How reads are spread over the replicas, and lag-bounded's bound; null: the engine's start-up ones. */
  replicaPolicy: replicaPolicySchema.nullable().default(null),
  replicaMaxLagSeconds: z.number().positive().nullable().default(null),
  /** The passwords, encrypted; only when the user asked for it and a cipher existed. */
  savedSecret: storedSecretSchema.nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
export type StoredProfile = z.infer<typeof storedProfileSchema>;

const profilesFileSchema = z.object({
  version: z.literal(1, 'this file was written by another version of Hotpath (expected "version": 1)'),
  profiles: z.array(storedProfileSchema),
});
export type ProfilesFile = z.infer<typeof profilesFileSchema>;

export const PROFILES_FILE_NAME = 'profiles.json';

function damaged(file: string, detail: string): ContractError {
  return new ContractError(
    'profiles-unreadable',
    `The saved connection profiles in ${file} cannot be read: ${detail}.`,
    `Hotpath has not changed the file, so nothing is lost. Repair it by hand (it is JSON), or move it away (e.g. mv ${file} ${file}.bak) to start with no saved profiles.`,
  );
}

/**
 * Reads and validates the profiles file. A missing file is an empty list; anything else that is not a valid
 * profiles file is an error naming the file, and callers never write over it (every write reads first).
 */
export async function readProfilesFile(file: string): Promise<ProfilesFile> {
  const data = await readJsonFile(file, profilesFileSchema, { version: 1, profiles: [] }, (detail) => damaged(file, detail));
  const ids = new Set<string>();
  for (const profile of data.profiles) {
    if (ids.has(profile.id)) throw damaged(file, `two profiles have the id "${profile.id}"`);
    ids.add(profile.id);
  }
  return data;
}

/**
 * Writes the file atomically: a temporary file in the same folder (mode 0600: it may hold encrypted
 * passwords and names your servers), flushed, then renamed over the old one. A crash leaves either the old
 * file or the new one, never half of either.
 */
export async function writeProfilesFile(file: string, data: ProfilesFile): Promise<void> {
  await writeJsonFileAtomic(
    file,
    data,
    (detail) =>
      new ContractError(
        'profiles-not-saved',
        `The connection profiles could not be saved to ${file}: ${detail}.`,
        'Check that the folder exists and is writable by the user running Hotpath, and that the disk is not full.',
      ),
  );
}
