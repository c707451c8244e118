import type pg from 'pg';
import { openConnection, type Connection } from './connection.ts';
import type { PoolMetrics } from './pool-metrics.ts';
import { setPipelineMode } from './pipelining.ts';
import { needsReadOnlyTransaction } from './read-only-guard.ts';
import type { SettingsState } from './settings-state.ts';

/** What the connections need from their pool: narrow, so this file knows nothing of lanes or waiters. */
export interface ConnectionEvents {
  /** The settings in force (created once the first connection has read the server). */
  settings(): SettingsState;
  /** A connection became usable (opened, checked, or re-SET): the pool idles it or hands it out. */
  ready(connection: Connection): void;
  /** An idle connection went away or a retry is due: the pool may hand out or open again. */
  changed(): void;
}

/** How connections are opened and how long they live (from the pool's options). */
export interface ConnectionOptions {
  config: pg.ClientConfig;
  maxLifetimeMs: number;
  readOnly?: boolean;
  readOnlyTransactions?: boolean;
}

/**
 * The pool's server connections and their lifecycle: open (with backoff after a failure), adopt, health-check
 * or re-SET after idling, retire and close. Apart from the pool manager so that what a connection goes through
 * reads in one place, separate from who waits for one; the manager reads `all` and `idle` directly (same
 * objects, no call) on its hot path.
 */
export class PoolConnections {
  readonly all = new Set<Connection>();
  /** Idle connections, most recently used last: handing out the last keeps few connections hot and lets the rest idle out. */
  readonly idle: Connection[] = [];
  /** Connects under way. */
  opening = 0;
  lastConnectError: Error | undefined;
  /** True while waiting to retry after a failed connect: nothing new is opened until then (a field: read on every release). */
  retrying = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 100;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly clock: () => number,
    private readonly metrics: PoolMetrics,
    private readonly events: ConnectionEvents,
  ) {}

  connect(): Promise<Connection> {
    // The server closing the session (restart, admin kill, network) arrives here for idle connections too.
    return openConnection(this.options.config, this.clock(), this.options.maxLifetimeMs, (connection) => {
      if (connection.state !== 'idle') return;
      this.metrics.counters.brokenConnections += 1;
      this.destroy(connection);
      this.events.changed();
    });
  }

  async openOne(): Promise<void> {
    this.opening += 1;
    this.metrics.meter.change(this.clock(), 1, 0, 0);
    let connection: Connection | undefined;
    try {
      connection = await this.connect();
      await this.events.settings().applyTo(connection);
    } catch (error) {
      if (connection) await connection.client.end().catch(() => undefined);
      connection = undefined;
      this.lastConnectError = error as Error;
      this.metrics.counters.connectFailures += 1;
    } finally {
      this.opening -= 1;
      this.metrics.meter.change(this.clock(), -1, 0, 0);
    }
    if (!connection) return this.scheduleRetry();
    if (this.closed) {
      await connection.client.end().catch(() => undefined);
      return;
    }
    this.lastConnectError = undefined;
    this.retryDelayMs = 100;
    this.adopt(connection);
    this.events.ready(connection);
  }

  /** After a failed connect (server down or restarting): try again later, backing off to 2 s, instead of spinning. */
  private scheduleRetry(): void {
    if (this.closed || this.retrying) return;
    this.retrying = true;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retrying = false;
      this.events.changed();
    }, this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(2_000, this.retryDelayMs * 2);
  }

  adopt(connection: Connection): void {
    connection.inReadOnlyTransactions = needsReadOnlyTransaction(connection, this.options);
    this.all.add(connection);
    this.metrics.counters.created += 1;
    this.metrics.meter.change(this.clock(), 1, 0, 0);
  }

  /** Health check or settings re-SET for a connection that sat idle (or missed a settings change). */
  async refresh(connection: Connection): Promise<void> {
    connection.state = 'checking';
    try {
      const settings = this.events.settings();
      if (connection.generation !== settings.generation) await settings.applyTo(connection);
      else await connection.client.query('SELECT 1');
      connection.fresh = true;
      this.events.ready(connection);
    } catch (error) {
      connection.broken ??= error as Error;
      this.metrics.counters.brokenConnections += 1;
      this.destroy(connection);
    }
  }

  /** Every idle connection gets the new settings (or a check) before it is handed out again. */
  refreshIdle(): void {
    for (const connection of this.idle.splice(0)) void this.refresh(connection);
  }

  destroy(connection: Connection): void {
    if (connection.state === 'closed') return;
    const wasIdle = this.idle.indexOf(connection);
    if (wasIdle >= 0) this.idle.splice(wasIdle, 1);
    connection.state = 'closed';
    // pg's pipeline mode would wait for a hung query before ending; without it, end() closes the socket at once.
    setPipelineMode(connection.client, false);
    if (this.all.delete(connection)) {
      this.metrics.counters.closed += 1;
      this.metrics.meter.change(this.clock(), -1, 0, 0);
    }
    void connection.client.end().catch(() => undefined);
  }

  /** Housekeeping: closes idle connections past their lifetime, above `max`, or idle too long above `min`. */
  retireIdle(now: number, size: { min: number; max: number }, idleTimeoutMs: number): void {
    // Oldest-used first: they are at the start of the idle list.
    for (const connection of [...this.idle]) {
      connection.fresh = false; // a check vouches for a connection for at most one housekeeping period
      const surplus = this.all.size > size.min;
      if (now >= connection.retireAt || this.all.size > size.max || (surplus && now - connection.lastUsedAt >= idleTimeoutMs))
        this.destroy(connection);
    }
  }

  /** Closes idle connections (newest-used or oldest-used first) while more than `keep` are open; returns how many. */
  shrinkTo(keep: number, fromNewest: boolean): number {
    let closed = 0;
    while (this.all.size > keep && this.idle.length > 0) {
      this.destroy(fromNewest ? this.idle[this.idle.length - 1]! : this.idle[0]!);
      closed += 1;
    }
    return closed;
  }

  /** How many are checked out and how many are being checked (for the snapshot). */
  countBusy(): { active: number; checking: number } {
    let active = 0;
    let checking = 0;
    for (const connection of this.all) {
      if (connection.state === 'active') active += 1;
      else if (connection.state === 'checking') checking += 1;
    }
    return { active, checking };
  }

  /** Stops retrying, closes the idle ones now, waits for busy ones to come back (up to `settleLimitMs`), then closes the rest. */
  async close(settleLimitMs: number): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retrying = false;
    for (const connection of [...this.idle]) this.destroy(connection);
    const deadline = Date.now() + settleLimitMs;
    while ([...this.all].some((c) => c.state !== 'closed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(
      [...this.all].map(async (connection) => {
        this.destroy(connection);
        await connection.client.end().catch(() => undefined);
      }),
    );
  }
}
