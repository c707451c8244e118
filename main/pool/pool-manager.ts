import os from 'node:os';
import type pg from 'pg';
import { AcquireQueue, type Pending } from './acquire-queue.ts';
import { Gradient2Limit } from './adaptive-limit.ts';
import type { Connection } from './connection.ts';
import {
  DEFAULT_LANE_POLICY,
  laneCaps,
  laneMayTake,
  zeroCounts,
  type Lane,
  type LaneCaps,
  type LaneCounts,
  type LanePolicy,
  type LaneQueue,
} from './lanes.ts';
import { LeakDetector, type LeakReport } from './leak-detector.ts';
import { PoolError, isConnectionError } from './pool-errors.ts';
import { acquireTimeoutError } from './pool-messages.ts';
import { PoolMetrics, type PoolSnapshot } from './pool-metrics.ts';
import { PoolConnections } from './pool-connections.ts';
import { probePoolSize, type PoolSize } from './pool-sizing.ts';
import { connectionConfigFor, connectionOptionsFor, openFirstConnection, warmMinimum } from './pool-startup.ts';
import type { SettingsState } from './settings-state.ts';
import { withDeadline } from './cancellable.ts';
import { PooledConnection, type CallOptions, type QueryConfig } from './pooled-connection.ts';
import { PipelineEligibility } from './pipeline-eligibility.ts';
import { pipelineDepthOf, SharedPath } from './shared-path.ts';
import { StatementRunner } from './statement-runner.ts';
import { loadSqlParser } from '../sql/pg-parser.ts';
import type { SessionSettings } from './session-settings.ts';
import type { PoolManagerOptions } from './pool-options.ts';

const HOUSEKEEPING_MS = 1_000;
const SETTLE_LIMIT_MS = 5_000;

/**
 * The connection pool manager: priority lanes, sizing from the server, validated session settings, leak
 * detection, health checks, recovery after a server restart, and per-interval metrics. It holds `pg.Client`s
 * itself (not a pg.Pool) so that waiting order, metrics and health are its own.
 *
 * This file hands connections to callers (the hot path) and owns sizing and settings; the connections' own
 * lifecycle is in pool-connections.ts, the callers that wait are in acquire-queue.ts, and pipelined queries
 * (several callers on one connection) go through shared-path.ts.
 */
export class PoolManager {
  readonly role: 'primary' | 'replica';
  private readonly clock: () => number;
  private readonly connectionConfig: pg.ClientConfig;
  private readonly policy: LanePolicy;
  private readonly waiters: AcquireQueue;
  /** The waiters' lane queue, read directly on the hot path. */
  private readonly queue: LaneQueue<Pending>;
  private readonly metrics: PoolMetrics;
  private readonly leakDetector: LeakDetector;
  private readonly lifecycle: PoolConnections;
  /** The same set and array as `lifecycle.all` and `lifecycle.idle`, held here so the hot path reads them without a hop. */
  private readonly connections: Set<Connection>;
  private readonly idle: Connection[];
  private readonly inUse: LaneCounts = zeroCounts();
  private currentSize!: PoolSize;
  private caps!: LaneCaps;
  private limiter: Gradient2Limit | undefined;
  private settingsState!: SettingsState;
  private closed = false;
  private housekeeping: NodeJS.Timeout | undefined;
  /** Runs each statement (metrics, cancel, read-only guard); made once the pool has read the server. */
  private runner!: StatementRunner;
  /** Pipelined queries: several callers' one-shot statements in flight on one connection. */
  private shared!: SharedPath;

