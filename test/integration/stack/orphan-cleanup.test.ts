import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../main/stack/local/data-dir.ts';
import type { LocalStackPaths } from '../../../main/stack/local/data-dir.ts';
import { stopOrphans } from '../../../main/stack/local/orphan-cleanup.ts';
import { claimOwnership } from '../../../main/stack/local/owner-lock.ts';
import { isProcessAlive } from '../../../main/util/process-probe.ts';

/** Pid files that point at processes which are not our servers: a recycled pid, or one that is gone. */
describe('orphan cleanup never signals a process that is not ours', () => {
  let root: string;
  let paths: LocalStackPaths;
  let stranger: ChildProcess;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hotpath-orphans-'));
    paths = await prepareDataDir(root);
    // An unrelated program that happens to hold the pid recorded in our files.
    stranger = spawn('sleep', ['300'], { stdio: 'ignore' });
    await new Promise((resolve) => stranger.once('spawn', resolve));
  });
  afterEach(async () => {
    stranger.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  async function writePidFiles(pid: number): Promise<void> {
    await mkdir(paths.postgres, { recursive: true });
    await writeFile(join(paths.postgres, 'postmaster.pid'), `${pid}\n${paths.postgres}\n0\n5432\n\n127.0.0.1\n0\nready\n`);
    await writeFile(paths.redisPidFile, `${pid}\n6399\n`);
  }

  it('leaves a live unrelated process alone and removes the stale pid files', async () => {
    await writePidFiles(stranger.pid!);
    const report = await stopOrphans(paths, () => undefined);
    expect(report).toEqual({});
    expect(await isProcessAlive(stranger.pid!)).toBe(true);
    expect(existsSync(join(paths.postgres, 'postmaster.pid'))).toBe(false);
    expect(existsSync(paths.redisPidFile)).toBe(false);
  });

  it('removes pid files of processes that are gone', async () => {
    const gone = spawn('true', { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    await writePidFiles(gone.pid!);
    expect(await stopOrphans(paths, () => undefined)).toEqual({});
    expect(existsSync(join(paths.postgres, 'postmaster.pid'))).toBe(false);
    expect(existsSync(paths.redisPidFile)).toBe(false);
  });

  it('an owner file naming a live process that runs none of our servers does not block a start', async () => {
    await writeFile(paths.ownerPidFile, `${stranger.pid}\n`);
    await claimOwnership(paths);
    expect((await readFile(paths.ownerPidFile, 'utf8')).trim()).toBe(String(process.pid));
  });
});
