import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ContractError } from '../contract/api.ts';
import { describeZodError } from '../contract/command-dispatcher.ts';

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
  /** Which of the URLs had a password when saved (so we know to ask for it). */
  hasPassword: z.object({ pg: z.boolean(), redis: z.boolean() }),
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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: [] };
    throw damaged(file, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged(file, `it is not valid JSON (${(error as Error).message})`);
  }
  const parsed = profilesFileSchema.safeParse(json);
  if (!parsed.success) throw damaged(file, describeZodError(parsed.error));
  const ids = new Set<string>();
  for (const profile of parsed.data.profiles) {
    if (ids.has(profile.id)) throw damaged(file, `two profiles have the id "${profile.id}"`);
    ids.add(profile.id);
  }
  return parsed.data;
}

/**
 * Writes the file atomically: a temporary file in the same folder (mode 0600: it may hold encrypted
 * passwords and names your servers), flushed, then renamed over the old one. A crash leaves either the old
 * file or the new one, never half of either.
 */
export async function writeProfilesFile(file: string, data: ProfilesFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have taken bits away from 0600 at creation; make the mode exact.
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new ContractError('profiles-not-saved', `The connection profiles could not be saved to ${file}: ${(error as Error).message}.`,
      'Check that the folder exists and is writable by the user running Hotpath, and that the disk is not full.');
  }
}
