/**
 * Keeps the process's other threads off one CPU, and the main thread on it: a CPU of its own among Hotpath's threads
 * (other processes, the local stack's servers among them, may still run there). A logical CPU: on a machine with
 * SMT its sibling may be one of the others.
 *
 * Why: the engine serves every request on its main thread's event loop, and on a machine with few cores that thread
 * shares them with the process's other threads: V8's garbage-collection helpers (a full collection of a large heap
 * marks with up to four of them at once), the plan selector's and trainer's worker threads, libuv's pool. When they
 * all run, the kernel deschedules the event loop for milliseconds at a time, requests queue behind it, and the
 * backlog drains slowly. With the main thread alone on its CPU, the others still run (on the rest), but never in its
 * place. docs/measurements.md has the figures.
 *
 * Linux only, with `taskset` (util-linux, in every Debian and Ubuntu base system); at least two usable CPUs.
 * Threads and child processes created later start on the main thread's CPU (a new thread or process inherits its
 * creator's), so both are listed again every second: new threads are moved to the other CPUs, and new child
 * processes (a local stack started from the console) get every CPU back. Better still, call this once the children
 * that matter run: a server's first second is then not spent on one CPU.
 */

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';

/** CPUs in the kernel's list syntax ("0-3,8,10-11"), ascending and unique; null if the text is not such a list. */
export function parseCpuList(text: string): number[] | null {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return null;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) return null;
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

export interface CoreSplit {
  /** The main thread's CPU. */
  mainCpu: number;
  /** Every other thread's CPUs. */
  otherCpus: number[];
}

/** The first usable CPU for the main thread, the rest for the others; null with fewer than two. */
export function splitCores(usable: readonly number[]): CoreSplit | null {
  if (usable.length < 2) return null;
  return { mainCpu: usable[0]!, otherCpus: usable.slice(1) };
}

export interface DedicatedCore extends CoreSplit {
  /**
   * Stops watching for newcomers and gives every thread of the process the CPUs the process could use before (child
   * processes keep what they have: every CPU, once a check has seen them).
   */
  stop(): Promise<void>;
}

export type DedicatedCoreResult = { ok: true; core: DedicatedCore } | { ok: false; reason: string };

/** How often the process's threads and children are listed to place newcomers. */
const NEWCOMER_CHECK_MS = 1_000;

/** Gives the main thread a CPU of its own (see the file's comment); says why not where it cannot. */
export async function dedicateCoreToMainThread(): Promise<DedicatedCoreResult> {
  if (process.platform !== 'linux') return { ok: false, reason: 'thread affinity is set on Linux only' };
  if (!isMainThread) return { ok: false, reason: 'only the main thread can take a CPU for itself' };
  const usable = allowedCpus('/proc/self/status');
  const split = usable && splitCores(usable);
  if (!usable || !split) return { ok: false, reason: 'the process may use only one CPU' };
  const pid = String(process.pid);
  // Listed before the pinning: a thread or child that appears while it runs is a newcomer, placed by the first check
  // (a thread that `taskset -a` caught as well is only moved where it already is).
  const newcomers = new Newcomers(pid, split.otherCpus.join(','), usable.join(','));
  await newcomers.markPresent();
  try {
    // -a: every thread the process has now; then the main thread alone (its thread id is the process id).
    await taskset(['-a', '-p', '-c', split.otherCpus.join(','), pid]);
    await taskset(['-p', '-c', String(split.mainCpu), pid]);
  } catch (error) {
    // Half done (every thread kept off the main thread's CPU, the main thread too) is worse than not at all.
    await taskset(['-a', '-p', '-c', usable.join(','), pid]).catch(() => undefined);
    return { ok: false, reason: tasksetFailure(error) };
  }

  let checking: Promise<void> | null = null;
  const timer = setInterval(() => {
    checking ??= newcomers
      .place()
      .catch(() => undefined)
      .finally(() => (checking = null));
  }, NEWCOMER_CHECK_MS);
  timer.unref();

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(timer);
      // A check still running would place its newcomers after the restore.
      await checking;
      await taskset(['-a', '-p', '-c', usable.join(','), pid]).catch(() => undefined);
    })());
  return { ok: true, core: { ...split, stop } };
}

/**
 * Threads and child processes that appeared since the pinning start on the main thread's CPU (they inherit their
 * creator's). A thread goes to the other CPUs; a child process (and whatever it forked meanwhile: a server's
 * workers) gets every CPU back, as it had before the pinning. What was there at the pinning is left as it was.
 */
class Newcomers {
  private readonly threads = new Set<string>();
  private readonly children = new Set<string>();

  constructor(
    private readonly pid: string,
    private readonly otherCpus: string,
    private readonly everyCpu: string,
  ) {}

  async markPresent(): Promise<void> {
    for (const tid of await listThreads()) this.threads.add(tid);
    for (const child of await listChildren('self')) this.children.add(child);
  }

  async place(): Promise<void> {
    const threads = await listThreads().catch(() => null);
    if (threads) {
      forgetGone(this.threads, threads);
      for (const tid of threads) {
        if (tid === this.pid || this.threads.has(tid)) continue;
        // A thread that exits between the listing and this call makes taskset fail: nothing to move.
        if (await taskset(['-p', '-c', this.otherCpus, tid]).then(succeeded, failed)) this.threads.add(tid);
      }
    }
    const children = await listChildren('self');
    forgetGone(this.children, children);
    for (const child of children) {
      if (this.children.has(child)) continue;
      this.children.add(child);
      for (const id of [child, ...(await listDescendants(child))]) {
        await taskset(['-a', '-p', '-c', this.everyCpu, id]).catch(() => undefined);
      }
    }
  }
}

const succeeded = () => true;
const failed = () => false;

function forgetGone(known: Set<string>, current: readonly string[]): void {
  const alive = new Set(current);
  for (const id of known) if (!alive.has(id)) known.delete(id);
}

async function listThreads(): Promise<string[]> {
  return readdir('/proc/self/task');
}

/** The children of a process, by every thread that forked one; none where the kernel does not list them. */
async function listChildren(id: string): Promise<string[]> {
  const threads = await readdir(`/proc/${id}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(threads.map((tid) => readFile(`/proc/${id}/task/${tid}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.split(' ').filter((id) => id !== ''));
}

async function listDescendants(id: string): Promise<string[]> {
  const children = await listChildren(id);
  const below = await Promise.all(children.map(listDescendants));
  return [...children, ...below.flat()];
}

/**
 * The CPUs a process or thread may use, from its status file's own list (`/proc/self/status`,
 * `/proc/<pid>/task/<tid>/status`); null where it cannot be read (no such file: not Linux, or it has exited).
 */
export function allowedCpus(statusFile: string): number[] | null {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(statusFile, 'utf8'));
    return line ? parseCpuList(line[1]!) : null;
  } catch {
    return null;
  }
}

function taskset(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('taskset', args, { timeout: 5_000 }, (error, _stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve(),
    );
  });
}

function tasksetFailure(error: unknown): string {
  const { code, stderr } = error as { code?: unknown; stderr?: unknown };
  if (code === 'ENOENT') return 'taskset is not installed (it is in util-linux)';
  const detail = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error);
  return `taskset failed: ${detail}`;
}
