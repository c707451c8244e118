import pg from 'pg';
import type { EngineApi } from '../contract/api.ts';
import { ContractError } from '../contract/api.ts';
import { dispatchCommand, type CommandHandlers } from '../contract/command-dispatcher.ts';
import type { CommandName, CommandParams, CommandResult, SeedReportPayload } from '../contract/commands.ts';
import type { EventName, EventPayload } from '../contract/events.ts';
import type { EngineErrorPayload, EnginePhase, EngineStatus, LogEntry } from '../contract/status.ts';
import { seedDemoData } from '../demo/seeder.ts';
import { describeSeedProgress } from '../demo/seed-progress-text.ts';
import { connectRemoteStack } from '../stack/remote/remote-stack.ts';
import { startLocalStack } from '../stack/local/local-stack.ts';
import type { Stack } from '../stack/stack.ts';
import { PrometheusMetrics } from '../telemetry/prometheus-metrics.ts';
import { TelemetryHistory } from '../telemetry/telemetry-history.ts';
import { EventBus } from './event-bus.ts';
import { toContractError } from './engine-errors.ts';
import { WorkloadSession } from './workload-session.ts';

export interface EngineOptions {
  /** Where the local demo stack keeps its data (the app's data folder by default). */
  dataDir: string;
  /** Connections of the workload pool. */
  workloadPoolSize?: number;
  /** Seed for workload parameter choices (reproducible runs). */
  workloadSeed?: number;
}

/**
 * The engine: owns the stack, the demo data, the running workload and the telemetry,
 * and serves the contract. Hosts (Electron, the headless server, tests) talk to it only
 * through `call` and `subscribe`.
 */
export class Engine implements EngineApi {
  private readonly events = new EventBus();
  private readonly history = new TelemetryHistory();
  readonly metrics = new PrometheusMetrics(() => this.workload?.runner.recorder.recentSummaries() ?? null);
  private stack: Stack | null = null;
  private admin: pg.Pool | null = null;
  private workload: WorkloadSession | null = null;
  private phase: EnginePhase = 'disconnected';
  private lastError: EngineErrorPayload | null = null;
  private readonly ticker: NodeJS.Timeout;
  /** A stack being started or connected; `stop()` waits for it so nothing it starts is left behind. */
  private opening: Promise<Stack> | null = null;
  /** Aborts long work (seeding) when the engine stops. */
  private readonly stopping = new AbortController();
  private readonly handlers: CommandHandlers = {
    'engine.status': async () => this.status(),
    'stack.startLocal': async (p) => this.connect(() => startLocalStack({ dataDir: p.dataDir ?? this.options.dataDir, redis: p.redis ?? 'auto', onProgress: (s) => this.progress('stack', s.step, s.message) })),
    'stack.connect': async (p) => this.connect(() => connectRemoteStack(p.redisUrl === undefined ? { pgUrl: p.pgUrl } : { pgUrl: p.pgUrl, redisUrl: p.redisUrl })),
    'stack.disconnect': async () => {
      await this.disconnect();
      return this.status();
    },
    'demo.seed': async (p) => this.seed(p.chunks, p.force ?? false),
    'workload.start': async (p) => this.startWorkload(p.profile, p.rate),
    'workload.stop': async () => {
      await this.stopWorkload();
      return this.status();
    },
    'workload.setRate': async (p) => {
      if (!this.workload) throw new ContractError('no-workload', 'No workload is running.', 'Start one first.');
      this.workload.runner.setRate(p.rate);
      return this.changed();
    },
    'telemetry.history': async (p) => this.history.recent(p.seconds),
  };

  constructor(private readonly options: EngineOptions) {
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
    const stack = this.stack;
    return {
      phase: this.phase,
      stack: stack && {
        kind: stack.kind,
        pgDisplayUrl: stack.pgDisplayUrl,
        redisUrl: stack.redis?.displayUrl ?? null,
        serverVersion: stack.capabilities.serverVersion,
        pgStatStatements: stack.capabilities.pgStatStatements,
      },
      notices: stack?.notices ?? [],
      workload: this.workload?.status() ?? { running: false, profile: null, templates: [], targetRate: 0 },
      error: this.lastError,
    };
  }

