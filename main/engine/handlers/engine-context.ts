import type { PrivilegeReport, TopStatementsSampler } from '../../database/index.ts';
import type pg from 'pg';
import type { CommandHandlers } from '../../contract/command-dispatcher.ts';
import type { EnginePhase, EngineStatus, LogEntry } from '../../contract/status.ts';
import type { ProfileStore } from '../../profiles/index.ts';
import type { Stack } from '../../stack/index.ts';
import type { TelemetryHistory, PrometheusMetrics } from '../../telemetry/index.ts';
import type { EventBus } from '../event-bus.ts';
import type { CacheSession, CacheSettings } from '../cache-session.ts';
import type { AdvisorSession } from '../advisor-session.ts';
import type { PoolManager, ReplicaPolicy } from '../../pool/index.ts';
import type { WorkloadSession } from '../workload-session.ts';
import type { PlannerThread } from '../planner-thread.ts';
import type { LoadLock } from '../load-lock.ts';
import type { ReplicaPool } from '../replica-pools.ts';

/** A connection's own read policy and lag bound (a profile's or stack.connect's); an absent field: the start-up one. */
export interface ReplicaReadSettings {
  policy?: ReplicaPolicy;
  maxLagSeconds?: number;
}

/** The settings a connection gives (null fields from a profile: none), without the absent or null ones. */
export function replicaReadSettings(given: {
  policy?: ReplicaPolicy | null | undefined;
  maxLagSeconds?: number | null | undefined;
}): ReplicaReadSettings {
  return {
    ...(given.policy == null ? {} : { policy: given.policy }),
    ...(given.maxLagSeconds == null ? {} : { maxLagSeconds: given.maxLagSeconds }),
  };
}

/** The connected stack and what the engine holds for it, available while the engine is `ready`. */
export interface ReadyStack {
  stack: Stack;
  /** The engine's own small pool (application_name `hotpath`) for reads and admin work. */
  admin: pg.Pool;
  topStatements: TopStatementsSampler;
  /** The workload pool (read-only sessions; lanes: normal = the workload, low = warming and background reads). */
  pool: PoolManager;
  /** One workload pool per read replica of the stack (empty without replicas); the workload's reads go there. */
  replicas: ReplicaPool[];
  /** How the workload's reads are spread over `replicas`, and lag-bounded's bound: the connection's own, else the start-up ones. */
  replicaPolicy: ReplicaPolicy;
  replicaMaxLagSeconds: number;
  /** The stack's cache; null when the engine runs with the cache off. */
  cache: CacheSession | null;
  advisor: AdvisorSession;
  /** What the connecting role may do per feature (checked at connect); null when the check failed. */
  privileges: PrivilegeReport | null;
  /** The learned plan selector for hybrid queries (loads its vector index on first use). */
  planner: PlannerThread;
}

/**
 * What command handlers may use of the engine: its state goes through these few methods, so the lifecycle
 * rules (one stack at a time, nothing left running on stop) stay in `engine.ts`.
 */
export interface EngineContext {
  readonly dataDir: string;
  readonly workloadSeed: number | undefined;
  /** How the workload's reads are spread over the read replicas (see main/pool/replica-policy.ts). */
  readonly replicaPolicy: ReplicaPolicy;
  /** `lag-bounded`: the most replication lag, in seconds, a replica may have to take reads. */
  readonly replicaMaxLagSeconds: number;
  /** How long the workload runs on a new index before "after" is measured (ms). */
  readonly settleMs: number;
  /** Read-only mode: no DDL from any command (not even CREATE EXTENSION at connect), no demo seeding. */
  readonly readOnly: boolean;
  /** Where the password of a connection a client names may come from (see EngineOptions.clientPasswordSources). */
  readonly passwordSources: 'connection-string' | 'libpq';
  readonly profiles: ProfileStore;
  readonly events: EventBus;
  readonly history: TelemetryHistory;
  readonly metrics: PrometheusMetrics;
  /** Paused by the memory manager under aggressive pressure: low-priority work (warming) waits on it. */
  readonly background: { whenRunning(): Promise<void> };
  /** Aborted when the engine stops: long work (seeding) ends early. */
  readonly stopping: AbortSignal;
  /** Optimize's apply and a capacity search, one at a time (load-lock.ts). */
  readonly loadLock: LoadLock;
  status(): EngineStatus;
  /** Publishes the status (engine.status event) and returns it. */
  changed(): EngineStatus;
  setPhase(phase: EnginePhase): void;
  log(level: LogEntry['level'], message: string): void;
  /**
   * Replaces the current stack with the one `open` gives; `profileId` says which saved profile it came from.
   * `vacateFirst`: the current stack is let go before `open` runs (the new one needs what it holds); otherwise
   * the new stack is opened beside it and swapped in only once it is up. A connect under way makes it `busy`.
   */
  connect(
    open: () => Promise<Stack>,
    profileId: string | null,
    /**
     * l3: this connection's object tier (a profile's or the form's), instead of the start-up one; replicaReads: its
     * read policy and lag bound, likewise (see ReplicaReadSettings).
     */
    options?: { vacateFirst?: boolean; l3?: CacheSettings['l3']; replicaReads?: ReplicaReadSettings },
  ): Promise<EngineStatus>;
  disconnect(): Promise<void>;
  /** The connected stack when the engine is `ready`, or a `not-connected` ContractError. */
  requireReady(): ReadyStack;
  /** The connected stack, also while seeding (for reads that do not disturb it). */
  requireConnected(): ReadyStack;
  /** The connected stack in any phase, or null: for reads that have an answer when disconnected. */
  connected(): ReadyStack | null;
  workload(): WorkloadSession | null;
  /** Makes `session` the running one at once and stops the one it replaces (if any). */
  replaceWorkload(session: WorkloadSession | null): Promise<void>;
  /** The saved profile the current stack came from. */
  profileId(): string | null;
  forgetProfile(id: string): void;
}

/** A module's share of the handler map. */
export type HandlerGroup<C extends keyof CommandHandlers> = Pick<CommandHandlers, C>;
