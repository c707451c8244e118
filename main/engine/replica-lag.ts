import type pg from 'pg';

/**
 * Replication lag per read replica, measured once per telemetry tick (never per read), for /metrics
 * (`hotpath_replica_lag_seconds{server}`, `hotpath_replica_lag_bytes{server}`), the Pool page's Servers table, the
 * Database page's Replication section and the `lag-bounded` replica policy.
 *
 * How: the primary's `pg_current_wal_lsn()` (admin pool), then on each replica (its own one-connection pool, so the
 * probe neither waits behind nor counts as workload reads) `pg_last_wal_replay_lsn()` and
 * `pg_last_xact_replay_timestamp()`.
 * - Bytes: the primary's position minus what the replica has replayed (`pg_wal_lsn_diff`), at least 0.
 * - Seconds: 0 when the replica has replayed all the primary had written when sampled; otherwise
 *   `now() - pg_last_xact_replay_timestamp()`, the age of the last commit it replayed. The usual caveat: after the
 *   primary was idle, its first new write makes that age look as old as the idle spell until it is replayed (one
 *   sample, normally); hence the byte comparison first, which makes an idle, caught-up replica 0 and not "minutes".
 * Why not pg_stat_replication on the primary (write/flush/replay_lag, replay_lsn): its LSN and lag columns need
 * pg_monitor (or superuser), its rows name the WAL receiver (cluster_name or "walreceiver"), not the URL the user
 * gave, so matching rows to replicas is a guess, and its *_lag intervals turn NULL when the primary is idle. The
 * functions used here are executable by any role.
 */

/** One replica's lag as last measured; null fields: unknown (never replayed anything, or no primary position). */
export interface ReplicaLag {
  seconds: number | null;
  bytes: number | null;
  /** When it was measured (ms since the epoch). */
  at: number;
}

/** What is measured and where the result goes (a ReplicaPool): its probe connection, its last lag, a guard. */
export interface LagTarget {
  probe: pg.Pool;
  lag: ReplicaLag | null;
  lagSampling: boolean;
}

/** What one replica answered, and the primary's position read just before (null: could not be read). */
export interface ReplicaLagSample {
  inRecovery: boolean;
  /** pg_wal_lsn_diff(primary's current LSN, replica's replay LSN); null without the primary's LSN. */
  behindBytes: number | null;
  /** Whether the replica has replayed all it received (used only when the primary's position is unknown). */
  replayedAllReceived: boolean;
  /** now() - pg_last_xact_replay_timestamp() in seconds; null when it has replayed no transaction since it started. */
  sinceLastReplaySeconds: number | null;
}

/** Milliseconds are what the comparison of two clocks a round trip apart resolves; more digits would be noise. */
const toMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/** The lag a sample gives (pure; see the header for the rule). */
export function replicaLag(sample: ReplicaLagSample, at: number): ReplicaLag {
  // A server not in recovery is no standby (the URL may name a primary): it is never behind itself.
  if (!sample.inRecovery) return { seconds: 0, bytes: null, at };
  const bytes = sample.behindBytes === null ? null : Math.max(0, sample.behindBytes);
  const caughtUp = bytes === null ? sample.replayedAllReceived : bytes === 0;
  const seconds = caughtUp ? 0 : sample.sinceLastReplaySeconds === null ? null : toMs(Math.max(0, sample.sinceLastReplaySeconds));
  return { seconds, bytes, at };
}

const PRIMARY_LSN = 'SELECT pg_current_wal_lsn()::text AS lsn';
const REPLICA_LAG = `SELECT pg_is_in_recovery() AS recovery,
       pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::float8 AS behind,
       coalesce(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), true) AS replayed_all,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since_replay`;

/** A probe that hangs (a replica under I/O pressure) gives up after this long; the lag is then unknown. */
const PROBE_TIMEOUT_MS = 5_000;

async function readSample(probe: pg.Pool, primaryLsn: string | null): Promise<ReplicaLagSample> {
  const { rows } = await probe.query<{ recovery: boolean; behind: number | null; replayed_all: boolean; since_replay: number | null }>({
    text: REPLICA_LAG,
    values: [primaryLsn],
    query_timeout: PROBE_TIMEOUT_MS,
  } as pg.QueryConfig);
  const row = rows[0]!;
  return {
    inRecovery: row.recovery,
    behindBytes: row.behind,
    replayedAllReceived: row.replayed_all,
    sinceLastReplaySeconds: row.since_replay,
  };
}

/**
 * Measures every replica not already being measured (a slow probe is not stacked up tick after tick) and stores
 * the result in its `lag`; a replica that cannot be measured gets null (unknown: `lag-bounded` then
 * sends its reads elsewhere). Never rejects.
 */
export async function sampleReplicaLag(primary: pg.Pool, replicas: readonly LagTarget[]): Promise<void> {
  const due = replicas.filter((r) => !r.lagSampling);
  if (due.length === 0) return;
  for (const r of due) r.lagSampling = true;
  try {
    const primaryLsn = await primary.query<{ lsn: string }>({ text: PRIMARY_LSN, query_timeout: PROBE_TIMEOUT_MS } as pg.QueryConfig).then(
      (result) => result.rows[0]?.lsn ?? null,
      () => null,
    );
    await Promise.all(
      due.map(async (r) => {
        try {
          r.lag = replicaLag(await readSample(r.probe, primaryLsn), Date.now());
        } catch {
          r.lag = null;
        }
      }),
    );
  } finally {
    for (const r of due) r.lagSampling = false;
  }
}
