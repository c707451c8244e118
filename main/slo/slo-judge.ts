import { DEFAULT_SLO_WINDOW, SLO_WINDOWS, type SloReport, type SloWindowSeconds } from '../contract/slo.ts';
import type { TelemetrySnapshot } from '../contract/telemetry.ts';
import { SLO_TARGETS } from './slo-targets.ts';
import { judgeWindow, type SloTick } from './slo-window.ts';
import { RingBuffer } from '../util/ring-buffer.ts';

/** The longest window: the engine keeps this many one-second ticks (15 minutes, like the telemetry history). */
export const SLO_RING_SECONDS = Math.max(...SLO_WINDOWS);

/**
 * The one judge of the seed's eight success metrics, sustained: the engine records each second's telemetry snapshot,
 * and the console (through `slo.report`), /metrics (every window) and the capacity test read verdicts from here, so
 * they cannot disagree. A window is counted in engine ticks (one a second; a late tick's interval covers the time it
 * was late, and is judged as one second). Pure: no timers, no I/O.
 */
export class SloJudge {
  private readonly ring = new RingBuffer<SloTick>(SLO_RING_SECONDS);
  private chosen: SloWindowSeconds = DEFAULT_SLO_WINDOW;

  /** Samples the eight metrics of one second. */
  record(snapshot: TelemetrySnapshot): void {
    this.ring.push({ at: snapshot.at, samples: SLO_TARGETS.map((target) => target.sample(snapshot)) });
  }

  /** The window the console shows (every console: it is the engine's setting). */
  get windowSeconds(): SloWindowSeconds {
    return this.chosen;
  }

  setWindow(seconds: SloWindowSeconds): void {
    this.chosen = seconds;
  }

  /**
   * The eight metrics over a window (by default the chosen one). `sinceAt`: only seconds that ended after this time
   * count (the window restarts there), for a caller that changed something and wants it judged alone.
   */
  report(windowSeconds: SloWindowSeconds = this.chosen, options: { sinceAt?: number } = {}): SloReport {
    const newest = this.ring.latest()?.at ?? null;
    return {
      at: newest,
      windowSeconds,
      metrics: SLO_TARGETS.map((target, index) => judgeWindow(this.ring, index, target, windowSeconds, options.sinceAt)),
    };
  }

  /** The report of every window (60, 300, 900 s): what /metrics exports. */
  reportEveryWindow(): SloReport[] {
    return SLO_WINDOWS.map((seconds) => this.report(seconds));
  }
}
