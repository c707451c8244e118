import type pg from 'pg';
import type { DatabaseRatePoint, DatabaseRates } from '../contract/database.ts';
import { RingBuffer } from '../util/ring-buffer.ts';

/**
 * pg_stat_database of the current database as rates, the way pgAdmin's dashboard charts it: the view holds counters
 * since the last stats reset, so each sample is diffed against the one before and divided by the time between them
 * (the engine's clock, not the server's). A reset between two samples (stats_reset moved, or a counter went back)
 * gives no point for that window rather than a negative one. Backends flush their counters about once a second,
 * so a window shorter than that is not sampled: callers polling faster share the last sample. The view is public.
 */

/** Counters of one sample (exported for the unit tests). */
export interface DatabaseCounters {
  at: number;
  statsReset: string | null;
  commits: number;
  rollbacks: number;
  returned: number;
  fetched: number;
  inserted: number;
  updated: number;
  deleted: number;
  blocksHit: number;
  blocksRead: number;
}

/** The shortest window sampled: pgstat flushes a backend's counters at most about once a second. */
const MIN_WINDOW_MS = 1_000;
/** Ten minutes of points at the console's 2-second polling. */
const POINTS = 300;

const COUNTERS: readonly (keyof Omit<DatabaseCounters, 'at' | 'statsReset'>)[] = [
  'commits',
  'rollbacks',
  'returned',
  'fetched',
  'inserted',
  'updated',
  'deleted',
  'blocksHit',
  'blocksRead',
];

/** The rates between two samples; null when the counters were reset in between or no time passed. */
export function rateBetween(before: DatabaseCounters, after: DatabaseCounters): DatabaseRatePoint | null {
  const windowMs = after.at - before.at;
  if (windowMs <= 0 || before.statsReset !== after.statsReset) return null;
  const delta = {} as Record<(typeof COUNTERS)[number], number>;
  for (const key of COUNTERS) {
    delta[key] = after[key] - before[key];
    if (delta[key] < 0) return null;
  }
  const perSecond = (n: number) => (n * 1000) / windowMs;
  const blocks = delta.blocksHit + delta.blocksRead;
  return {
    at: after.at,
    windowMs,
    commitsPerSecond: perSecond(delta.commits),
    rollbacksPerSecond: perSecond(delta.rollbacks),
    returnedPerSecond: perSecond(delta.returned),
    fetchedPerSecond: perSecond(delta.fetched),
    insertedPerSecond: perSecond(delta.inserted),
    updatedPerSecond: perSecond(delta.updated),
    deletedPerSecond: perSecond(delta.deleted),
    blockHitRatio: blocks > 0 ? delta.blocksHit / blocks : null,
  };
}

/** One sampler per connected database; every caller shares its points. */
export class DatabaseRatesSampler {
  private previous: DatabaseCounters | null = null;
  /** A reading in progress: callers polling at once share it, so no window is a millisecond wide. */
  private reading: Promise<void> | null = null;
  private readonly points = new RingBuffer<DatabaseRatePoint>(POINTS);

  constructor(
    private readonly db: Pick<pg.Pool, 'query'>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a sample (unless the last is under a second old) and returns the points so far, oldest first. */
  async sample(): Promise<DatabaseRates> {
    if (this.reading === null && (this.previous === null || this.clock() - this.previous.at >= MIN_WINDOW_MS)) {
      this.reading = readCounters(this.db, this.clock)
        .then((counters) => {
          const point = this.previous ? rateBetween(this.previous, counters) : null;
          if (point) this.points.push(point);
          this.previous = counters;
        })
        .finally(() => {
          this.reading = null;
        });
    }
    if (this.reading) await this.reading;
    return { points: this.points.toArray() };
  }
}

async function readCounters(db: Pick<pg.Pool, 'query'>, clock: () => number): Promise<DatabaseCounters> {
  const { rows } = await db.query<Omit<DatabaseCounters, 'at'>>(
    `SELECT stats_reset::text AS "statsReset", xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks,
            tup_returned::float8 AS returned, tup_fetched::float8 AS fetched, tup_inserted::float8 AS inserted,
            tup_updated::float8 AS updated, tup_deleted::float8 AS deleted,
            blks_hit::float8 AS "blocksHit", blks_read::float8 AS "blocksRead"
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  // Taken after the answer: the counters are the server's at about this moment.
  return { ...rows[0]!, at: clock() };
}