  private constructor(private readonly options: PoolManagerOptions) {
    this.role = options.role ?? 'primary';
    this.clock = options.clock ?? (() => performance.now());
    this.policy = { ...DEFAULT_LANE_POLICY, ...options.lanes };
    this.metrics = new PoolMetrics(this.clock());
    this.leakDetector = new LeakDetector(options.leakThresholdMs ?? 60_000);
    this.connectionConfig = connectionConfigFor(options, this.acquireTimeoutMs);
    this.waiters = new AcquireQueue(this.policy, this.acquireTimeoutMs, this.metrics, {
      clock: this.clock,
      timeoutError: (lane, timeoutMs) => this.timeoutError(lane, timeoutMs),
      pump: () => this.pump(),
    });
    this.queue = this.waiters.lanes;
    this.lifecycle = new PoolConnections(connectionOptionsFor(options, this.connectionConfig), this.clock, this.metrics, {
      settings: () => this.settingsState,
      ready: (connection) => this.toIdle(connection),
      changed: () => this.pump(),
    });
    this.connections = this.lifecycle.all;
    this.idle = this.lifecycle.idle;
  }

  private get acquireTimeoutMs(): number {
    return this.options.acquireTimeoutMs ?? 10_000;
  }

  /** Connects the first connection (rejecting clearly if the server is unreachable), reads the server, then warms `min`. */
  static async open(options: PoolManagerOptions): Promise<PoolManager> {
    const pool = new PoolManager(options);
    await pool.start();
    return pool;
  }

  private async start(): Promise<void> {
    // Which statements are pipelined: their kind (PostgreSQL's parser) and their recent server time.
    const eligibility = new PipelineEligibility(await loadSqlParser(), this.options.pipelineShortMs);
    const timing = pipelineDepthOf(this.options) > 1 ? eligibility : undefined;
    this.runner = new StatementRunner(this.clock, this.metrics, timing, this.options.readOnly === true, {
      inUseTotal: () => this.inUseTotal(),
      limitChanged: () => this.setLimits(),
    });
    const host = {
      clock: this.clock,
      mayJoin: (lane: Lane) => !this.closed && (this.queue.waiting() === 0 || this.queue.mayJoin(lane, this.inUse, this.caps)),
      idleFor: (lane: Lane) => this.readyIdleFor(lane) !== undefined,
      generation: () => this.settingsState.generation,
      take: (lane: Lane) => this.take(lane),
      giveBack: (connection: Connection) => this.giveBack(connection),
    };
    this.shared = new SharedPath(host, this.runner, eligibility, this.options);
    const { first, size, settings } = await openFirstConnection(this.lifecycle, this.connectionConfig, this.options);
    this.currentSize = size;
    this.settingsState = settings;
    this.lifecycle.adopt(first);
    this.setLimits();
    first.state = 'idle';
    this.idle.push(first);
    if (this.options.adaptive) {
      const tuning = typeof this.options.adaptive === 'object' ? this.options.adaptive : {};
      this.limiter = new Gradient2Limit({ minLimit: Math.max(1, this.currentSize.min), ...tuning, maxLimit: this.currentSize.max });
      this.runner.limiter = this.limiter;
    }
    const shortfall = await warmMinimum(this.lifecycle, this.currentSize.min);
    if (shortfall) {
      await this.close();
      throw shortfall;
    }
    this.housekeeping = setInterval(
      () => this.keepHouse(),
      Math.min(HOUSEKEEPING_MS, Math.max(50, this.leakDetector.thresholdMs / 4 || HOUSEKEEPING_MS)),
    );
    this.housekeeping.unref();
  }

  // ── callers ──────────────────────────────────────────────────────────────

  /**
   * Acquire, run, release. A caller's abort or `timeoutMs` cancels the query on the server and rejects. Not async
   * itself: each path is one async function, so dispatching costs no promise.
   */
  query(lane: Lane, query: QueryConfig, options?: CallOptions): Promise<pg.QueryResult> {
    if (options) return this.queryWithOptions(lane, query, options);
    if (this.shared.accepts(query)) return this.shared.query(lane, query);
    return this.queryOneShot(lane, query);
  }

  private async queryWithOptions(lane: Lane, query: QueryConfig, options: CallOptions): Promise<pg.QueryResult> {
    return (await this.timedOneShot(lane, query, options, this.clock())).result;
  }

