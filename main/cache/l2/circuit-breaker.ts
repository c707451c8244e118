/**
 * A circuit breaker as pure logic: no timers, no I/O, time comes from an injectable clock so that tests
 * can drive every transition deterministically.
 *
 *   closed ──(N consecutive failures, or failure rate ≥ threshold over the window)──► open
 *   open ──(cool-down elapsed, checked lazily on the next acquire)──► half-open
 *   half-open ──(the single probe succeeds)──► closed;  ──(the probe fails)──► open (cool-down restarts)
 *
 * Every permit carries the breaker's generation (bumped on each transition). A result reported with a
 * permit from an older generation is ignored: thousands of calls may be in flight when the breaker
 * opens, and their late failures must not restart the cool-down, nor may a late success from before
 * the outage be mistaken for the half-open probe.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Open after this many failures in a row (a fast reaction to a dead server). */
  consecutiveFailures: number;
  /** Open when failures / calls in the window reach this (0..1]: catches a flaky server that never fails N times in a row. */
  failureRateThreshold: number;
  /** Length of the sliding window for the failure rate. */
  windowMs: number;
  /** The failure rate is not trusted below this many calls in the window. */
  minimumCalls: number;
  /** How long to stay open before letting one probe through. */
  coolDownMs: number;
  /** Milliseconds, monotonic is best. */
  now?: () => number;
  /** Told of every state change, synchronously, with why (e.g. "5 failures in a row"): for one log line per change. */
  onTransition?: (from: BreakerState, to: BreakerState, why: string) => void;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<Omit<CircuitBreakerOptions, 'now' | 'onTransition'>> = {
  consecutiveFailures: 5,
  failureRateThreshold: 0.5,
  windowMs: 10_000,
  minimumCalls: 20,
  coolDownMs: 2_000,
};

export interface Permit {
  readonly generation: number;
  readonly probe: boolean;
}

/** The window is cut into this many buckets: old buckets expire whole, so the cost per call is O(1). */
const BUCKETS = 10;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
}

export class CircuitBreaker {
  private readonly options: Required<Omit<CircuitBreakerOptions, 'onTransition'>> & Pick<CircuitBreakerOptions, 'onTransition'>;
  private currentState: BreakerState = 'closed';
  private generation = 0;
  private consecutive = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly buckets: Bucket[] = [];
  private readonly bucketMs: number;
  private transitions = 0;

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.options = { ...DEFAULT_BREAKER_OPTIONS, now: () => performance.now(), ...options };
    if (this.options.consecutiveFailures < 1) throw new RangeError('consecutiveFailures must be at least 1');
    if (!(this.options.failureRateThreshold > 0 && this.options.failureRateThreshold <= 1))
      throw new RangeError('failureRateThreshold must be in (0, 1]');
    if (!(this.options.windowMs > 0) || !(this.options.coolDownMs >= 0)) throw new RangeError('windowMs must be > 0 and coolDownMs ≥ 0');
    this.bucketMs = this.options.windowMs / BUCKETS;
  }

  /** The state as of now (an open breaker whose cool-down has elapsed reads as half-open). */
  get state(): BreakerState {
    this.advance();
    return this.currentState;
  }

  /** How many times the state changed: lets callers and tests see a flap that a snapshot would miss. */
  get transitionCount(): number {
    return this.transitions;
  }

  /** A permit to call the protected resource, or null when the call must be short-circuited. */
  acquire(): Permit | null {
    this.advance();
    if (this.currentState === 'closed') return { generation: this.generation, probe: false };
    if (this.currentState === 'open' || this.probeInFlight) return null;
    this.probeInFlight = true;
    return { generation: this.generation, probe: true };
  }

  onSuccess(permit: Permit): void {
    if (permit.generation !== this.generation) return;
    if (this.currentState === 'half-open') {
      this.transition('closed', 'the probe succeeded');
      return;
    }
    this.consecutive = 0;
    this.record(false);
  }

  onFailure(permit: Permit): void {
    if (permit.generation !== this.generation) return;
    if (this.currentState === 'half-open') {
      this.transition('open', 'the probe failed');
      return;
    }
    this.consecutive += 1;
    this.record(true);
    if (this.consecutive >= this.options.consecutiveFailures) this.transition('open', `${this.consecutive} failures in a row`);
    else if (this.rateExceeded()) {
      const { calls, failures } = this.windowCounts();
      this.transition('open', `${failures} of ${calls} calls failed in the last ${this.options.windowMs / 1000} s`);
    }
  }

  /** Failures and calls in the current window, for stats and tests. */
  windowCounts(): { calls: number; failures: number } {
    this.expire(this.options.now());
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return { calls, failures };
  }

  private advance(): void {
    if (this.currentState === 'open' && this.options.now() - this.openedAt >= this.options.coolDownMs)
      this.transition('half-open', 'the cool-down elapsed');
  }

  private transition(to: BreakerState, why: string): void {
    const from = this.currentState;
    this.currentState = to;
    this.generation += 1;
    this.transitions += 1;
    this.probeInFlight = false;
    this.consecutive = 0;
    if (to === 'open') this.openedAt = this.options.now();
    // A closed breaker starts with a clean window: the failures that opened it are history.
    if (to === 'closed') this.buckets.length = 0;
    this.options.onTransition?.(from, to, why);
  }

  private record(failed: boolean): void {
    const now = this.options.now();
    this.expire(now);
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.start !== start) {
      bucket = { start, calls: 0, failures: 0 };
      this.buckets.push(bucket);
    }
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
  }

  private expire(now: number): void {
    const oldest = now - this.options.windowMs;
    while (this.buckets.length > 0 && this.buckets[0]!.start + this.bucketMs <= oldest) this.buckets.shift();
  }

  private rateExceeded(): boolean {
    const { calls, failures } = this.windowCounts();
    return calls >= this.options.minimumCalls && failures / calls >= this.options.failureRateThreshold;
  }
}
