/**
 * Whole-machine CPU load from the kernel's per-core time counters (`os.cpus()`), as the share of time not idle
 * between two readings. Why not systeminformation's `currentLoad()`: on Linux it reads /proc/stat through a
 * synchronous shell (`execSync('cat /proc/stat | grep cpu')`), which stops the engine's event loop for as long as a
 * process takes to start (docs/measurements.md), every few seconds, in the middle of the workload it measures.
 */

import os from 'node:os';

export interface CpuTimes {
  /** Milliseconds of all cores not idle since boot. */
  busyMs: number;
  /** Milliseconds of all cores since boot, as os.cpus() counts them (user, nice, sys, idle, irq; not iowait or steal). */
  totalMs: number;
}

export function cpuTimesNow(): CpuTimes {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += all;
    busyMs += all - times.idle;
  }
  return { busyMs, totalMs };
}

/** 0..100 over all cores between two readings; null when no time passed between them (or the counters went back). */
export function loadPercentBetween(earlier: CpuTimes, later: CpuTimes): number | null {
  const total = later.totalMs - earlier.totalMs;
  const busy = later.busyMs - earlier.busyMs;
  if (!(total > 0) || busy < 0) return null;
  return Math.min(100, Math.max(0, (100 * busy) / total));
}