  /** The hot path (the workload, live lookups): no timing object, and no await when a connection is idle. */
  private async queryOneShot(lane: Lane, query: QueryConfig): Promise<pg.QueryResult> {
    const taken = this.take(lane);
    const connection = taken instanceof Promise ? await taken : taken;
    let error: unknown;
    try {
      return await this.runner.executeOneShot(connection, query);
    } catch (caught) {
      error = caught;
      throw caught;
    } finally {
      this.giveBack(connection, error);
    }
  }

  /**
   * `query` that also says how long the caller waited for a connection and how long the statement took, in µs
   * (the workload records the two separately; see `PgWorkloadTarget`'s `ExecutionTiming`).
   */
  timedQuery(
    lane: Lane,
    query: QueryConfig,
    options?: CallOptions,
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }> {
    const asked = this.clock();
    if (options === undefined && this.shared.accepts(query)) return this.shared.timedQuery(lane, query, asked);
    return this.timedOneShot(lane, query, options, asked);
  }

  private async timedOneShot(
    lane: Lane,
    query: QueryConfig,
    options: CallOptions | undefined,
    asked: number,
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }> {
    // No await when a connection is idle: the query starts in the tick that checked it out, so a burst of requests
    // sent in one tick (the open-loop runner's) holds no connection idle while the rest of the burst runs.
    const taken = this.take(lane, options);
    const connection = taken instanceof Promise ? await taken : taken;
    const acquired = this.clock();
    let error: unknown;
    try {
      const rest =
        options?.timeoutMs !== undefined
          ? { ...options, timeoutMs: Math.max(1, options.timeoutMs - (acquired - asked)), limitMs: options.timeoutMs }
          : options;
      const result = await this.runner.executeOneShot(connection, query, rest);
      return { result, acquireUs: (acquired - asked) * 1000, serverUs: (this.clock() - acquired) * 1000 };
    } catch (caught) {
      error = caught;
      throw caught;
    } finally {
      this.giveBack(connection, error);
    }
  }

  async acquire(lane: Lane, options?: CallOptions): Promise<PooledConnection> {
    // Made before waiting so the stack is the caller's; V8 formats it only if a leak report reads it.
    const origin = this.leakDetector.enabled ? new Error('acquired here') : undefined;
    const connection = await this.take(lane, options);
    if (origin) this.leakDetector.track(connection.id, connection.pid, lane, connection.acquiredAt, origin);
    return new PooledConnection(this, connection, lane);
  }

  private take(lane: Lane, options?: CallOptions): Promise<Connection> | Connection {
    if (this.closed) throw this.closedError();
    if (options?.signal?.aborted)
      throw new PoolError('cancelled', 'The caller gave up before a connection was acquired.', 'Nothing ran; retry if still needed.');
    const ready = this.readyIdleFor(lane);
    if (ready) {
      this.idle.pop();
      const now = this.clock();
      this.checkOut(ready, lane, now);
      this.metrics.acquired(lane, 0, now);
      return ready;
    }
    return this.waiters.wait(lane, options);
  }

  /**
   * take()'s fast path: the idle connection it hands `lane` at once, if any: nobody queued ahead, under the limit,
   * the lane may take one, and the most recently used idle connection needs no health check. The shared path asks
   * the same question (may it spread to another connection?), so both agree on when one is to be had.
   */
  private readyIdleFor(lane: Lane): Connection | undefined {
    if (this.queue.waiting() > 0 || this.inUseTotal() >= this.limit() || !laneMayTake(lane, this.inUse, this.caps)) return undefined;
    const ready = this.idle[this.idle.length - 1];
    return ready && this.isReady(ready) ? ready : undefined;
  }

  /** A query/timedQuery/PooledConnection statement (see statement-runner.ts). */
  executeOneShot(connection: Connection, query: QueryConfig, options?: CallOptions & { limitMs?: number }): Promise<pg.QueryResult> {
    return this.runner.executeOneShot(connection, query, options);
  }

