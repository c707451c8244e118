import type pg from 'pg';
import { dropIfInvalid, inspectIndex, prepareBuildSession, setLockTimeout } from './build-catalog.ts';
import { IndexBuildError, describeError } from './build-errors.ts';
import { buildLockHolder, describeHolder, tryBuildLock } from './build-lock.ts';
import { builtEntryOf, droppableLeftoverOf, type BuildHistory, type BuildStatus, type HistoryEntry } from './build-history.ts';
import type { BuildProgress } from './build-progress.ts';
import { runBuild } from './build-run.ts';
import { createIndexDdl, dropIndexDdl, indexName, type IndexSpec } from './index-spec.ts';

export { IndexBuildError } from './build-errors.ts';

export interface IndexBuilderOptions {
  /** A connected pg.Client the builder may use and then end() — CIC cannot run inside a transaction or a pool's managed session. */
  connect(): Promise<pg.Client>;
  history: BuildHistory;
  /** Read-only mode: no DDL at all; build and rollback are refused with what to do instead. */
  readOnly: boolean;
  /** How long CREATE/DROP INDEX CONCURRENTLY may wait for a lock before giving up, ms. Default 5000. */
  lockTimeoutMs?: number;
  /** How often progress is read while a build runs, ms. Default 250. */
  progressIntervalMs?: number;
  /**
   * How long dropping a failed build's invalid index may wait for locks, ms. Default 600000. It must wait for the
   * very transaction that made the build time out, so it is longer than lockTimeoutMs; a cancelled build waits too.
   */
  cleanupLockTimeoutMs?: number;
}

export interface BuildRequest extends IndexSpec {
  /** Overrides the deterministic name (indexName(spec)); for tests and for re-building a known index. */
  name?: string;
  /** Why, for people and for the history. */
  reason: string;
  /** The workload templates or statements the index is for. */
  serves?: string[];
}

export interface BuildOptions {
  /** Aborting cancels the build (pg_cancel_backend) and drops the invalid index it leaves. */
  signal?: AbortSignal;
  onProgress?(progress: BuildProgress): void;
}

export interface BuildOutcome {
  status: Exclude<BuildStatus, 'rolled-back' | 'building'>;
  /** For people: what happened and, after a failure, what to do. */
  message: string;
  name: string;
  schema: string;
  table: string;
  ddl: string;
  durationMs: number;
  sizeBytes: number | null;
  /** True when a valid index of that name was already there (nothing was run). */
  alreadyExisted: boolean;
  /** True only if a failed build's invalid index could not be dropped (the message says what to run). */
  leftInvalid: boolean;
  /** The history entry recorded for this build. */
  entry: HistoryEntry;
}

interface RunningBuild {
  name: string;
  schema: string;
  table: string;
  progress: BuildProgress | null;
}

const MAX_IDENTIFIER_BYTES = 63;

/**
 * Builds the advisor's indexes with CREATE INDEX CONCURRENTLY and rolls back the ones it built. One build (or
 * rollback) per table at a time within this builder: a second one on a busy table is REFUSED at once with
 * IndexBuildError 'table-busy' rather than queued, because PostgreSQL would only make it wait for the first
 * anyway (and time out), and a refusal tells people immediately what is going on. Different tables run in parallel.
 */
export class IndexBuilder {
  private readonly busy = new Map<string, RunningBuild>();
  /** 'building' history entries of this builder's running builds: reconciliation must leave them alone. */
  readonly activeEntryIds = new Set<string>();
  private readonly lockTimeoutMs: number;
  private readonly progressIntervalMs: number;
  private readonly cleanupLockTimeoutMs: number;

  constructor(private readonly options: IndexBuilderOptions) {
    this.lockTimeoutMs = positive(options.lockTimeoutMs ?? 5000, 'lockTimeoutMs');
    this.progressIntervalMs = positive(options.progressIntervalMs ?? 250, 'progressIntervalMs');
    this.cleanupLockTimeoutMs = positive(options.cleanupLockTimeoutMs ?? 600_000, 'cleanupLockTimeoutMs');
  }

