import type pg from 'pg';

/** The backend that holds up a build, as pg_stat_activity shows it. */
export interface BuildBlocker {
  pid: number;
  /** Its current or last statement (null when this role may not see it). */
  query: string | null;
  state: string | null;
  /** How long its transaction has been open, ms; null outside a transaction. */
  xactAgeMs: number | null;
}

export interface BuildProgress {
  name: string;
  schema: string;
  table: string;
  /** The building backend (the client backend, not a parallel worker). */
  pid: number;
  /** PostgreSQL's phase text, or one of ours: see SYNTHETIC_PHASES. */
  phase: string;
  /** A short sentence for people. */
  phaseText: string;
  /** Whole build, 0..1, an estimate that moves in steps; null when the phase is unknown. */
  fraction: number | null;
  blocksDone: number;
  blocksTotal: number;
  tuplesDone: number;
  tuplesTotal: number;
  lockersDone: number;
  lockersTotal: number;
  blocker: BuildBlocker | null;
}

/**
 * Phases PostgreSQL does not report but a build goes through: before CREATE INDEX has its table lock there is no
 * row in pg_stat_progress_create_index (the lock is taken before progress reporting starts), and the cleanup
 * (DROP INDEX CONCURRENTLY of an invalid index) reports nothing either. Both can wait behind other sessions.
 */
export const SYNTHETIC_PHASES = {
  waitingForTableLock: 'waiting for table lock',
  /** Another Hotpath holds this index's build lock (see build-lock.ts): this build waits for it to finish. */
  waitingForOtherBuilder: 'waiting for another Hotpath',
  droppingInvalid: 'dropping invalid index',
} as const;

type Counter = 'blocks' | 'tuples' | 'lockers' | 'any' | 'none';

/**
 * Each phase: its text, its band of the whole build (start, end) in the order CONCURRENTLY runs them, and which
 * counter moves during it (PostgreSQL leaves the previous phase's counters in place, so reading the wrong one would
 * show a finished scan during a sort).
 */
const PHASES: Record<string, { text: string; band: [number, number]; counter: Counter }> = {
  [SYNTHETIC_PHASES.waitingForTableLock]: { text: 'Waiting for a lock on the table', band: [0, 0], counter: 'none' },
  [SYNTHETIC_PHASES.waitingForOtherBuilder]: {
    text: 'Another Hotpath is building this index: waiting for it',
    band: [0, 0],
    counter: 'none',
  },
  initializing: { text: 'Starting', band: [0, 0.01], counter: 'none' },
  'waiting for writers before build': { text: 'Waiting for open writes on the table to finish', band: [0.01, 0.05], counter: 'lockers' },
  'building index': { text: 'Building the index', band: [0.05, 0.5], counter: 'any' },
  'building index: scanning table': { text: 'Building: scanning the table', band: [0.05, 0.3], counter: 'blocks' },
  'building index: sorting live tuples': { text: 'Building: sorting', band: [0.3, 0.38], counter: 'none' },
  'building index: sorting dead tuples': { text: 'Building: sorting dead tuples', band: [0.38, 0.4], counter: 'none' },
  'building index: loading tuples in tree': { text: 'Building: writing the index', band: [0.4, 0.5], counter: 'tuples' },
  'waiting for writers before validation': { text: 'Waiting for open writes before validating', band: [0.5, 0.55], counter: 'lockers' },
  'index validation: scanning index': { text: 'Validating: scanning the index', band: [0.55, 0.7], counter: 'blocks' },
  'index validation: sorting tuples': { text: 'Validating: sorting', band: [0.7, 0.75], counter: 'none' },
  'index validation: scanning table': { text: 'Validating: scanning the table', band: [0.75, 0.95], counter: 'blocks' },
  'waiting for old snapshots': { text: 'Waiting for older transactions to finish', band: [0.95, 0.99], counter: 'lockers' },
  'waiting for readers before marking dead': { text: 'Waiting for readers', band: [0.99, 1], counter: 'lockers' },
  'waiting for readers before dropping': { text: 'Waiting for readers', band: [0.99, 1], counter: 'lockers' },
  [SYNTHETIC_PHASES.droppingInvalid]: {
    text: 'The build did not finish: dropping the invalid index it left',
    band: [1, 1],
    counter: 'none',
  },
};

export interface PhaseCounters {
  blocksDone: number;
  blocksTotal: number;
  tuplesDone: number;
  tuplesTotal: number;
  lockersDone: number;
  lockersTotal: number;
}

/**
 * A phase's text and the whole build's fraction: the phase's band, advanced within it by the phase's own counter
 * (blocks in table and index scans, tuples while loading the tree, lockers in the waits). Sub-phases of access
 * methods we do not know fall back to their parent phase and whichever counter is set.
 */
