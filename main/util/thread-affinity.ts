/**
 * Gives the process's main thread a CPU of its own, and every other thread of the process the CPUs that remain.
 *
 * Why: the engine serves every request on its main thread's event loop, and on a machine with few cores that thread
 * shares them with the process's other threads: V8's garbage-collection helpers (a full collection of a large heap
 * marks with up to four of them at once), the plan selector's and trainer's worker threads, libuv's pool. When they
 * all run, the kernel deschedules the event loop for milliseconds at a time, requests queue behind it, and the
 * backlog drains slowly. With the main thread alone on its CPU, the others still run (on the rest), but never in its
 * place. README.md, "Find capacity", has the measurements.
 *
 * Linux only, with `taskset` (util-linux, in every Debian and Ubuntu base system); at least two usable CPUs.
 * Threads created later inherit the main thread's CPU (a new thread starts with its creator's mask), so the set of
 * threads is read again every second and newcomers are moved off it. Child processes started after the call
 * inherit the main thread's CPU too: call this once the children that matter (the local stack's servers) run.
 */

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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
  /** Stops watching for new threads and gives every thread of the process all the CPUs it had before. */
  stop(): Promise<void>;
}

export type DedicatedCoreResult = { ok: true; core: DedicatedCore } | { ok: false; reason: string };

/** How often the process's threads are listed to move newcomers off the main thread's CPU. */
const NEW_THREAD_CHECK_MS = 1_000;

/** Gives the main thread a CPU of its own (see the file's comment); says why not where it cannot. */
export async function dedicateCoreToMainThread(): Promise<DedicatedCoreResult> {
  if (process.platform !== 'linux') return { ok: false, reason: 'thread affinity is set on Linux only' };
  if (!isMainThread) return { ok: false, reason: 'only the main thread can take a CPU for itself' };
  const usable = usableCpus();
  const split = usable && splitCores(usable);
  if (!usable || !split) return { ok: false, reason: 'the process may use only one CPU' };
  const others = split.otherCpus.join(',');
  const pid = String(process.pid);
  try {
    // -a: every thread the process has now; then the main thread alone (its thread id is the process id).
    await taskset(['-a', '-p', '-c', others, pid]);
    await taskset(['-p', '-c', String(split.mainCpu), pid]);
  } catch (error) {
    return { ok: false, reason: tasksetFailure(error) };
  }

  const placed = new Set<string>(await threadIds());
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void moveNewThreads(placed, pid, others).finally(() => (checking = false));
  }, NEW_THREAD_CHECK_MS);
  timer.unref();

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(timer);
      await taskset(['-a', '-p', '-c', usable.join(','), pid]).catch(() => undefined);
    })());
  return { ok: true, core: { ...split, stop } };
}

/** Moves threads not seen before off the main thread's CPU; forgets threads that have exited. */
async function moveNewThreads(placed: Set<string>, pid: string, others: string): Promise<void> {
  const current = await threadIds().catch(() => null);
  if (!current) return;
  const alive = new Set(current);
  for (const tid of placed) if (!alive.has(tid)) placed.delete(tid);
  for (const tid of current) {
    if (tid === pid || placed.has(tid)) continue;
    // A thread that exits between the listing and this call makes taskset fail: nothing to move.
    await taskset(['-p', '-c', others, tid]).then(
      () => placed.add(tid),
      () => undefined,
    );
  }
}

/** The CPUs this process may use, from the kernel's own list; null where it cannot be read. */
function usableCpus(): number[] | null {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return line ? parseCpuList(line[1]!) : null;
  } catch {
    return null;
  }
}

async function threadIds(): Promise<string[]> {
  return readdir('/proc/self/task');
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