  /** Resolves with the outcome of the build (also for failures, timeouts and cancels); rejects only with IndexBuildError. */
  async build(request: BuildRequest, options: BuildOptions = {}): Promise<BuildOutcome> {
    const { name, ddl } = prepare(request);
    if (this.options.readOnly) {
      throw new IndexBuildError(
        'read-only',
        `Hotpath is in read-only mode, so it will not build index ${name} (it runs no DDL in this mode).`,
        `Run the statement yourself: ${ddl}; or reconnect without read-only mode to let Hotpath build, measure and roll it back.`,
      );
    }
    const run = this.claim(request.schema, request.table, name);
    const startedAt = Date.now();
    const identity = {
      name,
      schema: request.schema,
      table: request.table,
      ddl,
      reason: request.reason,
      ...(request.serves ? { serves: [...request.serves] } : {}),
    };
    let building: HistoryEntry | undefined;
    try {
      const result = await runBuild({
        connect: this.options.connect,
        name,
        schema: request.schema,
        table: request.table,
        ddl,
        lockTimeoutMs: this.lockTimeoutMs,
        cleanupLockTimeoutMs: this.cleanupLockTimeoutMs,
        progressIntervalMs: this.progressIntervalMs,
        signal: options.signal,
        onProgress: (progress) => {
          run.progress = progress;
          options.onProgress?.(progress);
        },
        beforeDdl: async (backendPid) => {
          building = await this.options.history.record({
            ...identity,
            startedAt,
            finishedAt: startedAt,
            status: 'building',
            durationMs: 0,
            ownerPid: process.pid,
            backendPid,
          });
          this.activeEntryIds.add(building.id);
          return building.id;
        },
      });
      const finishedAt = Date.now();
      const outcome = {
        finishedAt,
        status: result.status,
        durationMs: finishedAt - startedAt,
        error: result.error,
        sizeBytes: result.sizeBytes,
        definition: result.definition,
        alreadyExisted: result.alreadyExisted ? true : undefined,
        leftInvalid: result.leftInvalid ? true : undefined,
        ownerPid: undefined,
        backendPid: undefined,
      };
      const entry = building
        ? await this.options.history.patch(building.id, outcome)
        : await this.options.history.record({ ...identity, startedAt, ...withoutUndefined(outcome) });
      return {
        status: result.status,
        message: result.message,
        name,
        schema: request.schema,
        table: request.table,
        ddl,
        durationMs: entry.durationMs,
        sizeBytes: result.sizeBytes ?? null,
        alreadyExisted: result.alreadyExisted === true,
        leftInvalid: result.leftInvalid === true,
        entry,
      };
    } finally {
      if (building) this.activeEntryIds.delete(building.id);
      this.release(request.schema, request.table);
    }
  }

  /**
   * DROP INDEX CONCURRENTLY of an index Hotpath built: only if the history says so (and it was not rolled back
   * since), and only while the server still shows that index on that table with the definition recorded at build
   * time. Rejects with IndexBuildError for anything else; resolves with the history entry marked rolled back.
   */
  async rollback(name: string, schema?: string): Promise<HistoryEntry> {
    if (this.options.readOnly) {
      throw new IndexBuildError(
        'read-only',
        `Hotpath is in read-only mode, so it will not drop index ${name} (it runs no DDL in this mode).`,
        `Run DROP INDEX CONCURRENTLY yourself, or reconnect without read-only mode.`,
      );
    }
    const entries = await this.options.history.list();
    const entry = builtEntryOf(entries, name, schema);
    if (!entry) {
      const leftover = droppableLeftoverOf(entries, name, schema);
      if (leftover) return await this.dropLeftover(leftover);
      throw new IndexBuildError(
        'not-built-by-hotpath',
        `Hotpath has no record of building an index named ${name}${schema ? ` in schema ${schema}` : ''} (or it was rolled back already), so it will not drop it.`,
        'Hotpath rolls back only indexes it built (see the index history). To remove any other index, run DROP INDEX CONCURRENTLY yourself.',
      );
    }
    this.claim(entry.schema, entry.table, name);
    let client: pg.Client | undefined;
    try {
      client = await this.options.connect();
      const found = await inspectIndex(client, entry.schema, entry.name);
      if (!found || !found.isIndex) {
        throw new IndexBuildError(
          'index-missing',
          `Index ${entry.name} in schema ${entry.schema} no longer exists, so there is nothing to roll back.`,
          'It was dropped outside Hotpath. Nothing needs doing.',
        );
      }
      if (found.table !== entry.table || (entry.definition !== undefined && found.definition !== entry.definition)) {
        throw new IndexBuildError(
          'definition-changed',
          `Index ${entry.name} in schema ${entry.schema} is no longer the one Hotpath built (now: ${found.definition ?? 'unknown'}; built: ${entry.definition ?? entry.ddl}), so Hotpath will not drop it.`,
          'Someone replaced it under the same name. If it should go, run DROP INDEX CONCURRENTLY yourself.',
        );
      }
      await client.query(`SELECT set_config('default_transaction_read_only', 'off', false), set_config('statement_timeout', '0', false)`);
      await setLockTimeout(client, this.lockTimeoutMs);
      try {
        await client.query(dropIndexDdl(entry.schema, entry.name));
      } catch (error) {
        throw new IndexBuildError(
          'rollback-failed',
          `Dropping index ${entry.name} in schema ${entry.schema} failed: ${describeError(error)}. The index is still there.`,
          'If it timed out waiting for a lock, a long transaction on the table is in the way: let it finish, then roll back again.',
        );
      }
      return await this.options.history.markRolledBack(entry.id);
    } catch (error) {
      if (error instanceof IndexBuildError) throw error;
      throw new IndexBuildError(
        'rollback-failed',
        `Rolling back index ${entry.name} failed: ${describeError(error)}.`,
        'Check the connection to the server and try again.',
      );
    } finally {
      await client?.end().catch(() => undefined);
      this.release(entry.schema, entry.table);
    }
  }

