/**
 * Low-priority work (cache warming, seeding, background jobs) pauses under aggressive memory pressure: each of
 * their loops awaits `whenRunning()` before its next unit of work, so a pause takes effect between units and
 * never aborts one half-way. Requests of the workload itself never wait here.
 */

/** What the memory manager needs: pause with a reason, resume, and whether it is paused. */
export interface BackgroundWork {
  pause(reason: string): void;
  resume(): void;
  readonly paused: boolean;
}

export class BackgroundGate implements BackgroundWork {
  private pausedFor: string | null = null;
  private waiters: (() => void)[] = [];

  get paused(): boolean {
    return this.pausedFor !== null;
  }

  /** Why the work is paused (the reason given to pause), or null when it runs. */
  get reason(): string | null {
    return this.pausedFor;
  }

  /** Pausing again only updates the reason. */
  pause(reason: string): void {
    this.pausedFor = reason;
  }

  resume(): void {
    this.pausedFor = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at once while running; while paused, when resume() is called. */
  whenRunning(): Promise<void> {
    if (this.pausedFor === null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Loops waiting in whenRunning(), for status displays and tests. */
  get waiting(): number {
    return this.waiters.length;
  }
}