  /** Stops the workload and the stack (and every process a local stack started). */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.stopping.abort(new ContractError('stopping', 'The engine is stopping.'));
    this.setPhase('stopping');
    const opening = this.opening;
    if (opening) {
      const stack = await opening.catch(() => null);
      if (stack && stack !== this.stack) await stack.stop();
    }
    await this.disconnect();
  }

  private async connect(open: () => Promise<Stack>): Promise<EngineStatus> {
    if (this.phase === 'connecting' || this.phase === 'seeding') {
      throw new ContractError('busy', `The engine is ${this.phase}.`, 'Wait until it is done.');
    }
    await this.disconnect();
    this.setPhase('connecting');
    try {
      this.opening = open();
      const stack = await this.opening.finally(() => (this.opening = null));
      if (this.stopping.signal.aborted) {
        await stack.stop();
        throw this.stopping.signal.reason;
      }
      this.stack = stack;
      this.admin = new pg.Pool({ ...this.stack.pg, max: 4, application_name: 'hotpath' });
      for (const notice of this.stack.notices) this.log('warn', `${notice.message} ${notice.hint}`);
      this.lastError = null;
      this.setPhase('ready');
      return this.status();
    } catch (error) {
      const contractError = toContractError(error);
      this.lastError = contractError.toPayload();
      await this.disconnect();
      this.setPhase('failed');
      throw contractError;
    }
  }

  private async disconnect(): Promise<void> {
    await this.stopWorkload();
    const admin = this.admin;
    const stack = this.stack;
    this.admin = null;
    this.stack = null;
    await admin?.end().catch(() => undefined);
    if (stack) await stack.stop();
    if (this.phase !== 'stopping') this.setPhase('disconnected');
  }

  private async seed(chunks: number, force: boolean): Promise<SeedReportPayload> {
    const admin = this.requireReady();
    this.setPhase('seeding');
    try {
      const report = await seedDemoData(admin, {
        chunks,
        force,
        signal: this.stopping.signal,
        onProgress: (p) => this.events.emit('task.progress', { task: 'seed', phase: p.phase, message: describeSeedProgress(p), done: p.done, total: p.total }),
      });
      this.log('info', report.reused ? `Demo data re-used: ${report.chunks.toLocaleString('en')} chunks.` : `Seeded ${report.chunks.toLocaleString('en')} chunks and ${report.edges.toLocaleString('en')} edges in ${(report.elapsedMs / 1000).toFixed(1)} s.`);
      return { chunks: report.chunks, edges: report.edges, reused: report.reused, elapsedMs: report.elapsedMs };
    } finally {
      if (!this.stopping.signal.aborted) this.setPhase('ready');
    }
  }

  private async startWorkload(profile: string, rate: number | undefined): Promise<EngineStatus> {
    this.requireReady();
    await this.stopWorkload();
    const session = await WorkloadSession.open({
      connection: this.stack!.pg,
      profile,
      ...(rate === undefined ? {} : { rate }),
      ...(this.options.workloadPoolSize === undefined ? {} : { poolSize: this.options.workloadPoolSize }),
      ...(this.options.workloadSeed === undefined ? {} : { seed: this.options.workloadSeed }),
    });
    this.workload = session;
    session.runner.start();
    this.log('info', `Workload "${session.profile.name}" started at ${session.runner.targetRate} requests/s.`);
    return this.changed();
  }

  private async stopWorkload(): Promise<void> {
    const session = this.workload;
    if (!session) return;
    this.workload = null;
    await session.close();
    this.metrics.workloadStopped();
    this.log('info', `Workload "${session.profile.name}" stopped.`);
    this.changed();
  }

  private requireReady(): pg.Pool {
    if (this.phase !== 'ready' || !this.admin) {
      throw new ContractError('not-connected', `The engine is ${this.phase}, not connected to a stack.`, 'Start the local demo stack or connect to a database first.');
    }
    return this.admin;
  }

  /** Once a second: close the workload interval and publish one snapshot. */
  private tick(): void {
    const interval = this.workload?.runner.closeInterval() ?? null;
    if (interval) this.metrics.observeInterval(interval);
    const snapshot = { at: Date.now(), workload: interval };
    this.history.record(snapshot);
    this.events.emit('telemetry.snapshot', snapshot);
  }

  private progress(task: 'stack' | 'seed', phase: string, message: string): void {
    this.events.emit('task.progress', { task, phase, message, done: 0, total: 0 });
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
