import type pg from 'pg';
import type { Lane, LaneCaps, LaneCounts } from './lanes.ts';
import { PoolError } from './pool-errors.ts';

/** Where the pool connects, for messages (never the password). */
export function describeTarget(config: pg.ClientConfig): string {
  if (config.connectionString) {
    try {
      const url = new URL(config.connectionString);
      return `${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      return '(the given URL)';
    }
  }
  return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
}

export interface TimeoutContext {
  lane: Lane;
  timeoutMs: number;
  inUse: LaneCounts;
  max: number;
  opening: number;
  waiting: number;
  caps: LaneCaps;
  connections: number;
  lastConnectError: Error | undefined;
}

/**
 * Why a caller got no connection: the server is unreachable (no connection left and connects fail), or every
 * connection its lane may use is busy, with the counts that show which.
 */
export function acquireTimeoutError(context: TimeoutContext): PoolError {
  const { lane, timeoutMs, inUse, lastConnectError } = context;
  if (lastConnectError && context.connections === 0) {
    return new PoolError(
      'server-unavailable',
      `No connection on lane ${lane} within ${timeoutMs} ms: the server cannot be reached (${lastConnectError.message}).`,
      'Check that PostgreSQL is running; the pool reconnects by itself once it is back.',
      { cause: lastConnectError },
    );
  }
  const busy = inUse.high + inUse.normal + inUse.low;
  return new PoolError(
    'acquire-timeout',
    `No connection on lane ${lane} within ${timeoutMs} ms: ${busy} of ${context.max} connections busy (high ${inUse.high}, normal ${inUse.normal}, low ${inUse.low}), ` +
      `${context.opening} opening, ${context.waiting} other callers waiting.`,
    lane === 'high'
      ? 'Queries hold connections too long (look for slow queries or leaked connections), or raise max.'
      : `Queries hold connections too long, or raise max; lane ${lane} may hold at most ${lane === 'low' ? context.caps.low : context.caps.nonHigh} connections.`,
  );
}
