import type { Lane } from './lanes.ts';

/**
 * Finds connections that callers of `acquire()` hold for longer than a threshold (a missing `release()` is the
 * classic pool leak: the pool slowly runs dry and every caller then times out). The stack of the `acquire()`
 * call is captured when the connection is taken, so the report names the code that took it. `query()` releases
 * in a `finally` and cannot leak, so it records no stack and costs nothing here.
 */
export interface LeakReport {
  connectionId: number;
  /** The server backend's pid (for pg_stat_activity). */
  pid: number;
  lane: Lane;
  heldMs: number;
  /** Where `acquire()` was called. */
  stack: string;
}

interface Held {
  connectionId: number;
  pid: number;
  lane: Lane;
  since: number;
  origin: Error;
  reported: boolean;
}

export class LeakDetector {
  private readonly held = new Map<number, Held>();

  constructor(readonly thresholdMs: number) {}

  get enabled(): boolean {
    return this.thresholdMs > 0;
  }

  /** `origin` is an Error made inside acquire(); V8 formats its stack only if a report reads it. */
  track(connectionId: number, pid: number, lane: Lane, since: number, origin: Error): void {
    this.held.set(connectionId, { connectionId, pid, lane, since, origin, reported: false });
  }

  untrack(connectionId: number): void {
    this.held.delete(connectionId);
  }

  /** Every connection held past the threshold now. */
  current(now: number): LeakReport[] {
    const reports: LeakReport[] = [];
    for (const entry of this.held.values()) if (now - entry.since >= this.thresholdMs) reports.push(report(entry, now));
    return reports;
  }

  /** Those that crossed the threshold since the last call (each leak is counted once). */
  newlyLeaked(now: number): LeakReport[] {
    const fresh: LeakReport[] = [];
    for (const entry of this.held.values()) {
      if (!entry.reported && now - entry.since >= this.thresholdMs) {
        entry.reported = true;
        fresh.push(report(entry, now));
      }
    }
    return fresh;
  }
}

function report(entry: Held, now: number): LeakReport {
  const stack = (entry.origin.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .join('\n');
  return { connectionId: entry.connectionId, pid: entry.pid, lane: entry.lane, heldMs: Math.round(now - entry.since), stack };
}
