import type { TelemetrySnapshot } from '../contract/telemetry.ts';
import { RingBuffer } from '../util/ring-buffer.ts';

/** 15 minutes of 1 s snapshots: the longest window the console charts. */
export const HISTORY_SECONDS = 900;

/** Keeps the recent snapshots and tells subscribers about each new one. */
export class TelemetryHistory {
  private readonly buffer = new RingBuffer<TelemetrySnapshot>(HISTORY_SECONDS);
  private readonly listeners = new Set<(snapshot: TelemetrySnapshot) => void>();

  record(snapshot: TelemetrySnapshot): void {
    this.buffer.push(snapshot);
    for (const listener of this.listeners) listener(snapshot);
  }

  /** The snapshots of the last `seconds` seconds, oldest first. */
  recent(seconds = HISTORY_SECONDS): TelemetrySnapshot[] {
    return this.buffer.toArray(seconds);
  }

  latest(): TelemetrySnapshot | undefined {
    return this.buffer.latest();
  }

  onSnapshot(listener: (snapshot: TelemetrySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
