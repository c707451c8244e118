import type pg from 'pg';
import { loadSqlParser } from '../sql/pg-parser.ts';
import { quoteQualified } from '../sql/identifiers.ts';
import { isProcessAlive } from '../util/process-probe.ts';
import { inspectIndex, markIndexOwned, markerEntryId } from './build-catalog.ts';
import type { BuildHistory, HistoryEntry } from './build-history.ts';

export interface ReconcileOptions {
  connect(): Promise<pg.Client>;
  history: BuildHistory;
  /** Read-only mode: the history file is still brought up to date, but no COMMENT (or anything else) is sent. */
  readOnly: boolean;
  /** History entries this process is building right now (never reconciled). */
  activeEntryIds?: ReadonlySet<string>;
  /** Whether a process id is alive on this machine; default: process-probe's (pid 0 and zombies are not). */
  isProcessAlive?(pid: number): Promise<boolean> | boolean;
}

export type ReconcileKind = 'adopted' | 'left-invalid' | 'interrupted' | 'still-building' | 'name-taken' | 'not-ours' | 'unknown-marker';

export interface ReconcileFinding {
  kind: ReconcileKind;
  schema: string;
  name: string;
  table: string | null;
  /** For people: what was found and, where something is left to do, what to do. */
  message: string;
}

/**
 * Brings the build history in line with the catalog when the advisor starts: a build whose process died is found
 * by its 'building' entry (written before CREATE INDEX CONCURRENTLY was sent), then
 * - still running in its backend → left as 'building' (a later start adopts it);
 * - valid with the definition we sent → adopted ('built', with pg_get_indexdef), so it can be rolled back;
 * - INVALID → 'failed' with leftInvalid: reported, and dropped only when the operator rolls that entry back;
 * - absent → 'failed' (interrupted; PostgreSQL rolled it back);
 * - anything else under that name → left alone and reported.
 * An `hp_` index the history does not know is adopted only when its comment carries our ownership marker naming an
 * entry of this history for that very index (the comment alone proves nothing: any table owner can write it, and
 * the id of a real entry can be read from the comment on our real index). Any other `hp_` index is reported and
 * never touched. Never throws for a server problem: the finding says what failed.
 */
export async function reconcileBuilds(options: ReconcileOptions): Promise<ReconcileFinding[]> {
  const entries = await options.history.list();
  const building = entries.filter((e) => e.status === 'building');
  const alive = options.isProcessAlive ?? isProcessAlive;
  const findings: ReconcileFinding[] = [];
  const client = await options.connect();
  try {
    for (const entry of building) {
      if (options.activeEntryIds?.has(entry.id)) continue;
      if (entry.ownerPid !== undefined && entry.ownerPid !== process.pid && (await alive(entry.ownerPid))) continue; // another Hotpath is on it
      findings.push(await reconcileEntry(client, options, entry));
    }
    findings.push(...(await adoptMarked(client, options, await options.history.list())));
  } finally {
    await client.end().catch(() => undefined);
  }
  return findings;
}

async function reconcileEntry(client: pg.Client, options: ReconcileOptions, entry: HistoryEntry): Promise<ReconcileFinding> {
  const base = { schema: entry.schema, name: entry.name, table: entry.table };
  const where = quoteQualified(entry.schema, entry.name);
  if (entry.backendPid !== undefined && (await stillRunning(client, entry.backendPid, entry.ddl))) {
    return {
      ...base,
      kind: 'still-building',
      message: `Index ${where} is still being built by PostgreSQL (backend ${entry.backendPid}) although the Hotpath process that started it has gone; it will be adopted once it finishes (on the next start).`,
    };
  }
  const now = Date.now();
  const closed = { ownerPid: undefined, backendPid: undefined, reconciledAt: now, finishedAt: now, durationMs: now - entry.startedAt };
  const found = await inspectIndex(client, entry.schema, entry.name);
  if (!found) {
    const note = 'Hotpath stopped during this build, and PostgreSQL did not finish it; nothing was left behind.';
    await options.history.patch(entry.id, {
      ...closed,
      status: 'failed',
      error: 'interrupted: the process running the build stopped',
      note,
    });
    return { ...base, kind: 'interrupted', message: `Index ${where}: ${note}` };
  }
  if (!found.isIndex || found.table !== entry.table || !(await sameDefinition(entry.ddl, found.definition))) {
    const note = `The name is now used by ${found.isIndex ? `another index (${found.definition})` : 'a relation that is not an index'}, which Hotpath leaves alone.`;
    await options.history.patch(entry.id, {
      ...closed,
      status: 'failed',
      error: 'interrupted: the process running the build stopped',
      note,
    });
    return { ...base, kind: 'name-taken', message: `Index ${where}: the build was interrupted. ${note}` };
  }
  if (!found.valid) {
    const note = `The build was interrupted and left an INVALID index (it slows writes and serves no query). Roll back this entry (index ${entry.name}) to drop it, or run DROP INDEX CONCURRENTLY ${where};`;
    await options.history.patch(entry.id, {
      ...closed,
      status: 'failed',
      error: 'interrupted: the process running the build stopped',
      leftInvalid: true,
      note,
    });
    return { ...base, kind: 'left-invalid', message: `Index ${where}: ${note}` };
  }
  const marked = await setMarker(client, options, entry.schema, entry.name, entry.id);
  const note = `PostgreSQL finished this build after the Hotpath process that started it had stopped; adopted at the next start.${marked}`;
  await options.history.patch(entry.id, {
    ...closed,
    status: 'built',
    definition: found.definition ?? undefined,
    sizeBytes: found.sizeBytes,
    note,
  });
  return { ...base, kind: 'adopted', message: `Index ${where} on ${entry.table}: ${note} It can be rolled back like any other.` };
}

