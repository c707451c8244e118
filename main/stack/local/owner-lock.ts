import { readFile, rm, writeFile } from 'node:fs/promises';
import { StackError } from '../stack-errors.ts';
import type { LocalStackPaths } from './data-dir.ts';
import { isOurPostgres, isOurRedis, readPostmasterPid, readRedisPid } from './orphan-cleanup.ts';
import { isProcessAlive, processParent } from '../../util/process-probe.ts';

/**
 * Tells an orphaned stack (its Hotpath died) from one that another running Hotpath still uses: the servers
 * are our children, so a live owner is recorded in the owner file AND is the parent of the running servers.
 * Only in that case do we refuse to start; everything else is an orphan or stale and may be cleaned up.
 */

async function readOwner(paths: LocalStackPaths): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(paths.ownerPidFile, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function serverPidsOwnedBy(owner: number, paths: LocalStackPaths): Promise<number[]> {
  const owned: number[] = [];
  const pgRecord = await readPostmasterPid(paths);
  if (pgRecord && (await isOurPostgres(pgRecord.pid, paths)) && (await processParent(pgRecord.pid)) === owner) owned.push(pgRecord.pid);
  const redisRecord = await readRedisPid(paths);
  if (redisRecord && (await isOurRedis(redisRecord, paths)) && (await processParent(redisRecord.pid)) === owner)
    owned.push(redisRecord.pid);
  return owned;
}

/** Throws 'local-stack-in-use' when a live Hotpath (or this process) runs the stack of this data folder. */
export async function claimOwnership(paths: LocalStackPaths): Promise<void> {
  const owner = await readOwner(paths);
  if (owner !== undefined && (await isProcessAlive(owner))) {
    const owned = await serverPidsOwnedBy(owner, paths);
    if (owned.length > 0) {
      const self = owner === process.pid;
      throw new StackError(
        'local-stack-in-use',
        self
          ? `The local stack in ${paths.root} is already running in this process.`
          : `The local stack in ${paths.root} is in use by another Hotpath (pid ${owner}).`,
        self ? 'Stop it before starting it again.' : `Quit that Hotpath first, or give this one another data folder (--data-dir).`,
      );
    }
  }
  await writeFile(paths.ownerPidFile, `${process.pid}\n`, { mode: 0o600 });
}

/** Removes the owner file if it is still ours. */
export async function releaseOwnership(paths: LocalStackPaths): Promise<void> {
  if ((await readOwner(paths)) === process.pid) await rm(paths.ownerPidFile, { force: true });
}
