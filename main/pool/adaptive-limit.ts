/**
 * Gradient2 (Netflix concurrency-limits), optional: a limit on queries in flight that follows the latency
 * gradient. When the short-term round trip rises above the long-term one, queueing has begun somewhere (the
 * server's CPU, locks, I/O), and the limit shrinks; when they match, it grows by a queue allowance.
 *
 *   gradient = clamp(tolerance × longRtt / shortRtt, 0.5, 1)
 *   limit    = (1 − smoothing) × limit + smoothing × (limit × gradient + queueSize)
 *
 * It does not grow while fewer than half the allowed queries are in flight (no evidence that more would help).
 * Pure: samples in, limit out.
 */
export interface Gradient2Options {
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  /** How much the short RTT may exceed the long one before the limit falls. Default 1.5. */
  tolerance: number;
  smoothing: number;
  /** Samples in the long-term average. Default 600. */
  longWindow: number;
  /** Growth allowance per update; by default √limit, at least 1. */
  queueSize?: (limit: number) => number;
}

export class Gradient2Limit {
  private readonly options: Gradient2Options;
  private estimated: number;
  private longRtt = 0;
  private samples = 0;

  constructor(options: Partial<Gradient2Options> & { maxLimit: number }) {
    this.options = { initialLimit: options.maxLimit, minLimit: 1, tolerance: 1.5, smoothing: 0.2, longWindow: 600, ...options };
    this.estimated = this.options.initialLimit;
  }

  get limit(): number {
    return Math.max(this.options.minLimit, Math.min(this.options.maxLimit, Math.floor(this.estimated)));
  }

  /** One query's round trip (any unit, used consistently) and the queries in flight when it started. */
  sample(rtt: number, inFlight: number): number {
    if (!(rtt > 0)) return this.limit;
    const o = this.options;
    this.samples = Math.min(this.samples + 1, o.longWindow);
    // Exponential average that starts as a plain mean, so the first samples are not dwarfed by zero.
    this.longRtt += (rtt - this.longRtt) / this.samples;
    // A long RTT far above the short one (e.g. after an incident) decays faster, so recovery is quick.
    if (this.longRtt / rtt > 2) this.longRtt *= 0.95;
    if (inFlight < this.estimated / 2) return this.limit;
    const gradient = Math.max(0.5, Math.min(1, (o.tolerance * this.longRtt) / rtt));
    const queue = o.queueSize ? o.queueSize(this.estimated) : Math.max(1, Math.sqrt(this.estimated));
    const next = this.estimated * gradient + queue;
    this.estimated = Math.max(o.minLimit, Math.min(o.maxLimit, (1 - o.smoothing) * this.estimated + o.smoothing * next));
    return this.limit;
  }

  /** A new maximum after a resize. */
  setMaxLimit(maxLimit: number, minLimit = this.options.minLimit): void {
    this.options.maxLimit = maxLimit;
    this.options.minLimit = Math.min(minLimit, maxLimit);
    this.estimated = Math.min(this.estimated, maxLimit);
  }
}
