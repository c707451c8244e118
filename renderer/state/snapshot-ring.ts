import type { TelemetrySnapshot } from '../../main/contract/telemetry.ts';

/**
 * A fixed-capacity ring of 1-second telemetry snapshots, oldest first. Appends keep
 * time order (a snapshot not newer than the last is ignored), so a replayed or
 * duplicated event cannot bend a chart backwards. Reading copies out only what a
 * window needs; nothing is reallocated per snapshot.
 */
export class SnapshotRing {
  private readonly slots: (TelemetrySnapshot | undefined)[];
  private head = 0; // index of the oldest snapshot
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<TelemetrySnapshot | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  last(): TelemetrySnapshot | undefined {
    return this.count === 0 ? undefined : this.slots[(this.head + this.count - 1) % this.capacity];
  }

  /** Appends a snapshot newer than the last one; returns false when it was ignored. */
  push(snapshot: TelemetrySnapshot): boolean {
    const last = this.last();
    if (last && snapshot.at <= last.at) return false;
    if (this.count < this.capacity) {
      this.slots[(this.head + this.count) % this.capacity] = snapshot;
      this.count++;
    } else {
      this.slots[this.head] = snapshot;
      this.head = (this.head + 1) % this.capacity;
    }
    return true;
  }

  /**
   * Merges snapshots that may be older than what the ring holds (the history that
   * arrives after the first live events), keeping time order, without duplicates,
   * and only the newest `capacity`.
   */
  merge(snapshots: readonly TelemetrySnapshot[]): void {
    const byTime = new Map<number, TelemetrySnapshot>();
    for (const s of snapshots) byTime.set(s.at, s);
    for (const s of this.toArray()) byTime.set(s.at, s); // live events win over history
    const merged = [...byTime.values()].sort((a, b) => a.at - b.at).slice(-this.capacity);
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    for (const s of merged) this.push(s);
  }

  /** Snapshots taken strictly after `at`, oldest first. */
  after(at: number): TelemetrySnapshot[] {
    const out: TelemetrySnapshot[] = [];
    for (let i = this.count - 1; i >= 0; i--) {
      const s = this.slots[(this.head + i) % this.capacity]!;
      if (s.at <= at) break;
      out.push(s);
    }
    return out.reverse();
  }

  toArray(): TelemetrySnapshot[] {
    return this.after(Number.NEGATIVE_INFINITY);
  }
}