  /**
   * The INVALID index a failed or interrupted build of ours left (its entry says leftInvalid): dropped only while it
   * is still an invalid index on the recorded table; a valid one, or anything else under that name, is refused.
   */
  private async dropLeftover(entry: HistoryEntry): Promise<HistoryEntry> {
    this.claim(entry.schema, entry.table, entry.name);
    let client: pg.Client | undefined;
    try {
      client = await this.options.connect();
      await prepareBuildSession(client, this.lockTimeoutMs);
      // An INVALID index under this name may be another Hotpath's build in progress: only its lock's holder drops it.
      // The lock goes with the session (ended below).
      if (!(await tryBuildLock(client, entry.schema, entry.name))) {
        const holder = await buildLockHolder(client, entry.schema, entry.name);
        throw new IndexBuildError(
          'table-busy',
          `Index ${entry.name} in schema ${entry.schema} is being built by ${describeHolder(holder)} right now, so Hotpath will not drop it.`,
          'Wait for that build to finish; if it leaves the index invalid again, roll this entry back then.',
        );
      }
      const dropped = await dropIfInvalid(client, entry.schema, entry.table, entry.name, this.lockTimeoutMs);
      if (dropped === 'valid' || dropped === 'not-ours') {
        throw new IndexBuildError(
          'definition-changed',
          `${entry.name} in schema ${entry.schema} is no longer the invalid index Hotpath's failed build left (it is now ${dropped === 'valid' ? 'a valid index' : 'something else'}), so Hotpath will not drop it.`,
          'Someone built or replaced it under the same name. If it should go, run DROP INDEX CONCURRENTLY yourself.',
        );
      }
      const note =
        dropped === 'dropped'
          ? 'The invalid index this build left was dropped on request.'
          : 'The invalid index this build left was already gone.';
      return await this.options.history.patch(entry.id, { leftInvalid: undefined, note });
    } catch (error) {
      if (error instanceof IndexBuildError) throw error;
      throw new IndexBuildError(
        'rollback-failed',
        `Dropping the invalid index ${entry.name} in schema ${entry.schema} failed: ${describeError(error)}. It is still there.`,
        'If it timed out waiting for a lock, a long transaction on the table is in the way: let it finish, then roll back again.',
      );
    } finally {
      await client?.end().catch(() => undefined);
      this.release(entry.schema, entry.table);
    }
  }

  /** Builds and rollbacks in progress, with each build's latest progress. */
  running(): { name: string; schema: string; table: string; progress: BuildProgress | null }[] {
    return [...this.busy.values()].map((r) => ({ ...r }));
  }

  private claim(schema: string, table: string, name: string): RunningBuild {
    const key = JSON.stringify([schema, table]);
    const current = this.busy.get(key);
    if (current) {
      throw new IndexBuildError(
        'table-busy',
        `Hotpath is already working on an index of ${schema}.${table} (${current.name}); PostgreSQL builds one index per table at a time.`,
        'Wait for that build to finish (or cancel it), then start this one. Builds on other tables can run meanwhile.',
      );
    }
    const run: RunningBuild = { name, schema, table, progress: null };
    this.busy.set(key, run);
    return run;
  }

  private release(schema: string, table: string): void {
    this.busy.delete(JSON.stringify([schema, table]));
  }
}

/** Checks the request and writes its DDL; anything wrong is an 'invalid-spec' IndexBuildError. */
function prepare(request: BuildRequest): { name: string; ddl: string } {
  const invalid = (detail: string) =>
    new IndexBuildError(
      'invalid-spec',
      `This index cannot be built: ${detail}.`,
      'Fix the index specification (or ask the advisor again) and retry.',
    );
  if (typeof request.reason !== 'string') throw invalid('it has no reason (every build records why)');
  if (!request.schema || !request.table) throw invalid('it names no schema or table');
  const name = request.name ?? indexName(request);
  if (name.length === 0 || Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw invalid(`the name ${JSON.stringify(name)} must be 1 to ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL would silently truncate it)`);
  }
  try {
    return { name, ddl: createIndexDdl(request, name) };
  } catch (error) {
    throw invalid((error as Error).message.replace(/\.$/, ''));
  }
}

function withoutUndefined<T extends object>(fields: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`IndexBuilder: ${what} must be a positive number of ms, got ${value}.`);
  return value;
}
