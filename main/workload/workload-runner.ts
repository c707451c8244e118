import type { Random } from '../util/random.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { MEASUREMENT_WINDOW_S } from './measurement-window.ts';
import { OpenLoopSchedule, type ArrivalProcess } from './open-loop-schedule.ts';
import type { WorkloadTarget } from './workload-target.ts';
import type { LatencySummary, WorkloadInterval } from '../contract/telemetry.ts';

const MAX_DISPATCH_PER_TURN = 256;

/**
 * The shortest wait: libuv's timers count whole milliseconds. A request due sooner goes out when the timer fires,
 * with the others due by then, up to about a millisecond after its intended time, which its latency includes
 * (latency runs from the intended time). Waiting less would mean spinning through setImmediate, which polled the
 * event loop without sleeping whenever the next request was under a millisecond away: at 3,000 req/s (Poisson
 * gaps under 1 ms 95% of the time) the engine's thread burned a whole core, and the machine's CPU target failed on
 * the generator's own spinning (README, "Engine CPU per request").
 */
const TIMER_RESOLUTION_MS = 1;

/** A template ready to run: its parameters come from a synchronous generator. */
export interface RunnableTemplate {
  name: string;
  nextParams: () => unknown[];
}

export interface WorkloadRunnerOptions {
  templates: RunnableTemplate[];
  /** Picks the next template's index (weighted). */
  pickTemplate: () => number;
  target: WorkloadTarget;
  /** Target requests per second. */
  rate: number;
  arrival?: ArrivalProcess;
  random: Random;
  /** Requests beyond this many in flight are shed and counted as failures instead of queueing without bound. */
  maxInFlight?: number;
  /** Leading intervals recorded but left out of the cumulative histograms. */
  warmupIntervals?: number;
  /**
   * Close an interval every this many ms. 0: the owner calls `closeInterval()` itself
   * (the engine does, so that intervals line up with its 1 s telemetry tick).
   */
  intervalMs?: number;
  onInterval?: (interval: WorkloadInterval) => void;
}

export type { WorkloadInterval };

/**
 * Drives a workload open loop: requests are sent at their precomputed intended times
 * whether or not earlier ones have returned, and each latency is measured from the
 * intended time. Intervals close every second and are handed to `onInterval`.
 */
export class WorkloadRunner {
  readonly recorder: LatencyRecorder;
  private schedule: OpenLoopSchedule | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private sentInInterval = 0;
  private lagMs = 0;
  private intervalsClosed = 0;
  private intervalStart = 0;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;
  private readonly options: Required<Omit<WorkloadRunnerOptions, 'onInterval'>> & Pick<WorkloadRunnerOptions, 'onInterval'>;

  constructor(options: WorkloadRunnerOptions) {
    if (options.templates.length === 0) throw new Error('A workload needs at least one template.');
    this.options = { arrival: 'uniform', maxInFlight: 10_000, warmupIntervals: 0, intervalMs: 1000, ...options };
    this.recorder = new LatencyRecorder(
      options.templates.map((t) => t.name),
      10,
      MEASUREMENT_WINDOW_S,
    );
  }

  get running(): boolean {
    return this.schedule !== null;
  }

  get targetRate(): number {
    return this.schedule?.rate ?? this.options.rate;
  }

  start(): void {
    if (this.schedule) return;
    const now = performance.now();
    this.schedule = new OpenLoopSchedule(this.options.rate, now, this.options.arrival, this.options.random);
    this.intervalStart = now;
    if (this.options.intervalMs > 0) this.intervalTimer = setInterval(() => this.closeInterval(), this.options.intervalMs);
    this.dispatchDue();
  }

  setRate(rate: number): void {
    this.options.rate = rate;
    this.schedule?.setRate(rate);
  }

  /** Stops sending, waits for requests in flight, and closes the last interval. */
  async stop(): Promise<void> {
    if (!this.schedule) return;
    this.schedule = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    await this.idle;
    this.closeInterval();
  }

  cumulative(): Map<string, LatencySummary> {
    return this.recorder.cumulativeSummaries();
  }

  private dispatchDue = (): void => {
    this.timer = null;
    this.immediate = null;
    const schedule = this.schedule;
    if (!schedule) return;
    const now = performance.now();
    // A bounded burst per turn: when the sender falls behind, completions and timers
    // must still get the event loop between bursts.
    for (let burst = 0; burst < MAX_DISPATCH_PER_TURN && schedule.peek() <= now; burst += 1) {
      const intended = schedule.next();
      this.lagMs = now - intended;
      this.dispatch(intended);
    }
    const wait = schedule.peek() - performance.now();
    // Behind (the burst bound stopped it): go on after the I/O waiting in this turn.
    if (wait <= 0) this.immediate = setImmediate(this.dispatchDue);
    else this.timer = setTimeout(this.dispatchDue, Math.max(TIMER_RESOLUTION_MS, Math.floor(wait)));
  };

  private dispatch(intended: number): void {
    const template = this.options.pickTemplate();
    if (this.inFlight >= this.options.maxInFlight) {
      this.recorder.recordShed(template);
      return;
    }
    const params = this.options.templates[template]!.nextParams();
    this.sentInInterval += 1;
    if (this.inFlight === 0) this.idle = new Promise((resolve) => (this.resolveIdle = resolve));
    this.inFlight += 1;
    this.options.target.execute(template, params).then(
      (timing) => {
        const latencyUs = (performance.now() - intended) * 1000;
        this.recorder.recordSuccess(template, latencyUs, timing.acquireUs, timing.serverUs);
        this.finish();
      },
      (error: unknown) => {
        this.recorder.recordError(template, error instanceof Error ? error.message : String(error));
        this.finish();
      },
    );
  }

  private finish(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) this.resolveIdle?.();
  }

  /** Closes the current interval, hands it to `onInterval`, and returns it. */
  closeInterval(): WorkloadInterval {
    const now = performance.now();
    const durationMs = now - this.intervalStart;
    this.intervalStart = now;
    const warmup = this.intervalsClosed < this.options.warmupIntervals;
    this.intervalsClosed += 1;
    const templates = this.recorder.rotate(!warmup);
    const all = templates[templates.length - 1]!;
    const achievedRate = durationMs > 0 ? (all.count * 1000) / durationMs : 0;
    const targetRate = this.targetRate;
    const interval: WorkloadInterval = {
      at: Date.now(),
      durationMs,
      warmup,
      targetRate,
      achievedRate,
      sent: this.sentInInterval,
      inFlight: this.inFlight,
      schedulerLagMs: Math.max(0, this.lagMs),
      saturated: all.shed > 0 || achievedRate < 0.9 * targetRate || this.inFlight > targetRate,
      templates,
    };
    this.sentInInterval = 0;
    this.options.onInterval?.(interval);
    return interval;
  }
}