  /** Back from a caller: reused, recycled, or closed if it broke. */
  giveBack(connection: Connection, error?: unknown): void {
    if (connection.state !== 'active') return;
    const now = this.clock();
    this.metrics.released(now - connection.acquiredAt, now);
    this.inUse[connection.lane!] -= 1;
    this.leakDetector.untrack(connection.id);
    connection.lane = undefined;
    connection.lastUsedAt = now;
    if (error !== undefined && isConnectionError(error)) connection.broken ??= error as Error;
    if (connection.broken || this.closed || now >= connection.retireAt || this.connections.size > this.currentSize.max) {
      if (connection.broken) this.metrics.counters.brokenConnections += 1;
      this.lifecycle.destroy(connection);
    } else if (connection.settling) {
      connection.state = 'checking';
      const settled = connection.settling;
      connection.settling = undefined;
      void withDeadline(settled, SETTLE_LIMIT_MS).then((ok) => {
        if (ok && !connection.broken && !this.closed) this.toIdle(connection);
        else this.lifecycle.destroy(connection);
      });
    } else {
      connection.state = 'idle';
      this.idle.push(connection);
    }
    this.pump();
  }

  // ── handing out ─────────────────────────────────────────────────────────

  private checkOut(connection: Connection, lane: Lane, now: number): void {
    connection.state = 'active';
    connection.fresh = false;
    connection.lane = lane;
    connection.acquiredAt = now;
    this.inUse[lane] += 1;
  }

  private isReady(connection: Connection): boolean {
    if (connection.generation !== this.settingsState.generation) return false;
    return connection.fresh || this.clock() - connection.lastUsedAt < (this.options.healthCheckIdleMs ?? 5_000);
  }

  /** Matches idle connections with waiters in lane order, then opens connections for those still startable. */
  private pump(): void {
    while (this.idle.length > 0 && this.queue.waiting() > 0 && this.inUseTotal() < this.limit()) {
      const connection = this.idle[this.idle.length - 1]!;
      if (!this.isReady(connection)) {
        this.idle.pop();
        void this.lifecycle.refresh(connection);
        continue;
      }
      const waiter = this.queue.next(this.inUse, this.caps);
      if (!waiter) break;
      this.idle.pop();
      const now = this.clock();
      this.metrics.meter.change(now, 0, 0, -1);
      this.metrics.acquired(waiter.lane, now - waiter.payload.enqueuedAt, now);
      this.checkOut(connection, waiter.lane, now);
      waiter.payload.cleanup();
      waiter.payload.resolve(connection);
    }
    this.openIfNeeded();
  }

  private toIdle(connection: Connection): void {
    if (connection.state === 'closed') return;
    // A statement the caller gave up on may have changed the session after the caller left.
    if (this.closed || connection.broken || (connection.sessionChange && this.options.readOnly)) return this.lifecycle.destroy(connection);
    connection.state = 'idle';
    this.idle.push(connection);
    this.pump();
  }

  private openIfNeeded(): void {
    if (this.closed || this.lifecycle.retrying) return;
    const opening = this.lifecycle.opening;
    const total = this.connections.size + opening;
    const wanted = this.queue.waiting() > 0 ? this.queue.startable(this.inUse, this.caps) - this.idle.length - opening : 0;
    const missing = Math.max(wanted, this.currentSize.min - total);
    const room = Math.max(0, Math.min(this.currentSize.max, Math.max(this.limit(), this.currentSize.min)) - total);
    for (let i = 0; i < Math.min(missing, room); i++) void this.lifecycle.openOne();
  }

  // ── housekeeping ────────────────────────────────────────────────────────

  /** Every second: retire old and surplus idle connections, refill the minimum, count new leaks. */
  private keepHouse(): void {
    if (this.closed) return;
    const now = this.clock();
    this.lifecycle.retireIdle(now, this.currentSize, this.options.idleTimeoutMs ?? 600_000);
    if (this.leakDetector.enabled) this.metrics.counters.leaks += this.leakDetector.newlyLeaked(now).length;
    this.pump();
  }

