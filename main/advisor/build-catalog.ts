import type pg from 'pg';
import { quoteQualified } from '../sql/identifiers.ts';
import { describeError } from './build-errors.ts';
import { builderApplicationName } from './build-lock.ts';

/** What the catalog says about a relation of a given name in a schema. */
export interface FoundRelation {
  /** False when the name belongs to a table, view, sequence…: never ours to touch. */
  isIndex: boolean;
  valid: boolean;
  /** The table it indexes (an index always lives in its table's schema). */
  table: string | null;
  /** pg_get_indexdef(), the server's canonical text of the index. */
  definition: string | null;
  sizeBytes: number;
}

/** The relation `schema.name`, or null if there is none. Names are compared exactly (they are unquoted names). */
export async function inspectIndex(client: pg.Client, schema: string, name: string): Promise<FoundRelation | null> {
  const { rows } = await client.query<{
    is_index: boolean;
    valid: boolean | null;
    table_name: string | null;
    definition: string | null;
    size: string;
  }>(
    `
    SELECT i.indexrelid IS NOT NULL AS is_index, i.indisvalid AS valid, t.relname AS table_name,
           CASE WHEN i.indexrelid IS NOT NULL THEN pg_get_indexdef(c.oid) END AS definition,
           pg_relation_size(c.oid) AS size
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    LEFT JOIN pg_class t ON t.oid = i.indrelid
    WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    isIndex: row.is_index,
    valid: row.valid === true,
    table: row.table_name,
    definition: row.definition,
    sizeBytes: Number(row.size),
  };
}

const MARKER_PREFIX = 'Built by Hotpath, history entry ';

/** The comment a finished build sets on its index: the catalog's own record that the index is Hotpath's. */
export function ownershipMarker(entryId: string): string {
  return `${MARKER_PREFIX}${entryId}.`;
}

/**
 * Sets the ownership marker of history entry `entryId` as the index's comment (COMMENT ON INDEX), the catalog's
 * own record that the index is Hotpath's. Never throws: resolves with what went wrong, or null when it was set,
 * since a missing marker costs only the catalog's record (the history still has the build).
 */
export async function markIndexOwned(client: pg.Client, schema: string, name: string, entryId: string): Promise<string | null> {
  try {
    await client.query(`COMMENT ON INDEX ${quoteQualified(schema, name)} IS ${client.escapeLiteral(ownershipMarker(entryId))}`);
    return null;
  } catch (error) {
    return describeError(error);
  }
}

/** The history entry id in an index comment Hotpath set, or null for any other comment (or none). */
export function markerEntryId(comment: string | null): string | null {
  if (comment === null || !comment.startsWith(MARKER_PREFIX) || !comment.endsWith('.')) return null;
  const id = comment.slice(MARKER_PREFIX.length, -1);
  return id.length > 0 ? id : null;
}

/** lock_timeout for this session, in ms (0 = wait for ever), passed as a parameter rather than pasted. */
export async function setLockTimeout(client: pg.Client, ms: number): Promise<void> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(0, Math.round(ms))}ms`]);
}

/**
 * Makes the session fit for CREATE INDEX CONCURRENTLY and returns its backend pid (the pid to watch and to cancel).
 * The connection may come from a pool lane whose sessions are read-only by default or carry a statement_timeout;
 * the builder's own readOnly option is what guards against DDL, so here writes are allowed and a long build is not
 * cut off by a timeout meant for queries.
 */
export async function prepareBuildSession(client: pg.Client, lockTimeoutMs: number): Promise<number> {
  await client.query(
    `SELECT set_config('default_transaction_read_only', 'off', false),
            set_config('statement_timeout', '0', false),
            set_config('application_name', $1, false)`,
    [builderApplicationName()],
  );
  await setLockTimeout(client, lockTimeoutMs);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

export type DropResult = 'dropped' | 'valid' | 'absent' | 'not-ours';

/**
 * Drops `schema.name` only if it is an INVALID index on `table` (what a failed CONCURRENTLY build leaves): a valid
 * index is never dropped here, whoever made it. DROP INDEX CONCURRENTLY waits for every transaction that touches
 * the table (including the one that made the build time out), so it gets its own, longer lock_timeout.
 * Between the check and the drop another session could replace the index; with the hash in our names that is
 * not a practical concern.
 */
export async function dropIfInvalid(
  client: pg.Client,
  schema: string,
  table: string,
  name: string,
  lockTimeoutMs: number,
): Promise<DropResult> {
  const found = await inspectIndex(client, schema, name);
  if (!found) return 'absent';
  if (!found.isIndex || found.table !== table) return 'not-ours';
  if (found.valid) return 'valid';
  await setLockTimeout(client, lockTimeoutMs);
  await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteQualified(schema, name)}`);
  return 'dropped';
}
