import type pg from 'pg';
import { quoteQualified } from '../sql/identifiers.ts';
import type { WorkloadStatement } from './advisor-types.ts';
import { ADVISOR_MARKER } from './generic-plan.ts';

/** An engine workload template handed to the advisor; `calls` (if known) wins over `weight` (relative share). */
export interface WorkloadTemplate {
  name: string;
  sql: string;
  weight?: number;
  calls?: number;
}

/** A captured statement with the roles that ran it (pg_stat_statements userids); null for the engine's templates. */
export interface CapturedStatement extends WorkloadStatement {
  userIds: string[] | null;
}

export interface CapturedWorkload {
  statements: CapturedStatement[];
  skipped: { query: string; reason: string }[];
  /** Why pg_stat_statements was not read, when it was not (the report's note says so). */
  statStatementsNote: string | null;
}

/** Whitespace-insensitive identity of a statement text: how a template finds itself in pg_stat_statements. */
export function normalizeText(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().replace(/\s*;$/, '');
}

/**
 * The identity of a statement up to its constants: pg_stat_statements shows a template's literals as
 * placeholders (`LIMIT 50` → `LIMIT $3`, `interval '1 hour'` → `interval $2`), so a template is found there by
 * its text with every placeholder, string and number reduced to one token.
 */
export function statementShape(sql: string): string {
  return normalizeText(
    sql
      .replace(/--[^\n]*/g, ' ')
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/'(?:[^']|'')*'/g, ' ? ')
      .replace(/\$\d+/g, ' ? ')
      .replace(/(?<![\w$."])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g, ' ? '),
  ).replace(/\s*\?\s*/g, '?');
}

/** Strips leading comments and parentheses: what the statement starts with. */
function leadingKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? '').toLowerCase();
}

/**
 * Why a statement is not workload the advisor can index for, or null when it is. Only reads: SELECT, and WITH
 * without data-modifying parts. Catalog and statistics queries (ours and every monitoring tool's) are not the
 * application's workload: an index on pg_class is not ours to propose.
 */
export function whyNotAnalyzable(sql: string): string | null {
  if (sql.includes(ADVISOR_MARKER)) return 'the index advisor\'s own query';
  const keyword = leadingKeyword(sql);
  if (keyword !== 'select' && keyword !== 'with') return `not a SELECT (${keyword.toUpperCase() || 'empty'}): only reads are analyzed`;
  const scrubbed = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
  if (keyword === 'with' && /\b(insert|update|delete|merge)\b/i.test(scrubbed)) return 'a WITH statement that writes';
  if (/\b(pg_catalog|information_schema|pg_stat_\w+|pg_class|pg_index|pg_attribute|pg_namespace|pg_settings|pg_database|pg_extension|pg_locks|pg_roles|hypopg\w*)\b/i.test(scrubbed)) {
    return 'reads the system catalogs, not application tables';
  }
  if (!/\bfrom\b/i.test(scrubbed)) return 'reads no table';
  return null;
}

/** pg_stat_statements' schema in this database, or null when the extension is not created. */
async function statStatementsSchema(client: pg.Client): Promise<string | null> {
  const { rows } = await client.query<{ schema: string }>(
    `${ADVISOR_MARKER} SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  return rows[0]?.schema ?? null;
}

interface Counters { queryId: string; query: string; calls: number; totalMs: number; userIds: string[] }

async function readCounters(client: pg.Client): Promise<{ rows: Counters[]; note: string | null }> {
  const schema = await statStatementsSchema(client);
  if (!schema) return { rows: [], note: 'pg_stat_statements is not created in this database, so only the given templates were analyzed.' };
  try {
    // One queryid may have several rows (per user, top-level or nested): summed into one statement.
    const { rows } = await client.query<{ query_id: string; query: string; calls: number; total_ms: number; user_ids: string[] }>(
      `${ADVISOR_MARKER} SELECT s.queryid::text AS query_id, min(s.query) AS query, sum(s.calls)::float8 AS calls,
              sum(s.total_exec_time)::float8 AS total_ms, array_agg(DISTINCT s.userid::text) AS user_ids
         FROM ${quoteQualified(schema, 'pg_stat_statements')} s
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.queryid IS NOT NULL
        GROUP BY s.queryid`,
    );
    return { rows: rows.map((r) => ({ queryId: r.query_id, query: r.query, calls: r.calls, totalMs: r.total_ms, userIds: r.user_ids })), note: null };
  } catch (error) {
    return { rows: [], note: `pg_stat_statements could not be read (${(error as Error).message}), so only the given templates were analyzed.` };
  }
}

/**
 * The statements worth indexing for: the `maxStatements` analyzable statements with the most total execution
 * time in pg_stat_statements (with their calls and mean), plus every template. A template already seen there
 * takes its counters from there (real calls beat declared weights); one not seen counts `calls ?? weight` calls.
 */
export async function captureWorkload(
  client: pg.Client,
  options: { templates: WorkloadTemplate[]; maxStatements: number; useStatStatements: boolean },
): Promise<CapturedWorkload> {
  const skipped: CapturedWorkload['skipped'] = [];
  const read = options.useStatStatements ? await readCounters(client) : { rows: [], note: 'pg_stat_statements was not read (useStatStatements: false).' };
  const templatesByText = new Map(options.templates.map((t) => [normalizeText(t.sql), t]));
  const templatesByShape = new Map(options.templates.map((t) => [statementShape(t.sql), t]));
  const statements: CapturedStatement[] = [];
  const byTemplate = new Map<string, CapturedStatement>();
  const ranked = read.rows.filter((r) => r.calls > 0).sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls);
  for (const row of ranked) {
    const template = templatesByText.get(normalizeText(row.query)) ?? templatesByShape.get(statementShape(row.query));
    const reason = whyNotAnalyzable(row.query);
    if (reason) {
      // Utility and catalog statements are the bulk of pg_stat_statements on a quiet server: report only reads.
      if (template) skipped.push({ query: row.query, reason });
      continue;
    }
    const seen = template ? byTemplate.get(template.name) : undefined;
    if (seen) {
      // The same template under another queryid (other parameter types, another user): one statement.
      seen.calls += row.calls;
      seen.totalMs += row.totalMs;
      seen.meanMs = seen.calls > 0 ? seen.totalMs / seen.calls : 0;
      continue;
    }
    if (!template && statements.filter((s) => s.template === null).length >= options.maxStatements) continue;
    // A template is planned from its own text: its literals (LIMIT 50) tell the planner more than placeholders.
    // A template is the engine's own workload (run as the connecting role): planned as that role, like one not
    // seen there. Anything else is planned as a role that ran it (planning-roles.ts).
    const statement: CapturedStatement = {
      queryId: row.queryId, template: template?.name ?? null, query: template ? template.sql.trim() : row.query,
      calls: row.calls, meanMs: row.calls > 0 ? row.totalMs / row.calls : 0, totalMs: row.totalMs,
      userIds: template ? null : row.userIds,
    };
    if (template) byTemplate.set(template.name, statement);
    statements.push(statement);
  }
  for (const template of options.templates) {
    if (byTemplate.has(template.name)) continue;
    const reason = whyNotAnalyzable(template.sql);
    if (reason) { skipped.push({ query: template.sql, reason: `template "${template.name}": ${reason}` }); continue; }
    const calls = template.calls ?? template.weight ?? 1;
    statements.push({ queryId: null, template: template.name, query: template.sql.trim(), calls, meanMs: 0, totalMs: 0, userIds: null });
  }
  return { statements, skipped, statStatementsNote: read.note };
}
