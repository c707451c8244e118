import pg from 'pg';
import type { EngineApi } from '../contract/api.ts';
import { ContractError } from '../contract/api.ts';
import { dispatchCommand, type CommandHandlers } from '../contract/command-dispatcher.ts';
import type { CommandName, CommandParams, CommandResult } from '../contract/commands.ts';
import type { EventName, EventPayload } from '../contract/events.ts';
import type { EngineErrorPayload, EnginePhase, EngineStatus, LogEntry } from '../contract/status.ts';
import { TopStatementsSampler, checkPrivileges, privilegeNotices } from '../database/index.ts';
import { ProfileStore, type SecretCipher } from '../profiles/index.ts';
import { isCacheTierNotice, type Stack } from '../stack/index.ts';
import { PrometheusMetrics, TelemetryHistory } from '../telemetry/index.ts';
import { EventBus } from './event-bus.ts';
import { toContractError } from './engine-errors.ts';
import { turnOffPretenuring } from './pretenuring.ts';
import type { EngineContext, ReadyStack, ReplicaReadSettings } from './handlers/engine-context.ts';
import { databaseHandlers } from './handlers/database-handlers.ts';
import { profileHandlers } from './handlers/profile-handlers.ts';
import { stackHandlers } from './handlers/stack-handlers.ts';
import { workloadHandlers } from './handlers/workload-handlers.ts';
import type { WorkloadSession } from './workload-session.ts';
import { CacheSession } from './cache-session.ts';
import type { CacheSettings } from './cache-session.ts';
import { cacheHandlers } from './handlers/cache-handlers.ts';
import { poolHandlers } from './handlers/pool-handlers.ts';
import { advisorHandlers } from './handlers/advisor-handlers.ts';
import { AdvisorSession } from './advisor-session.ts';
import { memoryHandlers } from './handlers/memory-handlers.ts';
import { plannerHandlers } from './handlers/planner-handlers.ts';
import { sloHandlers } from './handlers/slo-handlers.ts';
import { capacityHandlers } from './handlers/capacity-handlers.ts';
import { SloJudge } from '../slo/index.ts';
import { DEFAULT_SETTLE_MS } from '../workload/index.ts';
import { PlannerThread } from './planner-thread.ts';
import { MemorySession } from './memory-session.ts';
import { DEFAULT_REPLICA_MAX_LAG_SECONDS, DEFAULT_REPLICA_POLICY, PoolManager, poolInterval, type ReplicaPolicy } from '../pool/index.ts';
import { DedicatedProbe, PostgresHealth } from './postgres-health.ts';
import type { StackHealth, StackInfo } from '../contract/status.ts';
import type { PoolInterval } from '../contract/pool.ts';
import { LoadLock } from './load-lock.ts';
import { closeReplicaPools, openReplicaPools } from './replica-pools.ts';
import { observeServers } from './server-metrics.ts';
import { sampleReplicaLag } from './replica-lag.ts';

export interface EngineOptions {
  /** The app's data folder: saved connection profiles, and the local demo stack's data by default. */
  dataDir: string;
  /** Which host runs the engine; the UI words things (e.g. where secrets go) for it. Default `headless`. */
  host?: 'electron' | 'headless';
  /** Encrypts the passwords of saved profiles; null or absent: passwords stay in memory for the session. */
  secretCipher?: SecretCipher | null;
  /** Maximum connections of the workload pool; by default derived from the server (see main/pool/pool-sizing.ts). */
  workloadPoolSize?: number;
  /** Seed for workload parameter choices (reproducible runs). */
  workloadSeed?: number;
  /** How the workload's reads are spread over the stack's read replicas; default round robin. */
  replicaPolicy?: ReplicaPolicy;
  /** `lag-bounded`: the most replication lag (seconds) a replica may have to take reads; default DEFAULT_REPLICA_MAX_LAG_SECONDS. */
  replicaMaxLagSeconds?: number;
  /** The cache's tiers and sizes; `false` turns the cache off (cached templates then go to the database). */
  cache?: CacheSettings | false;
  /**
   * Where the password of a connection a client names (stack.connect, stack.test, profiles.connect) may come
   * from. `connection-string` (default): only the connection string, so a client can neither make the engine
   * read a file of its choosing (`passfile=`) nor be handed a `*` line of the operator's ~/.pgpass. `libpq`:
   * libpq's full order (PGPASSWORD, password files), for a host whose clients are the operator alone.
   */
  clientPasswordSources?: 'connection-string' | 'libpq';
  /** Read-only mode: no DDL at all (the index advisor proposes, never builds or rolls back). */
  readOnly?: boolean;
  /** The engine's memory budget in bytes; by default derived from the machine. */
  memoryBudgetBytes?: number;
  /** How long the workload runs on a new index before "after" is measured, in ms; see DEFAULT_SETTLE_MS. */
  settleMs?: number;
}

