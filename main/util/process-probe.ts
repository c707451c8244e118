import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What we can learn about a process by pid, without being its parent: is it alive, what command line, which
 * working directory, which parent. Linux reads /proc; macOS asks `ps`; elsewhere the answers are `undefined`
 * and callers must then refuse to act (never signal a pid we cannot identify).
 */
const execFileAsync = promisify(execFile);
const LINUX = process.platform === 'linux';
const MAC = process.platform === 'darwin';

async function ps(pid: number, field: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('ps', ['-ww', '-o', `${field}=`, '-p', String(pid)]);
    const out = stdout.trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may itself contain spaces and parentheses). */
async function procStat(pid: number): Promise<string[] | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A zombie has exited but not been reaped (e.g. an orphan under a container init that does not reap): it is gone. */
async function isZombie(pid: number): Promise<boolean> {
  if (LINUX) {
    const state = (await procStat(pid))?.[0];
    return state === undefined || state === 'Z' || state === 'X';
  }
  if (MAC) return (await ps(pid, 'stat'))?.includes('Z') ?? true;
  return false;
}

export async function isProcessAlive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !(await isZombie(pid));
}

export async function processCommandLine(pid: number): Promise<string | undefined> {
  if (LINUX) {
    try {
      return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
    } catch {
      return undefined;
    }
  }
  return MAC ? ps(pid, 'command') : undefined;
}

/** The process's working directory (Linux only: PostgreSQL and Redis both chdir into their data folder). */
export async function processCwd(pid: number): Promise<string | undefined> {
  if (!LINUX) return undefined;
  try {
    return await readlink(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

export async function processParent(pid: number): Promise<number | undefined> {
  const text = LINUX ? (await procStat(pid))?.[1] : MAC ? await ps(pid, 'ppid') : undefined;
  return text === undefined ? undefined : Number(text);
}

/** Polls until the pid is gone (or a zombie); false when it is still there after `timeoutMs`. */
export async function waitForProcessExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Sends a signal, ignoring a process that vanished in between. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