export function describePhase(phase: string, c: PhaseCounters): { phaseText: string; fraction: number | null } {
  const known = PHASES[phase] ?? PHASES[phase.split(':')[0]!.trim()];
  if (!known) return { phaseText: phase, fraction: null };
  const [start, end] = known.band;
  const share = (done: number, total: number) => (total > 0 ? Math.min(1, Math.max(0, done / total)) : null);
  const blocks = share(c.blocksDone, c.blocksTotal);
  const tuples = share(c.tuplesDone, c.tuplesTotal);
  const lockers = share(c.lockersDone, c.lockersTotal);
  const within = { blocks, tuples, lockers, any: blocks ?? tuples, none: null }[known.counter] ?? 0;
  return { phaseText: known.text, fraction: start + (end - start) * within };
}

export interface ProgressTarget {
  name: string;
  schema: string;
  table: string;
  pid: number;
}

interface ProgressRow {
  phase: string | null;
  blocks_total: string | null;
  blocks_done: string | null;
  tuples_total: string | null;
  tuples_done: string | null;
  lockers_total: string | null;
  lockers_done: string | null;
  blocker_pid: number | null;
  blocker_query: string | null;
  blocker_state: string | null;
  blocker_xact_age_ms: string | null;
}

// One row for the pid whether or not a progress row exists: the blocker is current_locker_pid while CIC waits for
// lockers, else whoever pg_blocking_pids() names (the table lock wait, the cleanup's DROP). The view and the
// function are read at slightly different instants, so a phase change between them can pair a phase with the
// blocker of the next one; the next reading is consistent again.
const PROGRESS_SQL = `
SELECT p.phase, p.blocks_total, p.blocks_done, p.tuples_total, p.tuples_done, p.lockers_total, p.lockers_done,
       a.pid AS blocker_pid, a.query AS blocker_query, a.state AS blocker_state,
       (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint AS blocker_xact_age_ms
FROM (SELECT $1::int AS pid) me
LEFT JOIN pg_stat_progress_create_index p ON p.pid = me.pid
LEFT JOIN pg_stat_activity a ON a.pid = COALESCE(NULLIF(p.current_locker_pid, 0), (pg_blocking_pids(me.pid))[1])`;

/**
 * One reading of the build's progress; null when there is nothing to show (no progress row and nothing blocking,
 * e.g. before the statement reached the server). `fallbackPhase` names what the backend is doing when PostgreSQL
 * reports no phase but something blocks it.
 */
export async function readBuildProgress(client: pg.Client, target: ProgressTarget, fallbackPhase: string): Promise<BuildProgress | null> {
  const { rows } = await client.query<ProgressRow>(PROGRESS_SQL, [target.pid]);
  const row = rows[0];
  if (!row || (row.phase === null && row.blocker_pid === null)) return null;
  const n = (v: string | null) => (v === null ? 0 : Number(v));
  const counters: PhaseCounters = {
    blocksDone: n(row.blocks_done),
    blocksTotal: n(row.blocks_total),
    tuplesDone: n(row.tuples_done),
    tuplesTotal: n(row.tuples_total),
    lockersDone: n(row.lockers_done),
    lockersTotal: n(row.lockers_total),
  };
  const phase = row.phase ?? fallbackPhase;
  const blocker: BuildBlocker | null =
    row.blocker_pid === null
      ? null
      : {
          pid: row.blocker_pid,
          query: row.blocker_query,
          state: row.blocker_state,
          xactAgeMs: row.blocker_xact_age_ms === null ? null : Number(row.blocker_xact_age_ms),
        };
  return {
    name: target.name,
    schema: target.schema,
    table: target.table,
    pid: target.pid,
    phase,
    ...describePhase(phase, counters),
    ...counters,
    blocker,
  };
}

/**
 * Polls one build's progress on its own connection (the build's connection is busy with the statement). Polls
 * never overlap, a failed poll is skipped (progress is a view, never a reason to fail the build), and stop()
 * waits for the poll in flight so the connection can be closed safely afterwards.
 */
export class ProgressPoller {
  latest: BuildProgress | null = null;
  /** What to call the backend's activity when PostgreSQL reports no phase (see SYNTHETIC_PHASES). */
  fallbackPhase: string = SYNTHETIC_PHASES.waitingForTableLock;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly client: pg.Client,
    private readonly target: ProgressTarget,
    private readonly intervalMs: number,
    private readonly onProgress: (progress: BuildProgress) => void,
  ) {}

  start(): void {
    this.tick();
  }

  /** Reports a progress we know of without asking the server (e.g. the cleanup starting). */
  report(progress: BuildProgress): void {
    this.latest = progress;
    try {
      this.onProgress(progress);
    } catch {
      // A listener's bug must not fail or stall the build.
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private tick(): void {
    if (this.stopped) return;
    this.inFlight = readBuildProgress(this.client, this.target, this.fallbackPhase)
      .then((progress) => {
        if (progress && !this.stopped) this.report(progress);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
      });
  }
}