const NO_CIPHER_WARNING = {
  headless:
    'Passwords are kept in memory until Hotpath stops. To save them (encrypted), start Hotpath with HOTPATH_SECRET_KEY set to a long random value.',
  electron: 'This system offers no OS keychain to encrypt passwords with, so they are kept in memory until Hotpath quits.',
} as const;

/**
 * The engine: owns the stack, the running workload, the telemetry and the saved profiles, and serves the
 * contract. Hosts (Electron, the headless server, tests) talk to it only through `call` and `subscribe`.
 * The command handlers live in `handlers/`; this file keeps the lifecycle and the state they share.
 */
export class Engine implements EngineApi {
  private readonly events = new EventBus();
  private readonly history = new TelemetryHistory();
  readonly metrics = new PrometheusMetrics(() => this.workloadSession?.runner.recorder.lastClosedHistograms() ?? null);
  private readonly host: 'electron' | 'headless';
  private readonly profiles: ProfileStore;
  private ready: ReadyStack | null = null;
  private profileId: string | null = null;
  private workloadSession: WorkloadSession | null = null;
  private phase: EnginePhase = 'disconnected';
  private lastError: EngineErrorPayload | null = null;
  private readonly ticker: NodeJS.Timeout;
  /**
   * The connect under way, from its busy check to its swap (or its clean-up): a second connect is refused while it
   * runs, and `stop()` waits for it, so no stack it opens is left behind untracked.
   */
  private connecting: Promise<EngineStatus> | null = null;
  /** Whether the connected stack's PostgreSQL answers; null when no stack is connected. */
  private pgHealth: PostgresHealth | null = null;
  /** The health probe's own connection, closed with the stack. */
  private healthProbe: DedicatedProbe | null = null;
  /** Aborts long work (seeding) when the engine stops. */
  private readonly stopping = new AbortController();
  private readonly loadLock = new LoadLock();
  private readonly handlers: CommandHandlers;
  /** Watches the process's memory and, under pressure, shrinks the cache and the pool and pauses background work. */
  readonly memory: MemorySession;
  /** Judges the eight success metrics over 1, 5 and 15 minutes, from each tick's snapshot. */
  readonly slo = new SloJudge();

  constructor(private readonly options: EngineOptions) {
    turnOffPretenuring();
    this.host = options.host ?? 'headless';
    this.profiles = new ProfileStore({
      dataDir: options.dataDir,
      cipher: options.secretCipher ?? null,
      noCipherWarning: NO_CIPHER_WARNING[this.host],
    });
    this.memory = new MemorySession({
      ...(options.memoryBudgetBytes === undefined ? {} : { budgetBytes: options.memoryBudgetBytes }),
      cache: () => this.ready?.cache ?? null,
      pool: () => this.ready?.pool ?? null,
      planner: () => this.ready?.planner ?? null,
      log: (level, message) => this.log(level, message),
      registry: this.metrics.registry,
    });
    const ctx = this.context();
    this.handlers = {
      ...stackHandlers(ctx),
      ...profileHandlers(ctx),
      ...databaseHandlers(ctx),
      ...workloadHandlers(ctx),
      ...cacheHandlers(ctx),
      ...poolHandlers(ctx),
      ...advisorHandlers(ctx),
      ...memoryHandlers(ctx, this.memory),
      ...plannerHandlers(ctx),
      ...sloHandlers(ctx, this.slo),
      ...capacityHandlers(ctx, this.slo),
    };
    this.ticker = setInterval(() => this.tick(), 1000);
    this.ticker.unref();
  }

