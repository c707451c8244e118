import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker.ts';
import type { BreakerState, CircuitBreakerOptions } from './circuit-breaker.ts';
import { DEFAULT_CONNECTION_TUNING } from './redis-connection.ts';

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

export interface GuardCallOptions {
  /**
   * Whether the client the call goes through has its connection up. A call through a client that is still
   * reconnecting proves nothing about the server when another client of ours was answered moments ago, and it
   * must never be the half-open probe: it is answered at once instead (short-circuited).
   */
  connected?: boolean;
  /** false for a call that bounds each of its own commands (a SCAN walk): the walk as a whole may take longer. */
  bounded?: boolean;
}

/**
 * A client not connected this soon after another was answered is taken to be reconnecting, not to have found an
 * outage: a client that lost its connection tries again at most its reconnect delay later, so within that span it
 * is between attempts; after it, its failures are evidence like any other.
 */
const RECONNECT_GRACE_MS = DEFAULT_CONNECTION_TUNING.maxReconnectDelayMs;

/** Our own ceiling sits this far above ioredis' commandTimeout, so ioredis normally reports a slow command first. */
export const DEADLINE_MARGIN_MS = 50;

/** The guard's deadline for clients whose ioredis commandTimeout is `commandTimeoutMs`. */
export function deadlineFor(commandTimeoutMs: number): number {
  return commandTimeoutMs + DEADLINE_MARGIN_MS;
}

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
  /** The clients' own connection errors ('error' events): often the real cause behind a failed call's message. */
  lastConnectionError: string | undefined;
  private openedAt: number | undefined;
  private lastSuccessAt = -Infinity;
  private readonly now: () => number;

  constructor(private readonly options: RedisGuardOptions) {
    if (!(options.deadlineMs > 0)) throw new RangeError('deadlineMs must be > 0');
    this.now = options.breaker?.now ?? (() => performance.now());
    this.breaker = new CircuitBreaker({ ...options.breaker, onTransition: (from, to, why) => this.onTransition(from, to, why) });
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  get deadlineMs(): number {
    return this.options.deadlineMs;
  }

  /** How long the breaker stays open before it lets one probe through: the soonest a refused call can pass. */
  get coolDownMs(): number {
    return this.options.breaker?.coolDownMs ?? DEFAULT_BREAKER_OPTIONS.coolDownMs;
  }

  /** Runs `call` if the breaker allows it (see GuardCallOptions). */
  async call<T>(call: () => Promise<T>, options: GuardCallOptions = {}): Promise<GuardOutcome<T>> {
    if (options.connected === false && !(this.breaker.state === 'closed' && this.now() - this.lastSuccessAt >= RECONNECT_GRACE_MS)) {
      this.shortCircuited += 1;
      return SHORT_CIRCUITED;
    }
    const permit = this.breaker.acquire();
    if (!permit) {
      this.shortCircuited += 1;
      return SHORT_CIRCUITED;
    }
    this.attempted += 1;
    this.inFlight += 1;
    try {
      const pending = call();
      const value = options.bounded === false ? await pending : await withDeadline(pending, this.options.deadlineMs);
      this.lastSuccessAt = this.now();
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

  /** For the clients' 'error' listeners: a refused or reset connection, named in the next "stopped answering" line. */
  noteConnectionError(message: string): void {
    this.lastConnectionError = message;
  }

  private onTransition(from: BreakerState, to: BreakerState, why: string): void {
    const now = Date.now();
    if (from === 'closed' && to === 'open') {
      this.openedAt = now;
      const coolDown = this.coolDownMs / 1000;
      const connection =
        this.lastConnectionError !== undefined && this.lastConnectionError !== this.lastError
          ? `; connection: ${this.lastConnectionError}`
          : '';
      this.options.log?.(
        'warn',
        `Redis at ${this.options.name} stopped answering (${why}; last error: ${this.lastError ?? 'none'}${connection}): the cache's L2 and ` +
          `invalidation messages are off, reads go to the database; one probe every ${coolDown} s until it answers.`,
      );
    } else if (to === 'closed' && this.openedAt !== undefined) {
      const seconds = (now - this.openedAt) / 1000;
      this.openedAt = undefined;
      this.options.log?.(
        'info',
        `Redis at ${this.options.name} answers again after ${seconds.toFixed(1)} s: the cache's L2 and invalidation messages are back.`,
      );
    }
  }
}
