import pg from 'pg';
import { PoolError } from './pool-errors.ts';

/**
 * How big the pool may be, from the server's own limits. A small pool that callers queue for beats a big one
 * (HikariCP's finding: connections beyond cores × 2 + spindles only add context switches and lock contention),
 * and the pool must never take connections the server has promised to others.
 */
export interface ServerConnectionFacts {
  /** Cores of the database host (the local machine's when the server is local; otherwise ours, as a guess). */
  cores: number;
  serverMaxConnections: number;
  /** superuser_reserved_connections + reserved_connections (PostgreSQL 16+). */
  reservedConnections: number;
  /** Client backends that are not ours (other applications, other pools, admin sessions). */
  otherConnections: number;
}

export interface PoolSize {
  min: number;
  max: number;
  serverMaxConnections: number;
  otherConnections: number;
  /** Why max is what it is, for the operator. */
  limitReason: string;
}

/** Connections left free for others to connect (an admin's psql, a deploy), beyond the reserved ones. */
export function headroom(serverMaxConnections: number): number {
  return Math.max(2, Math.ceil(serverMaxConnections * 0.05));
}

/** The most connections this pool may open: what the server has left once others and the headroom are counted. */
export function serverAllows(facts: ServerConnectionFacts): number {
  return Math.max(
    0,
    facts.serverMaxConnections - facts.reservedConnections - facts.otherConnections - headroom(facts.serverMaxConnections),
  );
}

function describeAllowance(facts: ServerConnectionFacts): string {
  return (
    `the server allows ${serverAllows(facts)} more: max_connections ${facts.serverMaxConnections} − ${facts.reservedConnections} reserved − ` +
    `${facts.otherConnections} used by others − ${headroom(facts.serverMaxConnections)} kept free`
  );
}

const WHOLE = (n: number | undefined): boolean => n === undefined || (Number.isInteger(n) && n >= 0);

/**
 * min/max for a request (each optional), checked against the server. Pure: unit-tested, and used both when the
 * pool opens and on every resize.
 */
export function computePoolSize(facts: ServerConnectionFacts, requested: { min?: number; max?: number } = {}): PoolSize {
  if (!WHOLE(requested.min) || !WHOLE(requested.max) || requested.max === 0) {
    throw new PoolError(
      'invalid-size',
      `Pool sizes must be whole numbers of connections with max ≥ 1, got min ${requested.min ?? '(default)'}, max ${requested.max ?? '(default)'}.`,
      'Give min ≥ 0 and max ≥ 1 as whole numbers of connections.',
    );
  }
  const allows = serverAllows(facts);
  const base = { serverMaxConnections: facts.serverMaxConnections, otherConnections: facts.otherConnections };
  let max: number;
  let limitReason: string;
  if (requested.max !== undefined) {
    if (requested.max > allows) {
      throw new PoolError(
        'invalid-size',
        `A pool of ${requested.max} connections does not fit: ${describeAllowance(facts)}.`,
        `Ask for at most ${allows} connections, close other clients, or raise max_connections on the server (needs a restart).`,
      );
    }
    max = requested.max;
    limitReason = `set by the operator (${describeAllowance(facts)})`;
  } else {
    const formula = facts.cores * 2 + 1;
    if (allows < 1) {
      throw new PoolError(
        'invalid-size',
        `The server has no connection to spare: ${describeAllowance(facts)}.`,
        'Close other clients or raise max_connections on the server (needs a restart).',
      );
    }
    max = Math.min(formula, allows);
    limitReason =
      max === formula
        ? `cores × 2 + 1 = ${facts.cores} × 2 + 1 = ${formula} connections (${describeAllowance(facts)})`
        : `${describeAllowance(facts)}, fewer than cores × 2 + 1 = ${formula}`;
  }
  const min = requested.min ?? Math.min(2, max);
  if (min > max) {
    throw new PoolError(
      'invalid-size',
      `The pool minimum (${min} connections) is above its maximum (${max} connections).`,
      `Give min ≤ max, e.g. min ${max}.`,
    );
  }
  return { min, max, limitReason, ...base };
}

/** Reads the connection facts on a live connection; `ourPids` are left out of the other connections. */
export async function readConnectionFacts(
  client: pg.ClientBase,
  cores: number,
  ourPids: readonly number[],
): Promise<ServerConnectionFacts> {
  const { rows } = await client.query<{ max: string; su: string; reserved: string | null; others: string }>({
    text: `SELECT current_setting('max_connections') AS max,
                  current_setting('superuser_reserved_connections') AS su,
                  current_setting('reserved_connections', true) AS reserved,
                  (SELECT count(*) FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND NOT (pid = ANY($1::int[]))) AS others`,
    values: [ourPids],
  });
  const row = rows[0]!;
  return {
    cores,
    serverMaxConnections: Number(row.max),
    reservedConnections: Number(row.su) + Number(row.reserved ?? 0),
    otherConnections: Number(row.others),
  };
}

/**
 * The size a resize asks for, checked against the server's limits now, on a connection of its own (the pool's
 * may all be busy); `ourPids` are the pool's connections, which the new size may keep.
 */
export async function probePoolSize(
  config: pg.ClientConfig,
  cores: number,
  ourPids: readonly number[],
  requested: { min: number; max: number },
): Promise<PoolSize> {
  const probe = new pg.Client(config);
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return computePoolSize(await readConnectionFacts(probe, cores, ourPids), requested);
  } catch (error) {
    if (error instanceof PoolError) throw error;
    throw new PoolError(
      'server-unavailable',
      `Could not read the server's connection limits to resize: ${(error as Error).message}.`,
      'Check that the server is up, then retry.',
      { cause: error },
    );
  } finally {
    await probe.end().catch(() => undefined);
  }
}