interface CatalogIndex {
  schema: string;
  name: string;
  table_name: string;
  valid: boolean;
  definition: string;
  comment: string | null;
  size: string;
}

/** `hp_` indexes the history does not own (built, building, or a failed build's leftover) → adopted if marked, else reported. */
async function adoptMarked(client: pg.Client, options: ReconcileOptions, entries: HistoryEntry[]): Promise<ReconcileFinding[]> {
  const { rows } = await client.query<CatalogIndex>(`
    SELECT n.nspname AS schema, c.relname AS name, t.relname AS table_name, i.indisvalid AS valid,
           pg_get_indexdef(c.oid) AS definition, obj_description(c.oid, 'pg_class') AS comment, pg_relation_size(c.oid) AS size
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class t ON t.oid = i.indrelid
    WHERE starts_with(c.relname, 'hp_') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2`);
  const known = (row: CatalogIndex) => {
    const latest = entries.findLast((e) => e.name === row.name && e.schema === row.schema);
    return latest !== undefined && (latest.status === 'built' || latest.status === 'building' || latest.leftInvalid === true);
  };
  const findings: ReconcileFinding[] = [];
  for (const row of rows) {
    if (known(row)) continue;
    const base = { schema: row.schema, name: row.name, table: row.table_name };
    const where = quoteQualified(row.schema, row.name);
    const markedId = markerEntryId(row.comment);
    if (markedId === null) {
      findings.push({
        ...base,
        kind: 'not-ours',
        message: `Index ${where} on ${row.table_name} is named like Hotpath's indexes but carries no Hotpath ownership marker, so Hotpath leaves it alone.`,
      });
      continue;
    }
    const entry = entries.find((e) => e.id === markedId);
    const unclaimed = await whyNotAdoptable(entry, row);
    if (unclaimed !== null) {
      findings.push({
        ...base,
        kind: 'unknown-marker',
        message: `Index ${where} on ${row.table_name} carries Hotpath's ownership marker naming history entry ${markedId}, but ${unclaimed}, so Hotpath leaves it alone: it neither adopts nor drops it (anyone who owns the table can write that comment). If Hotpath did build it and its history was lost, drop it yourself when you no longer want it: DROP INDEX CONCURRENTLY ${where};`,
      });
      continue;
    }
    const now = Date.now();
    const note = `Found in the catalog with Hotpath's ownership marker for this entry, which did not record it as built; adopted at start.`;
    await options.history.patch(entry!.id, {
      reconciledAt: now,
      definition: row.definition,
      sizeBytes: Number(row.size),
      note,
      ownerPid: undefined,
      backendPid: undefined,
      ...(row.valid
        ? { status: 'built' as const, error: undefined, leftInvalid: undefined }
        : { status: 'failed' as const, leftInvalid: true, error: 'an INVALID index (a build that did not finish)' }),
    });
    findings.push({
      ...base,
      kind: row.valid ? 'adopted' : 'left-invalid',
      message: `Index ${where} on ${row.table_name}: ${note}${row.valid ? '' : ' It is INVALID: roll it back to drop it.'}`,
    });
  }
  return findings;
}

/** Why the entry a marker names does not vouch for this index, or null when it does. */
async function whyNotAdoptable(entry: HistoryEntry | undefined, row: CatalogIndex): Promise<string | null> {
  if (entry === undefined) return 'that entry is not in this history';
  if (entry.schema !== row.schema || entry.name !== row.name || entry.table !== row.table_name) {
    return `that entry is for another index (${quoteQualified(entry.schema, entry.name)} on ${entry.table})`;
  }
  if (entry.status === 'rolled-back') return 'that entry was rolled back, so this index was made again since';
  if (!(await sameDefinition(entry.ddl, row.definition))) return `its definition is not the one that entry built (${entry.ddl})`;
  return null;
}

/** Whether `pid` is still running exactly the statement we sent (the pid alone could be reused by another session). */
async function stillRunning(client: pg.Client, pid: number, ddl: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query = $2 AND state <> $3', [pid, ddl, 'idle']);
  return rows.length > 0;
}

async function setMarker(client: pg.Client, options: ReconcileOptions, schema: string, name: string, id: string): Promise<string> {
  if (options.readOnly) return ' (Read-only mode: its ownership comment was not set.)';
  const failed = await markIndexOwned(client, schema, name, id);
  return failed === null ? '' : ` (Its ownership comment could not be set: ${failed}.)`;
}

/**
 * Whether the server's pg_get_indexdef() describes the index our DDL creates: both parsed by PostgreSQL's own
 * parser and compared as trees, without CONCURRENTLY and token positions (the server's text quotes differently).
 */
export async function sameDefinition(ddl: string, definition: string | null): Promise<boolean> {
  if (definition === null) return false;
  const parser = await loadSqlParser();
  try {
    return JSON.stringify(indexTree(parser.parse(ddl))) === JSON.stringify(indexTree(parser.parse(definition)));
  } catch {
    return false;
  }
}

function indexTree(parsed: unknown): unknown {
  const statement = (parsed as { stmts?: { stmt?: unknown }[] }).stmts?.[0]?.stmt;
  return strip(statement);
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'location' || key === 'concurrent' || key === 'if_not_exists') continue;
    out[key] = strip(value);
  }
  return out;
}
