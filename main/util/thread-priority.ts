/**
 * Lowers the scheduling priority of the calling thread only, for CPU-heavy work on a worker thread (the plan
 * selector's model training takes a whole core while it runs; its queries take milliseconds each). On a machine
 * with two cores such work at normal priority competes with the threads that serve requests and with the database
 * itself, and shows as a p95 spike; at a high niceness the kernel gives it what they leave.
 *
 * Linux only: there `setpriority` on a thread id affects that thread alone, and /proc/thread-self names it. Elsewhere
 * a thread id is not at hand and the same call would lower the whole process, so nothing is done.
 */

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The kernel's id of the calling thread (Linux), or null where it cannot be known. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Sets the calling thread's niceness (0 normal … 19 lowest); false where that cannot be done for one thread. */
export function lowerThisThreadPriority(niceness = 19): boolean {
  const tid = currentThreadId();
  // The process's main thread has the process's id: lowering it would lower everything; refuse.
  if (tid === null || tid === process.pid) return false;
  try {
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
