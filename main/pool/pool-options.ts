import type pg from 'pg';
import type { Gradient2Options } from './adaptive-limit.ts';
import type { LanePolicy } from './lanes.ts';
import type { SessionSettings } from './session-settings.ts';

/** Everything `PoolManager.open` takes; only `connection` is required (HikariCP-like defaults otherwise). */
export interface PoolManagerOptions {
  connection: pg.ClientConfig;
  role?: 'primary' | 'replica';
  /** Connections kept open and warm (default min(2, max)). */
  min?: number;
  /** Default from the server: cores × 2 + 1, within what max_connections leaves. */
  max?: number;
  /** How long a caller may wait for a connection, in ms (default 10,000). */
  acquireTimeoutMs?: number;
  /** Idle connections above min close after this long, in ms (default 600,000). */
  idleTimeoutMs?: number;
  /** Connections are replaced after this age, in ms (default 1,800,000). */
  maxLifetimeMs?: number;
  /** acquire() callers holding a connection longer are reported as leaks, in ms (default 60,000; 0 = off). */
  leakThresholdMs?: number;
  /**
   * default_transaction_read_only=on for every session, and a statement that changes a reported session
   * parameter (e.g. switches read-only off) fails and closes its connection (see read-only-guard.ts).
   */
  readOnly?: boolean;
  /** Every one-shot query inside BEGIN READ ONLY … COMMIT (automatic for read-only pools on servers before 14). */
  readOnlyTransactions?: boolean;
  applicationName?: string;
  sessionSettings?: Partial<SessionSettings>;
  /** Monotonic milliseconds (default performance.now). */
  clock?: () => number;
  lanes?: Partial<LanePolicy>;
  /** A Gradient2 limit on queries in flight, below max. Off by default. */
  adaptive?: boolean | Partial<Omit<Gradient2Options, 'maxLimit'>>;
  /** A connection idle longer than this is checked (SELECT 1) before it is handed out, in ms (default 5,000). */
  healthCheckIdleMs?: number;
  /**
   * Most one-shot queries in flight on one connection (default 16; 1 turns pipelining off). Named prepared
   * statements from query()/timedQuery() without a timeout or signal share a few connections (spread over
   * `cores` of them first), several in flight each, instead of one connection per query: far less client CPU
   * per query (see pipelining.ts). In a read-only pool a query sent behind others runs in its own READ ONLY
   * transaction, written with it (see read-only-guard.ts).
   */
  pipelineDepth?: number;
  /**
   * Only statements whose fastest recent execution took less than this many ms are pipelined (default 1), so that
   * nobody waits long behind them on a shared connection; see pipeline-eligibility.ts.
   */
  pipelineShortMs?: number;
  /** Cores of the database host, for the default max (default: this machine's). */
  cores?: number;
}
