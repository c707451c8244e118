import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { StackError } from '../stack-errors.ts';
import type { LocalStackPaths } from './data-dir.ts';
import { isProcessAlive, processCommandLine, processCwd, signalProcess, waitForProcessExit } from '../../util/process-probe.ts';

/**
 * After a crash of the process that ran the local stack (SIGKILL, power cut of the app), its PostgreSQL and
 * Redis keep running, holding the data folder and ports. On the next start we find them through their pid
 * files, make sure each pid really is *our* server for *this* data folder (a pid may have been recycled by an
 * unrelated program, which we must never signal), stop them, and remove pid files of dead processes.
 */

export interface PidRecord {
  pid: number;
  port: number | undefined;
}

async function readLines(file: string): Promise<string[] | undefined> {
  try {
    return (await readFile(file, 'utf8')).split('\n').map((l) => l.trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function toRecord(lines: string[] | undefined, portLine: number): PidRecord | undefined {
  const pid = Number(lines?.[0]);
  if (!lines || !Number.isInteger(pid) || pid <= 0) return undefined;
  const port = Number(lines[portLine]);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

/** PostgreSQL's own lock file: line 1 the postmaster pid, line 4 the port. */
export async function readPostmasterPid(paths: LocalStackPaths): Promise<PidRecord | undefined> {
  return toRecord(await readLines(path.join(paths.postgres, 'postmaster.pid')), 3);
}

/** Our Redis pid file: line 1 the pid, line 2 the port. */
export async function readRedisPid(paths: LocalStackPaths): Promise<PidRecord | undefined> {
  return toRecord(await readLines(paths.redisPidFile), 1);
}

function mentions(commandLine: string | undefined, dir: string): boolean {
  if (!commandLine) return false;
  return commandLine.split(/\s+/).includes(dir) || commandLine.includes(` ${dir} `) || commandLine.endsWith(` ${dir}`);
}

/** The postmaster was started with `-D <our PGDATA>` and runs in it. */
export async function isOurPostgres(pid: number, paths: LocalStackPaths): Promise<boolean> {
  if (!(await isProcessAlive(pid))) return false;
  const commandLine = await processCommandLine(pid);
  if (!commandLine || !/postgres/.test(commandLine)) return false;
  const cwd = await processCwd(pid);
  return mentions(commandLine, paths.postgres) || cwd === paths.postgres;
}

/**
 * Redis rewrites its command line to "redis-server 127.0.0.1:<port>", so the data folder is not in it; on
 * Linux it runs in our redis folder (we set `dir`), elsewhere the recorded port must match.
 */
export async function isOurRedis(record: PidRecord, paths: LocalStackPaths): Promise<boolean> {
  if (!(await isProcessAlive(record.pid))) return false;
  const commandLine = await processCommandLine(record.pid);
  if (!commandLine || !/redis-server/.test(commandLine)) return false;
  const cwd = await processCwd(record.pid);
  if (cwd !== undefined) return cwd === paths.redis;
  return record.port !== undefined && commandLine.includes(`:${record.port}`);
}

/** Signals in order of increasing force until the process is gone. */
async function stopProcess(pid: number, steps: Array<[NodeJS.Signals, number]>, what: string): Promise<void> {
  for (const [signal, waitMs] of steps) {
    signalProcess(pid, signal);
    if (await waitForProcessExit(pid, waitMs)) return;
  }
  throw new StackError(
    'local-stack-failed',
    `Could not stop the ${what} (pid ${pid}) left running by an earlier Hotpath.`,
    `Stop it by hand (kill ${pid}) and start again.`,
  );
}

export interface OrphanReport {
  postgresPid?: number;
  redisPid?: number;
}

/**
 * Stops our PostgreSQL and Redis left over from an earlier run and removes stale pid files. The caller has
 * already made sure no live Hotpath process still owns them (see owner-lock.ts).
 */
export async function stopOrphans(paths: LocalStackPaths, log: (line: string) => void): Promise<OrphanReport> {
  const report: OrphanReport = {};
  const pgRecord = await readPostmasterPid(paths);
  if (pgRecord) {
    if (await isOurPostgres(pgRecord.pid, paths)) {
      log(`stopping PostgreSQL (pid ${pgRecord.pid}) left running by an earlier run`);
      // SIGINT: fast shutdown (roll back, write a checkpoint); SIGQUIT: immediate; SIGKILL as the last resort.
      await stopProcess(
        pgRecord.pid,
        [
          ['SIGINT', 30_000],
          ['SIGQUIT', 10_000],
          ['SIGKILL', 5_000],
        ],
        'PostgreSQL',
      );
      report.postgresPid = pgRecord.pid;
    }
    // A clean shutdown removes the lock file itself; after a crash or SIGKILL it is stale, and PostgreSQL would
    // refuse to start if its pid now belongs to another program.
    if (!(await isOurPostgres(pgRecord.pid, paths))) await rm(path.join(paths.postgres, 'postmaster.pid'), { force: true });
  }
  const redisRecord = await readRedisPid(paths);
  if (redisRecord) {
    if (await isOurRedis(redisRecord, paths)) {
      log(`stopping Redis (pid ${redisRecord.pid}) left running by an earlier run`);
      await stopProcess(
        redisRecord.pid,
        [
          ['SIGTERM', 10_000],
          ['SIGKILL', 5_000],
        ],
        'Redis',
      );
      report.redisPid = redisRecord.pid;
    }
    await rm(paths.redisPidFile, { force: true });
  }
  return report;
}
