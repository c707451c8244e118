import type pg from 'pg';
import { quoteQualified } from '../sql/identifiers.ts';
import {
  dropIfInvalid,
  inspectIndex,
  markIndexOwned,
  prepareBuildSession,
  setLockTimeout,
  type DropResult,
  type FoundRelation,
} from './build-catalog.ts';
import { classifyBuildError, describeError } from './build-errors.ts';
import { buildLockHolder, describeHolder, releaseBuildLock, tryBuildLock, type BuildLockHolder } from './build-lock.ts';
import type { BuildStatus } from './build-history.ts';
import { ProgressPoller, SYNTHETIC_PHASES, describePhase, type BuildBlocker, type BuildProgress } from './build-progress.ts';

/** One build as the builder hands it over: names already checked, DDL already written. */
export interface BuildRun {
  connect(): Promise<pg.Client>;
  name: string;
  schema: string;
  table: string;
  ddl: string;
  lockTimeoutMs: number;
  cleanupLockTimeoutMs: number;
  progressIntervalMs: number;
  signal?: AbortSignal | undefined;
  onProgress(progress: BuildProgress): void;
  /**
   * Called with the build backend's pid right before CREATE INDEX CONCURRENTLY is sent: the builder records the
   * 'building' history entry here, so a crash from then on leaves evidence. Resolves with that entry's id, whose
   * ownership marker is set as the index's comment once it is built; a rejection stops the build before any DDL.
   */
  beforeDdl?(backendPid: number): Promise<string>;
}

export interface RunResult {
  status: Exclude<BuildStatus, 'rolled-back' | 'building'>;
  message: string;
  error?: string;
  sizeBytes?: number;
  definition?: string;
  alreadyExisted?: boolean;
  /** True only when a failed build's invalid index could not be dropped (the message says what to run). */
  leftInvalid?: boolean;
}

const CANCEL_RETRY_MS = 250;

/**
 * Runs one CREATE INDEX CONCURRENTLY from start to clean end: checks for an index of that name first (valid → done;
 * invalid leftover → dropped, never built over with IF NOT EXISTS), builds with progress on a second connection,
 * and after any failure drops the invalid index the failure left. Never throws: every way out is a RunResult.
 */