  // ── sizing and settings ─────────────────────────────────────────────────

  size(): PoolSize {
    return { ...this.currentSize };
  }

  /** Checked against the server's limits now; shrinking closes idle connections at once and busy ones on release. */
  async resize(size: { min?: number; max?: number }): Promise<PoolSize> {
    if (this.closed) throw this.closedError();
    const next = await probePoolSize(
      this.connectionConfig,
      this.options.cores ?? os.availableParallelism(),
      [...this.connections].map((c) => c.pid),
      {
        min: size.min ?? Math.min(this.currentSize.min, size.max ?? Infinity),
        max: size.max ?? this.currentSize.max,
      },
    );
    this.settingsState.resize(next.max);
    this.currentSize = next;
    this.limiter?.setMaxLimit(next.max, Math.max(1, next.min));
    this.setLimits();
    this.lifecycle.shrinkTo(next.max, false);
    this.pump();
    return this.size();
  }

  /** Closes idle connections above the minimum now, not after idleTimeoutMs (the memory manager's trim); returns how many. */
  trimIdle(): number {
    return this.lifecycle.shrinkTo(this.currentSize.min, true);
  }

  proposeSettings(change: Partial<SessionSettings>): Promise<SessionSettings> {
    return this.settingsState.propose(change, this.currentSize.max);
  }

  /** Validated first; then every connection gets the new values before its next use (idle ones now). */
  async applySettings(change: Partial<SessionSettings>): Promise<SessionSettings> {
    const values = await this.settingsState.apply(change, this.currentSize.max);
    this.lifecycle.refreshIdle();
    return values;
  }

  async revertSettings(): Promise<SessionSettings> {
    const values = this.settingsState.revert();
    this.lifecycle.refreshIdle();
    return values;
  }

  /** The values in force, why each, and whether `revertSettings()` has a previous version to go back to. */
  settings(): { values: SessionSettings; reasons: Record<string, string>; canRevert: boolean } {
    return this.settingsState.describe();
  }

  private setLimits(): void {
    this.caps = laneCaps(this.limit(), this.policy);
  }

  private limit(): number {
    return this.limiter ? Math.min(this.currentSize.max, this.limiter.limit) : this.currentSize.max;
  }

  private inUseTotal(): number {
    return this.inUse.high + this.inUse.normal + this.inUse.low;
  }

  // ── metrics ─────────────────────────────────────────────────────────────

  snapshot(): PoolSnapshot {
    if (this.limiter) this.setLimits();
    const { active, checking } = this.lifecycle.countBusy();
    const opening = this.lifecycle.opening;
    return this.metrics.take(this.clock(), {
      connections: {
        total: this.connections.size + opening,
        idle: this.idle.length + checking,
        active,
        opening,
        activeByLane: { ...this.inUse },
      },
      waiting: this.queue.waitingByLane(),
      limit: this.limit(),
    });
  }

  leaks(): LeakReport[] {
    return this.leakDetector.current(this.clock());
  }

  // ── shutdown ────────────────────────────────────────────────────────────

  /** Rejects waiters, closes idle connections now and busy ones as they come back (forced after 5 s). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.housekeeping);
    this.waiters.rejectAll(() => this.closedError());
    await this.lifecycle.close(SETTLE_LIMIT_MS);
  }

  private closedError(): PoolError {
    return new PoolError('pool-closed', `The ${this.role} pool is closed.`, 'Open a new pool (reconnect the stack) to run more queries.');
  }

  private timeoutError(lane: Lane, timeoutMs: number): PoolError {
    return acquireTimeoutError({
      lane,
      timeoutMs,
      inUse: this.inUse,
      max: this.currentSize.max,
      opening: this.lifecycle.opening,
      waiting: this.queue.waiting(),
      caps: this.caps,
      connections: this.connections.size,
      lastConnectError: this.lifecycle.lastConnectError,
    });
  }
}