  async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
    try {
      return (await dispatchCommand(this.handlers, command, params)) as CommandResult<C>;
    } catch (error) {
      throw toContractError(error);
    }
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.events.subscribe(event, handler);
  }

  status(): EngineStatus {
    const stack = this.ready?.stack ?? null;
    return {
      phase: this.phase,
      stack: stack && {
        kind: stack.kind,
        pgDisplayUrl: stack.pgDisplayUrl,
        redisUrl: stack.redis?.displayUrl ?? null,
        ...(stack.replicas.length > 0 ? { replicas: stack.replicas.map((r) => ({ name: r.name, displayUrl: r.displayUrl })) } : {}),
        ...(this.ready && stack.replicas.length > 0 ? replicaReadsStatus(this.ready) : {}),
        serverVersion: stack.capabilities.serverVersion,
        pgStatStatements: stack.capabilities.pgStatStatements,
        ...(this.ready?.privileges ? { privileges: this.ready.privileges } : {}),
      },
      profileId: this.profileId,
      host: this.host,
      notices: stack?.notices ?? [],
      workload: this.workloadSession?.status() ?? { running: false, profile: null, templates: [], targetRate: 0 },
      error: this.lastError,
      ...(this.ready && this.pgHealth ? { health: this.health() } : {}),
    };
  }

  /** PostgreSQL from the engine's probe; Redis from the cache's breaker (open: Redis is failing or frozen). */
  private health(): StackHealth {
    const pg = this.pgHealth!.state;
    const l2 = this.ready?.stack.redis ? this.ready.cache?.status([]).l2 : undefined;
    const redis = l2 === undefined ? 'off' : l2.breakerState === 'open' ? 'down' : 'up';
    const problem =
      pg.state === 'down'
        ? `PostgreSQL does not answer: ${pg.error}`
        : redis === 'down'
          ? `Redis does not answer (the cache reads through to PostgreSQL): ${l2?.lastError ?? 'breaker open'}`
          : null;
    return { postgres: pg.state, redis, problem, since: pg.since };
  }

  /** Stops the workload and the stack (and every process a local stack started). */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.stopping.abort(new ContractError('stopping', 'The engine is stopping.'));
    this.setPhase('stopping');
    // A connect under way sees the abort and releases what it opened, or finishes its swap: either way, what it
    // opened is then either released or this.ready, which disconnect() lets go.
    await this.connecting?.catch(() => undefined);
    await this.disconnect();
    await this.memory.stop();
  }

  /** What the handlers may use; see EngineContext. */
  private context(): EngineContext {
    return {
      dataDir: this.options.dataDir,
      workloadSeed: this.options.workloadSeed,
      replicaPolicy: this.options.replicaPolicy ?? DEFAULT_REPLICA_POLICY,
      replicaMaxLagSeconds: this.options.replicaMaxLagSeconds ?? DEFAULT_REPLICA_MAX_LAG_SECONDS,
      settleMs: this.options.settleMs ?? DEFAULT_SETTLE_MS,
      readOnly: this.options.readOnly ?? false,
      passwordSources: this.options.clientPasswordSources ?? 'connection-string',
      profiles: this.profiles,
      events: this.events,
      history: this.history,
      metrics: this.metrics,
      stopping: this.stopping.signal,
      loadLock: this.loadLock,
      background: this.memory.background,
      status: () => this.status(),
      changed: () => this.changed(),
      setPhase: (phase) => this.setPhase(phase),
      log: (level, message) => this.log(level, message),
      connect: (open, profileId, options) => this.connect(open, profileId, options),
      disconnect: () => this.disconnect(),
      requireReady: () => this.requireReady(),
      requireConnected: () => this.requireReady(['ready', 'seeding']),
      connected: () => this.ready,
      workload: () => this.workloadSession,
      replaceWorkload: (session) => this.swapWorkload(session),
      profileId: () => this.profileId,
      forgetProfile: (id) => {
        if (this.profileId !== id) return;
        this.profileId = null;
        this.changed();
      },
    };
  }

  private connect(
    open: () => Promise<Stack>,
    profileId: string | null,
    options: { vacateFirst?: boolean; l3?: CacheSettings['l3']; replicaReads?: ReplicaReadSettings } = {},
  ): Promise<EngineStatus> {
    if (this.connecting || this.phase === 'connecting' || this.phase === 'seeding') {
      return Promise.reject(
        new ContractError('busy', `The engine is ${this.connecting ? 'connecting' : this.phase}.`, 'Wait until it is done.'),
      );
    }
    // Set in the same turn as the check above: no second connect can pass it until this one has settled.
    const attempt = this.connectOnce(open, profileId, options.vacateFirst ?? false, options.l3, options.replicaReads);
    this.connecting = attempt;
    const settled = () => {
      if (this.connecting === attempt) this.connecting = null;
    };
    attempt.then(settled, settled);
    return attempt;
  }

  private async connectOnce(
    open: () => Promise<Stack>,
    profileId: string | null,
    vacateFirst: boolean,
    l3?: CacheSettings['l3'],
    replicaReads: ReplicaReadSettings = {},
  ): Promise<EngineStatus> {
    // A stack that needs what the current one holds (a local stack's data folder) can only start once it is gone.
    if (vacateFirst && this.ready) await this.disconnect();
    // Otherwise the new stack is opened beside the one in use, which keeps running (and serving) until the new
    // one is up: a bad URL, an unreachable server or a wrong password leaves it as it was.
    if (!this.ready) this.setPhase('connecting');
    // What the new stack has opened so far, released if a later step fails.
    const opened: Partial<ReadyStack> = {};
    try {
      const stack = await open();
      opened.stack = stack;
      if (this.stopping.signal.aborted) throw this.stopping.signal.reason;
      const admin = new pg.Pool({ ...stack.pg, max: 4, application_name: 'hotpath' });
      opened.admin = admin;
      // An idle pooled connection the server drops (restart, admin kill) must not crash the process.
      admin.on('error', (error) => this.log('warn', `A connection of the admin pool failed: ${error.message}`));
      const pool = await PoolManager.open({
        connection: stack.pg,
        readOnly: true,
        applicationName: 'hotpath-workload',
        ...(this.options.workloadPoolSize === undefined ? {} : { max: this.options.workloadPoolSize }),
      });
      opened.pool = pool;
      const replicas = await openReplicaPools(stack, {
        ...(this.options.workloadPoolSize === undefined ? {} : { max: this.options.workloadPoolSize }),
      });
      opened.replicas = replicas;
      // A first lag measure before the workload can start: lag-bounded sends reads to a replica only once measured.
      await sampleReplicaLag(admin, replicas);
      const cache =
        this.options.cache === false
          ? null
          : await CacheSession.open(
              stack,
              pool,
              this.options.dataDir,
              // A connection's own L3 (a profile's or the form's) replaces the start-up one for this stack.
              { ...this.options.cache, ...(l3 ? { l3 } : {}), backgroundGate: this.memory.background },
              (level, message) => this.log(level, message),
            );
      if (cache === null) stack.notices = stack.notices.filter((notice) => !isCacheTierNotice(notice.code));
      const advisor = new AdvisorSession({ stack, dataDir: this.options.dataDir, readOnly: this.options.readOnly ?? false });
      // Hybrid queries run on their own thread and connections: their in-process ranking never stalls this one.
      opened.cache = cache;
      opened.advisor = advisor;
      const planner = new PlannerThread(stack.pg, (level, message) => this.log(level, message));
      opened.planner = planner;
      const privileges = await checkPrivileges(admin).catch((error: unknown) => {
        this.log('warn', `Could not check the connected role's privileges: ${(error as Error).message}`);
        return null;
      });
      if (privileges) stack.notices.push(...privilegeNotices(privileges));
      if (this.stopping.signal.aborted) throw this.stopping.signal.reason;
      // A budget given below what the engine needs at rest with this stack is refused here, with the numbers,
      // before the swap: the stack in use, if any, stays as it was.
      this.memory.checkBudgetAtRest();
      // The new stack is up: only now is the old one (and its workload) let go.
      if (this.ready) await this.disconnect();
      this.ready = {
        stack,
        admin,
        topStatements: new TopStatementsSampler(admin),
        pool,
        replicas,
        // A connection's own read policy replaces the start-up one (--replica-policy) for this stack.
        replicaPolicy: replicaReads.policy ?? this.options.replicaPolicy ?? DEFAULT_REPLICA_POLICY,
        replicaMaxLagSeconds: replicaReads.maxLagSeconds ?? this.options.replicaMaxLagSeconds ?? DEFAULT_REPLICA_MAX_LAG_SECONDS,
        cache,
        advisor,
        planner,
        privileges,
      };
      // Its own connection: a probe that hangs never holds one of the admin pool's, and is ended when given up.
      const healthProbe = new DedicatedProbe(stack.pg);
      const health: PostgresHealth = new PostgresHealth(healthProbe.probe, (now) => {
        // A probe of a stack since let go settles late: it says nothing about the stack in use.
        if (this.pgHealth !== health) return;
        if (now.state === 'down')
          this.log('error', `PostgreSQL does not answer: ${now.error}. Queries fail until it is back; /healthz says unready.`);
        else this.log('info', 'PostgreSQL answers again.');
        this.changed();
      });
      this.pgHealth = health;
      this.healthProbe = healthProbe;
      // Builds a killed Hotpath left behind: adopted into the history or reported (never dropped here).
      void advisor.reconcile().then(
        (findings) => {
          for (const f of findings) this.log(f.kind === 'adopted' || f.kind === 'interrupted' ? 'info' : 'warn', f.message);
        },
        (error: unknown) =>
          this.log(
            'warn',
            `The index build history could not be checked against the database: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
      // The local stack's servers: their memory and CPU show beside ours on the Memory page.
      this.memory.setChildren(stack.processes);
      this.profileId = profileId;
      for (const notice of stack.notices) this.log('warn', `${notice.message} ${notice.hint}`);
      this.lastError = null;
      this.setPhase('ready');
      return this.status();
    } catch (error) {
      const contractError = toContractError(error);
      this.lastError = contractError.toPayload();
      // Failed after the swap (the new stack is in use): it goes, as a whole. Before it: only its opened parts.
      if (this.ready && this.ready.stack === opened.stack) await this.disconnect();
      else await this.release(opened);
      if (this.phase === 'stopping') throw contractError;
      if (this.ready) {
        // The stack in use was never touched: it stays ready; the status carries the error of the attempt.
        this.log('warn', `Could not connect: ${contractError.message} The current stack is still connected.`);
        this.changed();
      } else {
        this.setPhase('failed');
      }
      throw contractError;
    }
  }

  private async disconnect(): Promise<void> {
    // The workload's schedule stops at once, but its requests in flight are awaited: a saturated workload has
    // thousands waiting for a pool connection, which would run (or wait out their acquire timeout) first. Closing
    // the pool meanwhile fails the waiters at once and closes busy connections as their query ends (bounded).
    await Promise.all([
      this.stopWorkload(),
      this.ready?.pool.close().catch(() => undefined),
      closeReplicaPools(this.ready?.replicas ?? []),
    ]);
    const ready = this.ready;
    this.ready = null;
    this.pgHealth = null;
    this.healthProbe?.close();
    this.healthProbe = null;
    this.profileId = null;
    if (ready) await this.release(ready);
    this.memory.setChildren([]);
    if (this.phase !== 'stopping') this.setPhase('disconnected');
  }

  /** Closes what a stack opened (all of it, or the part a failed connect got to), the stack's servers last. */
  private async release(ready: Partial<ReadyStack>): Promise<void> {
    ready.advisor?.cancelAll();
    await ready.planner?.close().catch(() => undefined);
    await ready.cache?.close().catch(() => undefined);
    await ready.pool?.close().catch(() => undefined);
    await closeReplicaPools(ready.replicas ?? []);
    await ready.admin?.end().catch(() => undefined);
    await ready.stack?.stop();
  }

  private stopWorkload(): Promise<void> {
    return this.swapWorkload(null);
  }

  /**
   * Makes `next` the running workload and stops the one it replaces. The swap is synchronous: two overlapping
   * replacements each close the session they took out, so no runner is ever left running untracked.
   */
  private async swapWorkload(next: WorkloadSession | null): Promise<void> {
    const session = this.workloadSession;
    this.workloadSession = next;
    if (!session) return;
    await session.close();
    this.metrics.workloadStopped();
    this.log('info', `Workload "${session.profile.name}" stopped.`);
    this.changed();
  }

  /** The connected stack, in one of `phases` (reads may run while seeding; new work may not). */
  private requireReady(phases: readonly EnginePhase[] = ['ready']): ReadyStack {
    if (!phases.includes(this.phase) || !this.ready) {
      throw new ContractError(
        'not-connected',
        `The engine is ${this.phase}, not connected to a stack.`,
        'Start the local demo stack or connect to a database first.',
      );
    }
    return this.ready;
  }

  /** Once a second: close the workload interval and publish one snapshot. */
  private tick(): void {
    if (this.ready) void this.pgHealth?.check();
    // Each replica's lag, measured beside the tick (async, one probe at a time); this tick reports the last measure.
    if (this.ready && this.ready.replicas.length > 0) void sampleReplicaLag(this.ready.admin, this.ready.replicas);
    const interval = this.workloadSession?.runner.closeInterval() ?? null;
    if (interval) this.metrics.observeInterval(interval);
    const cache = this.ready?.cache?.interval() ?? null;
    if (cache) this.metrics.observeCache(cache);
    this.metrics.observeL2(this.ready?.cache?.l2Interval() ?? null);
    const pool = this.poolSecond();
    const memory = this.memory.interval();
    const snapshot = { at: Date.now(), workload: interval, cache, pool, memory };
    this.history.record(snapshot);
    this.events.emit('telemetry.snapshot', snapshot);
    this.slo.record(snapshot);
    this.metrics.observeSlo(this.slo.reportEveryWindow());
    this.events.emit('slo.report', this.slo.report());
  }

  /** The workload pool's second, with where its reads went when there are read replicas; null while disconnected. */
  private poolSecond(): PoolInterval | null {
    if (!this.ready) {
      // The replicas it had are gone, and so are their lag series.
      this.metrics.observeReplicaLag(new Map());
      return null;
    }
    const snapshot = this.ready.pool.snapshot();
    const pool = poolInterval(snapshot, this.ready.pool.size());
    this.metrics.observePool(pool, snapshot.acquireWaitHistograms);
    const servers = observeServers(this.metrics, snapshot, this.ready.replicas);
    // With read replicas, the interval says where the workload's reads went and how long they took there.
    if (servers.length > 1) pool.servers = servers;
    return pool;
  }

  private log(level: LogEntry['level'], message: string): void {
    this.events.emit('engine.log', { at: Date.now(), level, message });
  }

  private setPhase(phase: EnginePhase): void {
    this.phase = phase;
    this.changed();
  }

  private changed(): EngineStatus {
    const status = this.status();
    this.events.emit('engine.status', status);
    return status;
  }
}

/** The read policy of a stack with replicas, for its status (the bound only where the policy reads it). */
function replicaReadsStatus(ready: ReadyStack): Pick<StackInfo, 'replicaPolicy' | 'replicaMaxLagSeconds'> {
  return {
    replicaPolicy: ready.replicaPolicy,
    ...(ready.replicaPolicy === 'lag-bounded' ? { replicaMaxLagSeconds: ready.replicaMaxLagSeconds } : {}),
  };
}
