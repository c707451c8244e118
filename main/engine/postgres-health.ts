/**
 * Whether the connected PostgreSQL answers, from a trivial query the engine sends on its admin pool once per
 * telemetry tick. One probe at a time: a server that hangs (frozen, or a network that drops packets) costs one
 * pending probe, not one per second; the bound below turns a hang into "down" instead of "still checking".
 */
export interface PostgresHealthState {
  state: 'unknown' | 'up' | 'down';
  /** Why it is down: the server's or the driver's message. */
  error: string | null;
  /** When the state last changed (ms since the epoch). */
  since: number;
}

/** A healthy server answers `SELECT 1` in well under this; past it the server counts as down. */
export const PROBE_TIMEOUT_MS = 3_000;

export class PostgresHealth {
  private current: PostgresHealthState;
  private probing = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly onChange: (state: PostgresHealthState, previous: PostgresHealthState) => void,
    private readonly now: () => number = Date.now,
  ) {
    // The connect that created this checker has just talked to the server.
    this.current = { state: 'up', error: null, since: now() };
  }

  get state(): PostgresHealthState {
    return this.current;
  }

  /**
   * Starts one probe unless one is still pending, and resolves when it settles. A probe that hangs marks the
   * server down after PROBE_TIMEOUT_MS but stays the pending one until it settles, so a frozen server never
   * piles up probes (or pool waiters) one per tick.
   */
  async check(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    const timer = setTimeout(() => this.set('down', `no answer within ${PROBE_TIMEOUT_MS / 1000} s`), PROBE_TIMEOUT_MS);
    try {
      await this.probe();
      this.set('up', null);
    } catch (error) {
      this.set('down', error instanceof Error && error.message ? error.message : String(error));
    } finally {
      clearTimeout(timer);
      this.probing = false;
    }
  }

  private set(state: 'up' | 'down', error: string | null): void {
    if (state === this.current.state && error === this.current.error) return;
    const previous = this.current;
    this.current = { state, error, since: state === previous.state ? previous.since : this.now() };
    this.onChange(this.current, previous);
  }
}
