import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker.ts';
import type { BreakerState, CircuitBreakerOptions } from './circuit-breaker.ts';

/**
 * The one gate every Redis call of a cache goes through: the L2 tier's GET/SET/UNLINK/SCAN and the
 * invalidation bus' PUBLISH and SUBSCRIBE share it when they talk to the same server, so a server that
 * stops answering is detected once, by whichever call meets it first, and then costs nobody a timeout.
 *
 * - Every call gets a permit from the breaker or is answered at once (short-circuited);
 * - every permitted call is raced against a deadline, because ioredis' own commandTimeout does not cover
 *   everything (a SUBSCRIBE waiting in the offline queue, a pipeline, a third-party client);
 * - the breaker's state changes become log lines, one per change a person cares about: the circuit opening
 *   after a healthy period (with why and the last error) and closing again (with how long it was open).
 *   The open ↔ half-open flips of the probes during one outage are not logged: one outage, two lines.
 *
 * Its promises never reject. When the deadline wins, the call still settles later inside ioredis;
 * that result is ignored.
 */
export type GuardLog = (level: 'info' | 'warn', message: string) => void;

export interface RedisGuardOptions {
  /** Names the server in log lines: a masked URL, never one with a password in it. */
  name: string;
  /** The most one call may cost a caller, in ms. */
  deadlineMs: number;
  breaker?: Partial<CircuitBreakerOptions>;
  log?: GuardLog;
}

export type GuardOutcome<T> = { ok: true; value: T } | { ok: false; attempted: boolean };

const SHORT_CIRCUITED: GuardOutcome<never> = { ok: false, attempted: false };
const FAILED: GuardOutcome<never> = { ok: false, attempted: true };

class DeadlineExceeded extends Error {}

/** Rejects when `pending` has not settled within `ms`; the timer never outlives the race. */
export async function withDeadline<T>(pending: Promise<T>, ms: number, what = 'Redis call'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // When the deadline wins, the call still settles later; keep that from being an unhandled rejection.
  pending.catch(() => undefined);
  try {
    return await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceeded(`${what} got no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class RedisGuard {
  readonly breaker: CircuitBreaker;
  /** Calls sent to Redis (short-circuited ones are not). */
  attempted = 0;
  /** Sent calls that failed or missed the deadline. */
  failed = 0;
  /** Calls the open breaker answered without touching Redis. */
  shortCircuited = 0;
  /** Calls sent whose caller is still waiting (at most until the deadline). */
  inFlight = 0;
  lastError: string | undefined;
  private openedAt: number | undefined;

  constructor(private readonly options: RedisGuardOptions) {
    if (!(options.deadlineMs > 0)) throw new RangeError('deadlineMs must be > 0');
    this.breaker = new CircuitBreaker({ ...options.breaker, onTransition: (from, to, why) => this.onTransition(from, to, why) });
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  get deadlineMs(): number {
    return this.options.deadlineMs;
  }

  /**
   * Runs `call` if the breaker allows it. `bounded: false` is for a call that bounds each of its own
   * commands (a SCAN walk is many commands, each with the deadline): the walk as a whole may take longer.
   */
  async call<T>(call: () => Promise<T>, bounded = true): Promise<GuardOutcome<T>> {
    const permit = this.breaker.acquire();
    if (!permit) {
      this.shortCircuited += 1;
      return SHORT_CIRCUITED;
    }
    this.attempted += 1;
    this.inFlight += 1;
    try {
      // Called now, not on a later microtask: calls issued in one tick must share ioredis' auto-pipeline.
      const pending = call();
      const value = bounded ? await withDeadline(pending, this.options.deadlineMs) : await pending;
      this.breaker.onSuccess(permit);
      return { ok: true, value };
    } catch (error) {
      this.failed += 1;
      this.lastError = (error as Error).message;
      this.breaker.onFailure(permit);
      return FAILED;
    } finally {
      this.inFlight -= 1;
    }
  }

  private onTransition(from: BreakerState, to: BreakerState, why: string): void {
    const now = Date.now();
    if (from === 'closed' && to === 'open') {
      this.openedAt = now;
      const coolDown = (this.options.breaker?.coolDownMs ?? DEFAULT_BREAKER_OPTIONS.coolDownMs) / 1000;
      this.options.log?.(
        'warn',
        `Redis at ${this.options.name} stopped answering (${why}; last error: ${this.lastError ?? 'none'}): the cache's L2 and ` +
          `invalidation messages are off, reads go to the database; one probe every ${coolDown} s until it answers.`,
      );
    } else if (to === 'closed' && this.openedAt !== undefined) {
      const seconds = (now - this.openedAt) / 1000;
      this.openedAt = undefined;
      this.options.log?.('info', `Redis at ${this.options.name} answers again after ${seconds.toFixed(1)} s: the cache's L2 and invalidation messages are back.`);
    }
  }
}
