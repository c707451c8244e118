import { join } from 'node:path';
import pg from 'pg';
import type {
  AdvisorReportPayload,
  AnalyzeParams,
  BuildHistoryEntryPayload,
  BuildOutcomePayload,
  BuildProgressPayload,
  LatencyByTemplate,
} from '../contract/advisor.ts';
import { ContractError } from '../contract/api.ts';
import {
  analyzeWorkload,
  BuildHistory,
  droppableLeftoverOf,
  type HistoryEntry,
  IndexBuilder,
  reconcileBuilds,
  type ReconcileFinding,
  type SuppliedStatement,
} from '../advisor/index.ts';
import type { Stack } from '../stack/index.ts';
import { databaseNamespace } from './cache-session.ts';

export interface AdvisorSessionOptions {
  stack: Stack;
  dataDir: string;
  /** No DDL at all: proposals are shown, never built or rolled back. */
  readOnly: boolean;
}

export interface BuildHooks {
  onProgress(progress: BuildProgressPayload): void;
}

/**
 * The index advisor for one connected stack: the latest analysis, the builder (its own short-lived
 * connections: CREATE INDEX CONCURRENTLY cannot run in a transaction, and the workload pool is read-only), the
 * running builds (to cancel), and the history in the data folder, one file per database.
 */
export class AdvisorSession {
  private report: AdvisorReportPayload | null = null;
  private readonly builder: IndexBuilder;
  readonly history: BuildHistory;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: AdvisorSessionOptions) {
    this.history = new BuildHistory(join(options.dataDir, 'advisor', databaseNamespace(options.stack.pg, options.stack.kind)));
    this.builder = new IndexBuilder({
      readOnly: options.readOnly,
      history: this.history,
      connect: () => this.connectBuilder(),
    });
  }

  private async connectBuilder(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.options.stack.pg, application_name: 'hotpath-index-build' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /**
   * Reconciles the history with the catalog (builds a killed process left: adopted, reported or marked for cleanup);
   * run once when the stack connects. The findings are for the log; nothing here drops an index.
   */
  async reconcile(): Promise<ReconcileFinding[]> {
    return await reconcileBuilds({
      connect: () => this.connectBuilder(),
      history: this.history,
      readOnly: this.options.readOnly,
      activeEntryIds: this.builder.activeEntryIds,
    });
  }

  get readOnly(): boolean {
    return this.options.readOnly;
  }

  latest(): AdvisorReportPayload | null {
    return this.report;
  }

  /**
   * Runs the analysis on the workload's templates (if any), pg_stat_statements and what `inputs` adds (statements
   * from files and logs, pg_stat_activity sampling, a storage budget); keeps it as the latest.
   */
  async analyze(templates: { name: string; sql: string; weight: number }[], inputs: AnalyzeParams = {}): Promise<AdvisorReportPayload> {
    const report = await analyzeWorkload({
      pg: { ...this.options.stack.pg, application_name: 'hotpath-advisor' },
      templates,
      // Scans on the read replicas count too: an index only the replicas' reads use is not unused.
      replicas: this.options.stack.replicas.map((r) => ({ name: r.name, pg: r.pg })),
      ...(inputs.budgetBytes === undefined ? {} : { budgetBytes: inputs.budgetBytes }),
      ...(inputs.statements === undefined ? {} : { statements: inputs.statements.map(supplied) }),
      ...(inputs.sampleActivitySeconds === undefined ? {} : { sampleActivitySeconds: inputs.sampleActivitySeconds }),
    });
    this.report = { ...report, at: Date.now(), statements: report.statements.length } as AdvisorReportPayload;
    return this.report;
  }

  /**
   * Builds a proposal of the latest analysis by name. `measure` gives the workload's latency now; it is taken
   * before the build and, once the build is done and `settle` resolves, after it, and both go to the history.
   */
  async build(
    name: string,
    hooks: BuildHooks,
    measure: () => LatencyByTemplate | null,
    settle: () => Promise<void>,
  ): Promise<BuildOutcomePayload> {
    const proposal = this.report?.proposals.find((p) => p.name === name);
    if (!proposal) {
      throw new ContractError(
        'no-such-proposal',
        `The latest analysis has no proposal named ${name}.`,
        'Run the analysis again (Indexes → Analyze), then build from its list.',
      );
    }
    const abort = new AbortController();
    this.running.set(name, abort);
    const before = measure();
    try {
      const outcome = await this.builder.build(
        { ...proposal, reason: proposal.reason, serves: proposal.serves.map((s) => s.template ?? s.query) },
        { signal: abort.signal, onProgress: (progress) => hooks.onProgress(progress as BuildProgressPayload) },
      );
      let entry = outcome.entry;
      if (outcome.status === 'built' && !outcome.alreadyExisted) {
        await settle();
        entry = await this.history.setEffect(entry.id, before ?? undefined, measure() ?? undefined);
      }
      return { name, status: outcome.status, message: outcome.message, entry: toPayload(entry, await this.history.list()) };
    } finally {
      this.running.delete(name);
    }
  }

  cancel(name: string): boolean {
    const abort = this.running.get(name);
    abort?.abort(new Error('cancelled by the operator'));
    return abort !== undefined;
  }

  async rollback(name: string): Promise<BuildHistoryEntryPayload> {
    const entry = await this.builder.rollback(name);
    return toPayload(entry, await this.history.list());
  }

  async entries(): Promise<BuildHistoryEntryPayload[]> {
    const entries = await this.history.list();
    return entries.map((entry) => toPayload(entry, entries));
  }

  buildsRunning(): BuildProgressPayload[] {
    return this.builder.running().flatMap((r) => (r.progress ? [r.progress as BuildProgressPayload] : []));
  }

  /** Cancels every running build (disconnect, stop); each drops its invalid index before it resolves. */
  cancelAll(): void {
    for (const abort of this.running.values()) abort.abort(new Error('the engine is disconnecting'));
  }
}

/** A statement of the contract as the advisor takes it: a time only where the source knew one. */
function supplied(s: NonNullable<AnalyzeParams['statements']>[number]): SuppliedStatement {
  return {
    query: s.query,
    calls: s.calls,
    source: s.source,
    ...(s.totalMs === undefined ? {} : { totalMs: s.totalMs }),
    ...(s.roles === undefined ? {} : { roles: s.roles }),
  };
}

/** `entries`: the whole history, to tell whether a rollback of this entry's name would drop its INVALID leftover. */
export function toPayload(entry: HistoryEntry, entries: readonly HistoryEntry[]): BuildHistoryEntryPayload {
  return {
    id: entry.id,
    name: entry.name,
    schema: entry.schema,
    table: entry.table,
    ddl: entry.ddl,
    reason: entry.reason,
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt,
    status: entry.status,
    error: entry.error ?? null,
    durationMs: entry.durationMs,
    sizeBytes: entry.sizeBytes ?? null,
    latencyBefore: entry.latencyBefore ?? null,
    latencyAfter: entry.latencyAfter ?? null,
    rolledBackAt: entry.rolledBackAt ?? null,
    // Only when set: an entry without them is exactly what consoles from before crash reconciliation expect.
    ...(entry.leftInvalid !== undefined ? { leftInvalid: entry.leftInvalid } : {}),
    ...(droppableLeftoverOf(entries, entry.name)?.id === entry.id ? { droppableLeftover: true } : {}),
    ...(entry.note !== undefined ? { note: entry.note } : {}),
  };
}
