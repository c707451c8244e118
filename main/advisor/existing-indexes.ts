import type pg from 'pg';
import type { IndexFinding } from './advisor-types.ts';
import { ADVISOR_MARKER } from './generic-plan.ts';
import { dropIndexDdl, type IndexSpec } from './index-spec.ts';
import { indexScanKey, type ReplicaIndexScans } from './replica-index-scans.ts';

/** An index that exists, as pg_index describes it. */
export interface ExistingIndex {
  schema: string;
  table: string;
  name: string;
  method: string;
  /** Key columns in order; null for an expression key (it covers no plain-column candidate). */
  keys: ({ name: string; direction: 'asc' | 'desc' } | null)[];
  include: string[];
  predicate: string | null;
  valid: boolean;
  unique: boolean;
  primary: boolean;
  /** Backs a constraint (primary key, unique, exclusion): dropping it is not an index decision. */
  constraint: boolean;
  scans: number;
  sizeBytes: number;
  definition: string;
  /** Since when pg_stat_user_indexes has been counting (the database's stats reset, else the server start). */
  statsSince: Date;
}

/** Every index on the database's own tables (not the system's). */
export async function readExistingIndexes(client: pg.Client): Promise<ExistingIndex[]> {
  const { rows } = await client.query<{
    schema: string;
    table: string;
    name: string;
    method: string;
    keys: (string | null)[];
    descs: boolean[];
    include: string[];
    predicate: string | null;
    valid: boolean;
    unique: boolean;
    primary: boolean;
    constraint: boolean;
    scans: string | null;
    size: string;
    definition: string;
    since: Date;
  }>(
    `${ADVISOR_MARKER} SELECT n.nspname AS schema, t.relname AS "table", i.relname AS name, am.amname AS method,
            array(SELECT a.attname FROM generate_subscripts(x.indkey, 1) k LEFT JOIN pg_attribute a
                    ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k] AND x.indkey[k] <> 0
                   WHERE k < x.indnkeyatts ORDER BY k)::text[] AS keys,
            array(SELECT (x.indoption[k] & 1) = 1 FROM generate_subscripts(x.indkey, 1) k WHERE k < x.indnkeyatts ORDER BY k) AS descs,
            array(SELECT a.attname FROM generate_subscripts(x.indkey, 1) k JOIN pg_attribute a
                    ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k] WHERE k >= x.indnkeyatts ORDER BY k)::text[] AS include,
            pg_get_expr(x.indpred, x.indrelid) AS predicate, x.indisvalid AS valid, x.indisunique AS unique, x.indisprimary AS primary,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS constraint,
            s.idx_scan::text AS scans, pg_relation_size(x.indexrelid)::text AS size, pg_get_indexdef(x.indexrelid) AS definition,
            coalesce(d.stats_reset, pg_postmaster_start_time()) AS since
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = i.relam
       LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
       LEFT JOIN pg_stat_database d ON d.datname = current_database()
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
      ORDER BY n.nspname, t.relname, i.relname`,
  );
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    name: r.name,
    method: r.method,
    keys: r.keys.map((k, i) => (k === null ? null : { name: k, direction: r.descs[i] ? ('desc' as const) : ('asc' as const) })),
    include: r.include,
    predicate: r.predicate,
    valid: r.valid,
    unique: r.unique,
    primary: r.primary,
    constraint: r.constraint,
    scans: Number(r.scans ?? 0),
    sizeBytes: Number(r.size),
    definition: r.definition,
    statsSince: new Date(r.since),
  }));
}

/**
 * True when a valid existing index already does what the candidate would: its leading key columns are the
 * candidate's, in the same order, with the same directions (or all reversed: a backward scan), and its predicate
 * is none or the same. A B-tree also covers a BRIN candidate on its leading column. HypoPG would happily rate a
 * fresh hypothetical copy above the real, bloated one; this rule keeps such copies out.
 */
export function coveredByExisting(spec: IndexSpec, existing: readonly ExistingIndex[]): ExistingIndex | null {
  for (const index of existing) {
    if (!index.valid || index.schema !== spec.schema || index.table !== spec.table) continue;
    if (index.predicate !== null && normalizePredicate(index.predicate) !== normalizePredicate(spec.predicate ?? '')) continue;
    if (!(index.method === spec.method || (index.method === 'btree' && spec.method === 'brin'))) continue;
    if (index.keys.length < spec.columns.length) continue;
    const same = spec.columns.every(
      (c, i) => index.keys[i]?.name === c.name && (spec.method === 'brin' || index.keys[i]!.direction === c.direction),
    );
    const reversed = spec.columns.every((c, i) => index.keys[i]?.name === c.name && index.keys[i]!.direction !== c.direction);
    if (!same && !reversed) continue;
    const held = new Set([...index.keys.map((k) => k?.name), ...index.include]);
    if (spec.include.every((c) => held.has(c))) return index;
  }
  return null;
}

