import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { describeZodError } from '../contract/command-dispatcher.ts';

/**
 * Reads a JSON file and validates it. A missing file is `empty`; a file that cannot be read, is not JSON or does
 * not match `schema` is `damaged(detail)`, and the caller never writes over it (every write reads first).
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>, empty: T, damaged: (detail: string) => Error): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw damaged((error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged(`it is not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw damaged(describeZodError(parsed.error));
  return parsed.data;
}

/**
 * Writes `data` as JSON atomically: a temporary file in the same folder (mode 0600 whatever the umask: these files
 * name your servers and tables), flushed, then renamed over the old one. A crash leaves the old file or the new
 * one, never half of either. A failure removes the temporary file and throws `notSaved(detail)`.
 */
export async function writeJsonFileAtomic(file: string, data: unknown, notSaved: (detail: string) => Error): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw notSaved((error as Error).message);
  }
}
