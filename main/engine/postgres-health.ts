import pg from 'pg';

/**
 * Whether the connected PostgreSQL answers, from a trivial query the engine sends once per telemetry tick on a
 * connection of its own (never one of the admin pool's). One probe at a time; a probe that hangs (a frozen
 * server, a network that drops packets) is given up at the bound below: "down", and its connection is ended, so
 * the next tick probes afresh and sees the server as soon as it is back.
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
    /** Sends one probe; when `signal` aborts (the probe was given up), it must let go of what it holds. */
    private readonly probe: (signal: AbortSignal) => Promise<unknown>,
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
   * Starts one probe unless one is still pending, and resolves when it settles or is given up: after
   * PROBE_TIMEOUT_MS the server counts as down, the probe is aborted, and its late answer, if any, is ignored.
   */
  async check(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS)));
    try {
      const outcome = await Promise.race([this.probe(controller.signal).then(() => 'up' as const), timedOut]);
      if (outcome === 'timeout') {
        controller.abort(new Error('health probe given up'));
        this.set('down', `no answer within ${PROBE_TIMEOUT_MS / 1000} s`);
      } else {
        this.set('up', null);
      }
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

/**
 * A probe on a dedicated connection (application_name `hotpath-health`), opened on first use and kept between
 * probes; a failed or given-up probe ends it, and the next probe opens a new one.
 */
export class DedicatedProbe {
  private client: pg.Client | null = null;

  constructor(private readonly config: pg.ClientConfig) {}

  readonly probe = async (signal: AbortSignal): Promise<void> => {
    let client = this.client;
    const drop = () => {
      if (client && this.client === client) this.client = null;
      // Not awaited: on a dead network the goodbye never arrives; destroying the socket frees it at once.
      (client as unknown as { connection?: { stream?: { destroy?: () => void } } } | null)?.connection?.stream?.destroy?.();
      client?.end().catch(() => undefined);
    };
    signal.addEventListener('abort', drop, { once: true });
    try {
      if (!client) {
        client = new pg.Client({ ...this.config, application_name: 'hotpath-health', connectionTimeoutMillis: PROBE_TIMEOUT_MS });
        // An error on an idle probe connection (server restart) must not crash the process; the next probe reconnects.
        client.on('error', () => drop());
        this.client = client;
        await client.connect();
      }
      await client.query('SELECT 1');
    } catch (error) {
      drop();
      throw error;
    } finally {
      signal.removeEventListener('abort', drop);
    }
  };

  close(): void {
    const client = this.client;
    this.client = null;
    client?.end().catch(() => undefined);
  }
}