/** Predicates compared loosely: parentheses, quotes of plain names and spacing differ between printers. */
function normalizePredicate(text: string): string {
  return text.replace(/[()\s"]/g, '').toLowerCase();
}

function isPrefix(a: ExistingIndex, b: ExistingIndex): boolean {
  if (a.keys.length > b.keys.length || a.keys.some((k) => k === null)) return false;
  return a.keys.every(
    (k, i) => b.keys[i] !== null && b.keys[i]!.name === k!.name && (a.method !== 'btree' || b.keys[i]!.direction === k!.direction),
  );
}

/**
 * Unused, duplicate and invalid indexes, each with the statement that would drop it. With read replicas,
 * `replicaScans` holds each one's counters: an index is unused only when no server scanned it (one the replicas'
 * reads use is not), and a replica whose counters could not be read is named in the finding.
 */
export function indexFindings(existing: readonly ExistingIndex[], replicaScans: readonly ReplicaIndexScans[] = []): IndexFinding[] {
  const findings: IndexFinding[] = [];
  const finding = (index: ExistingIndex, kind: IndexFinding['kind'], detail: string): IndexFinding => ({
    kind,
    schema: index.schema,
    table: index.table,
    index: index.name,
    definition: index.definition,
    sizeBytes: index.sizeBytes,
    detail,
    dropDdl: dropIndexDdl(index.schema, index.name),
  });
  for (const index of existing) {
    if (!index.valid) {
      findings.push(
        finding(
          index,
          'invalid',
          `invalid (a failed or cancelled CREATE INDEX CONCURRENTLY left it): the planner ignores it but every write still maintains it; drop it, or REINDEX INDEX CONCURRENTLY to finish it`,
        ),
      );
      continue;
    }
    const bound = index.unique || index.primary || index.constraint;
    if (!bound) {
      const twin = existing.find(
        (other) =>
          other !== index &&
          other.valid &&
          other.schema === index.schema &&
          other.table === index.table &&
          other.method === index.method &&
          (other.predicate ?? '') === (index.predicate ?? '') &&
          isPrefix(index, other) &&
          // Two identical definitions: only the later name is reported, so one of them survives.
          (other.keys.length > index.keys.length || other.unique || other.name < index.name),
      );
      if (twin) {
        findings.push(
          finding(
            index,
            'duplicate',
            `its key columns (${index.keys.map((k) => k!.name).join(', ')}) are a prefix of ${twin.name}'s (${twin.keys.map((k) => k?.name ?? 'expression').join(', ')}), which serves the same lookups`,
          ),
        );
        continue;
      }
      const onReplicas = replicaScans.reduce((sum, r) => sum + (r.scans?.get(indexScanKey(index.schema, index.name)) ?? 0), 0);
      if (index.scans + onReplicas === 0) {
        findings.push(
          finding(
            index,
            'unused',
            `0 scans${onServers(replicaScans)} since ${index.statsSince.toISOString()} (statistics collected for ${describeAge(index.statsSince)}); it still costs every write and ${index.sizeBytes} bytes${unreadReplicas(replicaScans)}`,
          ),
        );
      }
    }
  }
  return findings;
}

/** Where the scans were counted: nothing to add without replicas. */
function onServers(replicaScans: readonly ReplicaIndexScans[]): string {
  const read = replicaScans.filter((r) => r.scans !== null).map((r) => r.server);
  return read.length === 0 ? (replicaScans.length === 0 ? '' : ' on the primary') : ` on the primary and ${read.join(', ')}`;
}

function unreadReplicas(replicaScans: readonly ReplicaIndexScans[]): string {
  const unread = replicaScans.filter((r) => r.scans === null);
  return unread.length === 0
    ? ''
    : `; not counted: ${unread.map((r) => `${r.server} (${r.error ?? 'no answer'})`).join(', ')}, whose reads may use it`;
}

function describeAge(since: Date): string {
  const hours = (Date.now() - since.getTime()) / 3_600_000;
  return hours >= 48
    ? `${Math.round(hours / 24)} days`
    : hours >= 1
      ? `${hours.toFixed(1)} hours`
      : `${Math.max(0, Math.round(hours * 60))} minutes`;
}