export async function runBuild(run: BuildRun): Promise<RunResult> {
  const target = quoteQualified(run.schema, run.table);
  if (run.signal?.aborted)
    return { status: 'cancelled', message: `The build of ${run.name} was cancelled before it started; nothing was changed.` };
  let client: pg.Client | undefined;
  let monitor: pg.Client | undefined;
  let poller: ProgressPoller | undefined;
  /** The build connection while it holds the index's build lock. */
  let lockedOn: pg.Client | undefined;
  try {
    client = await run.connect();
    const pid = await prepareBuildSession(client, run.lockTimeoutMs);
    const locked = await takeBuildLock(client, run, pid);
    if ('status' in locked) return locked;
    lockedOn = client;
    const settled = await settleExistingIndex(client, run, target);
    if (settled) return locked.waitedFor === undefined ? settled : builtMeanwhile(settled, run, target, locked.waitedFor);
    if (run.signal?.aborted)
      return { status: 'cancelled', message: `The build of ${run.name} was cancelled before it started; nothing was built.` };
    const started = await recordStart(run, pid);
    if ('status' in started) return started;

    monitor = await run.connect();
    poller = new ProgressPoller(
      monitor,
      { name: run.name, schema: run.schema, table: run.table, pid },
      run.progressIntervalMs,
      run.onProgress,
    );
    poller.start();
    const attempt = await runDdl(client, monitor, pid, run.ddl, run.signal);
    if (attempt.error === undefined) {
      const built = await inspectIndex(client, run.schema, run.name);
      const unmarked = await markOwned(client, run, started.entryId);
      return builtResult(built, `Built index ${run.name} on ${target}.${unmarked}`);
    }
    const blocker = poller.latest?.blocker ?? null;
    poller.fallbackPhase = SYNTHETIC_PHASES.droppingInvalid;
    poller.report(syntheticProgress(run, pid, SYNTHETIC_PHASES.droppingInvalid));
    return await afterFailedDdl(client, run, { ...attempt, entryId: started.entryId, blocker, target });
  } catch (error) {
    // Our own queries failed (connection lost, permissions): the DDL may or may not have run; tidy up if we can.
    const cleanup = client ? await cleanUp(run, client, false, lockedOn === client) : 'absent';
    const left =
      typeof cleanup === 'string'
        ? ''
        : ` An INVALID index ${run.name} may be left: run DROP INDEX CONCURRENTLY ${quoteQualified(run.schema, run.name)}.`;
    return {
      status: 'failed',
      error: describeError(error),
      ...leftInvalidOf(cleanup),
      message: `The build of ${run.name} on ${target} failed: ${describeError(error)}.${left}`,
    };
  } finally {
    await poller?.stop();
    await monitor?.end().catch(() => undefined);
    // Ending the session would release it too; unlocking first says so, and frees it even if end() hangs.
    if (lockedOn) await releaseBuildLock(lockedOn, run.schema, run.name).catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}

/**
 * Takes the index's build lock (see build-lock.ts), waiting while another Hotpath holds it, with a progress report
 * naming the holder each poll. `waitedFor` is undefined when the lock was free at once; else whom it waited for
 * (null when the holder had gone before it could be named). An abort while waiting ends the build: nothing done.
 */
async function takeBuildLock(
  client: pg.Client,
  run: BuildRun,
  pid: number,
): Promise<{ waitedFor: BuildLockHolder | null | undefined } | RunResult> {
  let waitedFor: BuildLockHolder | null | undefined;
  while (!(await tryBuildLock(client, run.schema, run.name))) {
    waitedFor = (await buildLockHolder(client, run.schema, run.name)) ?? waitedFor ?? null;
    const waiting = syntheticProgress(run, pid, SYNTHETIC_PHASES.waitingForOtherBuilder);
    run.onProgress({ ...waiting, phaseText: `${capitalised(describeHolder(waitedFor))} is building this index: waiting for it` });
    if (await aborted(run.progressIntervalMs, run.signal)) {
      return {
        status: 'cancelled',
        message: `The build of ${run.name} was cancelled while ${describeHolder(waitedFor)} was building the same index; nothing was built here.`,
      };
    }
  }
  return { waitedFor };
}

/** The outcome after waiting for another Hotpath's build: theirs made the index, so this run says so, not "already there". */
function builtMeanwhile(settled: RunResult, run: BuildRun, target: string, holder: BuildLockHolder | null): RunResult {
  if (settled.status !== 'built') return settled;
  return {
    ...settled,
    message: `Index ${run.name} on ${target} was being built by ${describeHolder(holder)}; this run waited for it and found it built and valid, so it built nothing.`,
  };
}

/** Sleeps ms, or less when the signal aborts; resolves true when aborted. */
async function aborted(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
  return signal?.aborted === true;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What is already under the build's name: another relation (the build fails), a valid index (done), or an earlier
 * attempt's invalid index, dropped here so that the build starts afresh (null: go on and build).
 */
async function settleExistingIndex(client: pg.Client, run: BuildRun, target: string): Promise<RunResult | null> {
  const existing = await inspectIndex(client, run.schema, run.name);
  if (!existing) return null;
  if (!existing.isIndex || existing.table !== run.table) {
    const message = `The name ${run.name} is already taken in schema ${run.schema} by ${existing.isIndex ? `an index on table ${existing.table}` : 'a relation that is not an index'}; nothing was built.`;
    return { status: 'failed', message, error: message };
  }
  if (existing.valid) {
    return builtResult(existing, `Index ${run.name} on ${target} already exists and is valid; nothing to do.`, { alreadyExisted: true });
  }
  await dropIfInvalid(client, run.schema, run.table, run.name, run.cleanupLockTimeoutMs);
  await setLockTimeout(client, run.lockTimeoutMs); // the drop lengthened it; the build gets the short one back
  return null;
}

/** The 'building' history entry, through the builder's beforeDdl; a failure to write it stops the build before any DDL. */
async function recordStart(run: BuildRun, pid: number): Promise<{ entryId: string | undefined } | RunResult> {
  try {
    return { entryId: await run.beforeDdl?.(pid) };
  } catch (error) {
    const message = `The build of ${run.name} was not started: its history entry could not be written (${describeError(error)}); nothing was built.`;
    return { status: 'failed', message, error: describeError(error) };
  }
}

/**
 * After CREATE INDEX CONCURRENTLY failed: drops the invalid index it left and says why it failed (for a lock
 * timeout, who held the lock), unless the index turned out complete and valid, which makes it a build.
 */
async function afterFailedDdl(
  client: pg.Client,
  run: BuildRun,
  failure: { error: unknown; weCancelled: boolean; entryId: string | undefined; blocker: BuildBlocker | null; target: string },
): Promise<RunResult> {
  const { target } = failure;
  const status = classifyBuildError(failure.error, failure.weCancelled);
  const cleanup = await cleanUp(run, client, failure.weCancelled, true);
  const error = describeError(failure.error);
  if (cleanup === 'valid') {
    // The statement failed after the index was complete (e.g. the connection broke at commit): it is usable.
    const built = await inspectIndex(client, run.schema, run.name).catch(() => null);
    await markOwned(client, run, failure.entryId);
    return builtResult(built, `Index ${run.name} on ${target} is built and valid, although the statement reported: ${error}.`, { error });
  }
  const cleaned =
    typeof cleanup === 'string'
      ? ' No index was left behind.'
      : ` It left an INVALID index that could not be dropped (${cleanup.error}): run DROP INDEX CONCURRENTLY ${quoteQualified(run.schema, run.name)} once the table is quiet.`;
  const result = { status, error, ...leftInvalidOf(cleanup) };
  if (status === 'lock-timeout') {
    return {
      ...result,
      message: `The build of ${run.name} waited longer than the lock timeout (${run.lockTimeoutMs} ms) on ${target}.${blockerSentence(failure.blocker)}${cleaned} Finish or cancel that transaction, then build again.`,
    };
  }
  if (status === 'cancelled') return { ...result, message: `The build of ${run.name} was cancelled.${cleaned}` };
  return { ...result, message: `The build of ${run.name} on ${target} failed: ${error}.${cleaned}` };
}

/** Who held the lock a build timed out on, as a sentence ('' when the last progress reading saw nobody). */
function blockerSentence(blocker: BuildBlocker | null): string {
  if (!blocker) return '';
  const age = blocker.xactAgeMs !== null ? `, transaction open ${Math.round(blocker.xactAgeMs / 1000)} s` : '';
  const query = blocker.query ? `, last query: ${blocker.query.slice(0, 200)}` : '';
  return ` The lock was held by pid ${blocker.pid} (${blocker.state ?? 'state unknown'}${age}${query}).`;
}

/** A 'built' result, with the index's size and definition when the catalog gave them. */
function builtResult(
  index: Pick<FoundRelation, 'sizeBytes' | 'definition'> | null,
  message: string,
  extra: Pick<RunResult, 'error' | 'alreadyExisted'> = {},
): RunResult {
  return {
    status: 'built',
    ...extra,
    ...(index ? { sizeBytes: index.sizeBytes } : {}),
    ...(index?.definition != null ? { definition: index.definition } : {}),
    message,
  };
}

/** leftInvalid is set only when the cleanup could not drop the invalid index. */
function leftInvalidOf(cleanup: DropResult | { error: string }): Pick<RunResult, 'leftInvalid'> {
  return typeof cleanup === 'string' ? {} : { leftInvalid: true };
}

/**
 * The DDL on the build connection; an abort sends pg_cancel_backend(pid) from the monitor connection (the build's
 * own connection is busy), repeated while the statement runs, because a cancel that lands before the statement
 * reached the server is ignored. Every cancel query is awaited before returning, so none can hit the cleanup.
 */
async function runDdl(
  client: pg.Client,
  monitor: pg.Client,
  pid: number,
  ddl: string,
  signal?: AbortSignal,
): Promise<{ error: unknown; weCancelled: boolean }> {
  if (signal?.aborted)
    return { error: Object.assign(new Error('cancelled before the statement was sent'), { code: '57014' }), weCancelled: true };
  let weCancelled = false;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let lastCancel: Promise<unknown> = Promise.resolve();
  const cancel = () => {
    if (!running) return;
    weCancelled = true;
    lastCancel = monitor.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    timer = setTimeout(cancel, CANCEL_RETRY_MS);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    await client.query(ddl);
    return { error: undefined, weCancelled };
  } catch (error) {
    return { error: error ?? new Error('unknown error'), weCancelled };
  } finally {
    running = false;
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
    await lastCancel;
  }
}

/**
 * Drops the invalid index a failed build left, on the build's connection if it still works, else a fresh one.
 * A cancel of ours that arrived late could still interrupt the first try, so a cancelled drop is tried once more.
 * `holdsLock`: the build's connection holds the index's build lock (a failure before it was taken does not).
 */
async function cleanUp(
  run: BuildRun,
  client: pg.Client,
  weCancelled: boolean,
  holdsLock: boolean,
): Promise<DropResult | { error: string }> {
  let conn = client;
  let fresh: pg.Client | undefined;
  let lockedHere = false;
  try {
    await conn.query('SELECT 1').catch(async () => {
      fresh = await run.connect();
      await prepareBuildSession(fresh, run.cleanupLockTimeoutMs);
      conn = fresh;
    });
    // Without the build lock on this session (the build's session is gone, or it failed before taking the lock),
    // an INVALID index under this name may be another Hotpath's build in progress, which only the lock's holder
    // may drop.
    if (fresh || !holdsLock) {
      if (!(await tryBuildLock(conn, run.schema, run.name))) {
        const holder = await buildLockHolder(conn, run.schema, run.name);
        return { error: `${describeHolder(holder)} is building an index of that name now, so it was left alone` };
      }
      lockedHere = true;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await dropIfInvalid(conn, run.schema, run.table, run.name, run.cleanupLockTimeoutMs);
      } catch (error) {
        if (!(weCancelled && attempt === 0 && (error as { code?: string }).code === '57014')) throw error;
      }
    }
  } catch (error) {
    return { error: describeError(error) };
  } finally {
    // A fresh session's lock ends with it; one taken on the build's session is released here.
    if (lockedHere && !fresh) await releaseBuildLock(conn, run.schema, run.name).catch(() => undefined);
    await fresh?.end().catch(() => undefined);
  }
}

/**
 * COMMENT ON INDEX with the ownership marker, so that the index can be recognised as Hotpath's from the catalog
 * alone (a user's index that merely starts with hp_ is never adopted). A failure costs only that: the history
 * still records the build. Returns a sentence for the message when it failed, else ''.
 */
async function markOwned(client: pg.Client, run: BuildRun, entryId: string | undefined): Promise<string> {
  if (entryId === undefined) return '';
  const failed = await markIndexOwned(client, run.schema, run.name, entryId);
  return failed === null ? '' : ` (Its ownership comment could not be set: ${failed}; the history still records it.)`;
}

/** What the builder knows without asking the server; the next poll adds whoever blocks the step, if anyone. */
function syntheticProgress(run: BuildRun, pid: number, phase: string): BuildProgress {
  const counters = { blocksDone: 0, blocksTotal: 0, tuplesDone: 0, tuplesTotal: 0, lockersDone: 0, lockersTotal: 0 };
  return {
    name: run.name,
    schema: run.schema,
    table: run.table,
    pid,
    phase,
    ...describePhase(phase, counters),
    ...counters,
    blocker: null,
  };
}
