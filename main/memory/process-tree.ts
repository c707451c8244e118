/**
 * Memory and CPU of another process (the local stack's PostgreSQL or Redis) read straight from /proc: a few
 * small files per process, no child process spawned and no systeminformation call, so it is cheap enough for
 * every sample. Linux only; elsewhere every reading is null (the caller shows "not available", never a guess).
 */
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat's times: USER_HZ, which Linux fixes at 100 for user space. */
const USER_HZ = 100;

export interface ProcessUsage {
  /** Resident memory of the process and its children: private memory summed, shared memory counted once. */
  rssBytes: number;
  /** utime + stime of the process and its live children, in ms of CPU. */
  cpuMs: number;
  /** How many processes were summed (the postmaster plus its backends and workers). */
  processes: number;
}

interface OneProcess {
  anonBytes: number;
  fileBytes: number;
  shmemBytes: number;
  cpuMs: number;
}

const onLinux = process.platform === 'linux';

/** Reads VmRSS's parts from /proc/<pid>/status (world-readable, unlike smaps) and the CPU times from stat. */
async function readOne(pid: number): Promise<OneProcess | null> {
  try {
    const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    // The command name (field 2) may contain spaces and parentheses: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    return { anonBytes: kib('RssAnon'), fileBytes: kib('RssFile'), shmemBytes: kib('RssShmem'), cpuMs: (ticks * 1000) / USER_HZ };
  } catch {
    return null; // gone, or not ours to read
  }
}

/** Direct children from /proc/<pid>/task/<pid>/children (needs CONFIG_PROC_CHILDREN); else a scan of /proc/<n>/stat. */
async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    const children: number[] = [];
    for (const name of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(name)) continue;
      const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(name));
    }
    return children;
  }
}

/**
 * The process and (when `withChildren`) its direct children. RSS counts shared pages in every process that
 * touched them (PostgreSQL's shared_buffers would be counted once per backend), so private memory (RssAnon)
 * is summed and the shared parts (RssShmem, RssFile: shared buffers, binaries and libraries) are taken once,
 * as the largest any process maps. Null when the process is not there or this is not Linux.
 */
export async function readProcessUsage(pid: number, withChildren: boolean): Promise<ProcessUsage | null> {
  if (!onLinux || !(Number.isSafeInteger(pid) && pid > 0)) return null;
  const root = await readOne(pid);
  if (!root) return null;
  const all = [root];
  if (withChildren) {
    const children = await Promise.all((await childrenOf(pid)).map(readOne));
    for (const child of children) if (child) all.push(child);
  }
  let anon = 0;
  let shared = 0;
  let file = 0;
  let cpuMs = 0;
  for (const p of all) {
    anon += p.anonBytes;
    shared = Math.max(shared, p.shmemBytes);
    file = Math.max(file, p.fileBytes);
    cpuMs += p.cpuMs;
  }
  return { rssBytes: anon + shared + file, cpuMs, processes: all.length };
}
