import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';
import type { SuppliedStatement, WorkloadStatement } from './advisor-types.ts';
import type { WorkloadWrite } from './index-maintenance.ts';
import { UNKNOWN_RUNNER } from './planning-roles.ts';
import { sampleActivity } from './workload-sources/activity-sampler.ts';
import { statementKey } from './workload-sources/statement-key.ts';
import { ADVISOR_MARKER } from './generic-plan.ts';
import { SqlSyntaxError, loadSqlParser, type SqlParser } from '../sql/pg-parser.ts';
import { repairNormalizedText } from '../sql/normalized-repairs.ts';
import { isCatalogName } from '../sql/catalog-names.ts';
import { HIDDEN_TEXT, readStatStatements, statStatementsSchema, type StatStatement } from '../sql/stat-statements.ts';

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
  /**
   * Its calls are counted over pg_stat_statements' span (its own counters, or a template's weight scaled by how
   * often the templates seen there ran per unit of weight): only then can the server's writes be weighed against it.
   */
  inStatSpan: boolean;
}

export interface CapturedWorkload {
  statements: CapturedStatement[];
  skipped: { query: string; reason: string }[];
  /** Why pg_stat_statements was not read, when it was not (the report's note says so). */
  statStatementsNote: string | null;
  /**
   * pg_stat_statements' statements that may write, analyzable or not (an INSERT … VALUES is not, yet each row it
   * writes costs every index of its table), with the rows they wrote.
   */
  writes: WorkloadWrite[];
}

/**
 * The identity of a statement up to its constants, comments and whitespace: pg_stat_statements shows a template's
 * literals as placeholders (`LIMIT 50` → `LIMIT $3`, `interval '1 hour'` → `interval $2`), so a template is found
 * there by PostgreSQL's own fingerprint of the parse tree (libpg_query's), which treats a constant and a `$n` alike,
 * together with the relations it names (statementKey: the fingerprint alone takes `orders_12` and `orders_22` for
 * one table). Null when the text does not parse.
 */
export async function statementShape(sql: string): Promise<string | null> {
  const key = statementKey(await loadSqlParser(), sql);
  return key.startsWith('fp:') ? key : null;
}

interface Seen {
  tables: { schema: string | null; name: string }[];
  functions: string[];
  /** SELECT INTO / CREATE TABLE AS: DDL, never planned. */
  into: boolean;
  /** DELETE / UPDATE … WHERE CURRENT OF: plannable only inside the transaction that holds the cursor. */
  currentOf: boolean;
}

const TARGETS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** What a parse tree reads and writes, found by walking every node (a write's target is read too). */
function walk(node: unknown, seen: Seen): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, seen);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'intoClause') seen.into = true;
    if (key === 'CurrentOfExpr') seen.currentOf = true;
    // A write's target is its `relation`, a RangeVar's fields without the RangeVar key.
    const target = TARGETS.has(key) ? (value as { relation?: { schemaname?: string; relname?: string } }).relation : undefined;
    if (target) seen.tables.push({ schema: target.schemaname ?? null, name: target.relname ?? '' });
    if (key === 'RangeVar') {
      const v = value as { schemaname?: string; relname?: string };
      seen.tables.push({ schema: v.schemaname ?? null, name: v.relname ?? '' });
    }
    if (key === 'FuncCall') {
      const names = ((value as { funcname?: { String?: { sval?: string } }[] }).funcname ?? []).map((n) => n.String?.sval ?? '');
      seen.functions.push(names.at(-1) ?? '');
    }
    walk(value, seen);
  }
}

const emptySeen = (): Seen => ({ tables: [], functions: [], into: false, currentOf: false });

/**
 * Why a statement is not workload the advisor can index for, or null when it is. What an index can serve: a SELECT
 * (FOR UPDATE / SHARE included; a WITH, MATERIALIZED or not, data-modifying parts included: EXPLAIN plans them
 * without running them, and explain-only plans are exempt from the read-only transaction's check), an UPDATE or
 * DELETE (its WHERE finds the rows), an INSERT … SELECT (its SELECT reads tables). Read from PostgreSQL's parse tree,
 * so a `--`, `;` or keyword inside a string or a quoted name is data. Not: utility statements, SELECT INTO (DDL),
 * MERGE, an INSERT of VALUES (it reads nothing an index serves), WHERE CURRENT OF (needs its cursor). Catalog and
 * statistics queries (ours and every monitoring tool's) are not the application's workload: an index on pg_class is
 * not ours to propose.
 */
export async function whyNotAnalyzable(sql: string): Promise<string | null> {
  const parser = await loadSqlParser();
  let tree: ReturnType<typeof parser.parse>;
  try {
    tree = parser.parse(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return `could not be parsed: ${error.message}`;
    throw error;
  }
  if (parser.scan(sql).tokens.some((t) => t.tokenName === 'C_COMMENT' && t.text === ADVISOR_MARKER)) return "the index advisor's own query";
  const statements = tree.stmts ?? [];
  if (statements.length !== 1)
    return statements.length === 0
      ? 'empty: nothing to analyze'
      : `${statements.length} statements in one text: only single statements are analyzed`;
  const [kind, body] = Object.entries(statements[0]!.stmt ?? {})[0] ?? ['?', null];
  const unsupported = whyNotSupportedKind(kind, body);
  if (unsupported) return unsupported;
  const seen = emptySeen();
  // From the statement node itself, so a top-level write's target counts among the tables.
  walk(statements[0]!.stmt, seen);
  if (seen.into) return 'SELECT INTO creates a table: DDL, which analysis never sends';
  if (seen.currentOf) return 'WHERE CURRENT OF a cursor: plannable only in the transaction that holds the cursor';
  if (seen.tables.some((t) => isCatalogName(t.schema, t.name)) || seen.functions.some((f) => isCatalogName(null, f))) {
    return 'reads the system catalogs, not application tables';
  }
  if (seen.tables.length === 0) return 'reads no table';
  return null;
}

/** Why this kind of statement is not analyzed, or null when it is one an index can serve. */
function whyNotSupportedKind(kind: string, body: unknown): string | null {
  const name = kind.replace(/Stmt$/, '').toUpperCase();
  if (kind === 'SelectStmt') return null;
  if (kind === 'UpdateStmt' || kind === 'DeleteStmt') {
    const where = (body as { whereClause?: unknown }).whereClause;
    return where === undefined ? `an ${name} without WHERE writes every row: no index serves it` : null;
  }
  if (kind === 'InsertStmt') {
    const source = (body as { selectStmt?: unknown }).selectStmt;
    const reads = emptySeen();
    walk(source ?? null, reads);
    return reads.tables.length > 0 ? null : 'an INSERT that reads no table (VALUES): no index serves it';
  }
  return `not a statement an index serves (${name}): SELECT, UPDATE, DELETE and INSERT … SELECT are analyzed`;
}

async function readCounters(client: pg.Client): Promise<{ rows: StatStatement[]; hidden: number; note: string | null }> {
  const schema = await statStatementsSchema(client, ADVISOR_MARKER);
  if (!schema)
    return { rows: [], hidden: 0, note: 'pg_stat_statements is not created in this database, so only the given templates were analyzed.' };
  try {
    const all = await readStatStatements(client, schema, ADVISOR_MARKER);
    // A role that may not see other roles' statements gets them with neither text nor queryid: only counted.
    const hidden = all.filter((r) => r.query === HIDDEN_TEXT).reduce((sum, r) => sum + r.entries, 0);
    return { rows: all.filter((r) => r.queryId !== '' && r.query !== HIDDEN_TEXT), hidden, note: null };
  } catch (error) {
    return {
      rows: [],
      hidden: 0,
      note: `pg_stat_statements could not be read (${(error as Error).message}), so only the given templates were analyzed.`,
    };
  }
}

/**
 * The statements worth indexing for: the `maxStatements` analyzable statements with the most total execution
 * time in pg_stat_statements (with their calls and mean), plus every template. A template already seen there
 * takes its counters from there (real calls beat declared weights); one not seen counts `calls ?? weight` calls.
 */
export async function captureWorkload(
  client: pg.Client,
  options: {
    templates: WorkloadTemplate[];
    maxStatements: number;
    useStatStatements: boolean;
    /** Statements from SQL files and server logs (captureSupplied). */
    supplied?: readonly SuppliedStatement[] | undefined;
    /** Sample pg_stat_activity for this many seconds first (captureSupplied). */
    sampleActivitySeconds?: number | undefined;
  },
): Promise<CapturedWorkload> {
  const skipped: CapturedWorkload['skipped'] = [];
  const read = options.useStatStatements
    ? await readCounters(client)
    : { rows: [], hidden: 0, note: 'pg_stat_statements was not read (useStatStatements: false).' };
  const templatesByShape = new Map<string, WorkloadTemplate>();
  for (const t of options.templates) {
    const shape = await statementShape(t.sql);
    if (shape !== null) templatesByShape.set(shape, t);
  }
  const statements: CapturedStatement[] = [];
  const writes: WorkloadWrite[] = read.rows.map((r) => ({ query: r.query, calls: r.calls, rows: r.rows }));
  const byTemplate = new Map<string, CapturedStatement>();
  if (read.hidden > 0) skipped.push(await hiddenStatementsEntry(client, read.hidden));
  const parser = await loadSqlParser();
  // Busiest first (readStatStatements' order). `date $1` (a typed literal, normalized) is a syntax error to the server: planned as `$1::date`; `$1 - $2`
  // (two constants) cannot be typed: planned as `$1::numeric - $2::numeric` (main/sql/normalized-repairs.ts).
  const ranked = read.rows.map((r) => ({ ...r, query: repairNormalizedText(parser, r.query) }));
  for (const row of ranked) {
    const shape = await statementShape(row.query);
    const template = shape === null ? undefined : templatesByShape.get(shape);
    const reason = template ? await whyNotAnalyzable(template.sql) : await whyNotAnalyzable(row.query);
    if (reason) {
      // Utility and catalog statements are the bulk of pg_stat_statements on a quiet server: report only reads, and
      // texts the parser rejects (a read among them would otherwise vanish without a word).
      if (template || shape === null) skipped.push({ query: row.query, reason });
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
    const statement = capturedFrom(row, template);
    if (template) byTemplate.set(template.name, statement);
    statements.push(statement);
  }
  // A template pg_stat_statements has not seen (yet) counts its weight, scaled by the calls per unit of weight of
  // the templates seen there: the same profile runs them all, so its share of the traffic is its weight's.
  const seenTemplates = options.templates.filter((t) => byTemplate.has(t.name));
  const seenWeight = seenTemplates.reduce((sum, t) => sum + declaredCalls(t), 0);
  const seenCalls = seenTemplates.reduce((sum, t) => sum + byTemplate.get(t.name)!.calls, 0);
  const callsPerWeight = seenWeight > 0 && seenCalls > 0 ? seenCalls / seenWeight : null;
  for (const template of options.templates) {
    if (byTemplate.has(template.name)) continue;
    const reason = await whyNotAnalyzable(template.sql);
    if (reason) {
      skipped.push({ query: template.sql, reason: `template "${template.name}": ${reason}` });
      continue;
    }
    statements.push({
      queryId: null,
      template: template.name,
      query: template.sql.trim(),
      calls: declaredCalls(template) * (callsPerWeight ?? 1),
      meanMs: 0,
      totalMs: 0,
      userIds: null,
      inStatSpan: callsPerWeight !== null,
    });
  }
  await captureSupplied(
    client,
    options.supplied ?? [],
    options.sampleActivitySeconds ?? 0,
    ranked,
    statements,
    skipped,
    options.maxStatements,
  );
  return { statements, skipped, statStatementsNote: read.note, writes };
}

/** How often a template not seen in pg_stat_statements counts: its declared calls, or its weight. */
function declaredCalls(template: WorkloadTemplate): number {
  return template.calls ?? template.weight ?? 1;
}

/**
 * One statement from pg_stat_statements' counters. A template is planned from its own text: its literals
 * (LIMIT 50) tell the planner more than placeholders. A template is the engine's own workload (run as the
 * connecting role): planned as that role, like one not seen there. Anything else is planned as a role that ran
 * it (planning-roles.ts).
 */
function capturedFrom(row: StatStatement, template: WorkloadTemplate | undefined): CapturedStatement {
  return {
    queryId: row.queryId,
    template: template?.name ?? null,
    query: template ? template.sql.trim() : row.query,
    calls: row.calls,
    meanMs: row.calls > 0 ? row.totalMs / row.calls : 0,
    totalMs: row.totalMs,
    userIds: template ? null : row.userIds,
    inStatSpan: true,
  };
}

/**
 * pg_stat_statements shows other roles' texts only to superusers and pg_read_all_stats members: one entry says
 * how many are hidden and which grant shows them, instead of one unparseable "<insufficient privilege>" each.
 */
async function hiddenStatementsEntry(client: pg.Client, hidden: number): Promise<CapturedWorkload['skipped'][number]> {
  const {
    rows: [me],
  } = await client.query<{ role: string }>(`${ADVISOR_MARKER} SELECT current_user AS role`);
  return {
    query: HIDDEN_TEXT,
    reason:
      `${hidden} statement${hidden === 1 ? '' : 's'} of other roles ${hidden === 1 ? 'is' : 'are'} hidden from ${me!.role} ` +
      `(pg_stat_statements shows their text only to superusers and members of pg_read_all_stats): GRANT pg_monitor TO ${quoteIdent(me!.role)} lets Hotpath see them.`,
  };
}

/** A statement from a file, a log or activity samples, with the roles that ran it (UNKNOWN_RUNNER: not known). */
type Incoming = Omit<SuppliedStatement, 'totalMs'> & { totalMs: number | undefined; userIds: string[] };

/**
 * Statements from other sources than pg_stat_statements: SQL files and server logs (`supplied`: planned as a role
 * that ran it where the source names one that exists here, else as a statement of a role nobody knows,
 * UNKNOWN_RUNNER, which planning-roles.ts plans only while no untrusted function exists) and, for
 * `sampleSeconds`, pg_stat_activity's running statements (with the role that ran them). Each goes through the
 * same filter (whyNotAnalyzable), normalized and repaired like pg_stat_statements' texts (plannableText). Where
 * pg_stat_statements has the same statement (statementKey), its counters and roles win (they are measured, a
 * file's count is not); the same statement from several sources is one, its calls and times added up.
 */
async function captureSupplied(
  client: pg.Client,
  supplied: readonly SuppliedStatement[],
  sampleSeconds: number,
  counters: readonly StatStatement[],
  statements: CapturedStatement[],
  skipped: CapturedWorkload['skipped'],
  limit: number,
): Promise<void> {
  const oids = await roleOids(client, [...new Set(supplied.flatMap((s) => s.roles ?? []))]);
  const incoming: Incoming[] = supplied.map((s) => {
    const userIds = (s.roles ?? []).flatMap((role) => oids.get(role) ?? []);
    return { ...s, totalMs: s.totalMs, userIds: userIds.length > 0 ? userIds : [UNKNOWN_RUNNER] };
  });
  if (sampleSeconds > 0) {
    const sample = await sampleActivity(client, sampleSeconds);
    incoming.push(...sample.statements);
    if (sample.hidden > 0) {
      skipped.push({
        query: HIDDEN_TEXT,
        reason: `${sample.hidden} samples of pg_stat_activity showed other roles' statements without their text (shown only to superusers and members of pg_read_all_stats).`,
      });
    }
  }
  if (incoming.length === 0) return;
  const parser = await loadSqlParser();
  const captured = new Set(statements.map((s) => statementKey(parser, s.query)));
  const measured = new Map<string, StatStatement>();
  for (const row of counters) {
    const key = statementKey(parser, row.query);
    if (!measured.has(key)) measured.set(key, row);
  }
  const added = new Map<string, { statement: CapturedStatement; measured: boolean }>();
  const refused = new Set<string>();
  for (const s of incoming) {
    const query = plannableText(parser, s.query);
    const key = statementKey(parser, query);
    if (captured.has(key) || refused.has(key)) continue;
    const again = added.get(key);
    if (again) {
      if (!again.measured) mergeInto(again.statement, s);
      continue;
    }
    const reason = await whyNotAnalyzable(query);
    if (reason) {
      refused.add(key);
      skipped.push({ query: s.query, reason: `${s.source}: ${reason}` });
      continue;
    }
    const row = measured.get(key);
    const statement: CapturedStatement = row
      ? capturedFrom(row, undefined)
      : {
          queryId: null,
          template: null,
          query,
          calls: s.calls,
          meanMs: s.totalMs !== undefined && s.calls > 0 ? s.totalMs / s.calls : 0,
          totalMs: s.totalMs ?? 0,
          userIds: s.userIds,
          inStatSpan: false,
        };
    added.set(key, { statement, measured: row !== undefined });
  }
  // The same bound as pg_stat_statements' statements: the busiest (total time, then calls) first.
  const busiest = [...added.values()].map((a) => a.statement).sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls);
  statements.push(...busiest.slice(0, limit));
  if (busiest.length > limit) {
    skipped.push({
      query: `${busiest.length - limit} more statements from files, logs or samples`,
      reason: `only the ${limit} busiest of them (total time, then calls) are analyzed, as for pg_stat_statements`,
    });
  }
}

/**
 * A supplied text as pg_stat_statements would show it: constants as `$n` (PostgreSQL's normalization), then the
 * same repair. A log's or a sample's constants are one execution's values, and a file's are usually examples:
 * planned as they are, they would make partial indexes for those values alone (`WHERE code = 'c42'`). A text the
 * parser rejects is kept as it is, so whyNotAnalyzable reports the parser's message.
 */
function plannableText(parser: SqlParser, text: string): string {
  let normalized: string;
  try {
    normalized = parser.normalize(text.trim());
  } catch (error) {
    if (error instanceof SqlSyntaxError) return text.trim();
    throw error;
  }
  return repairNormalizedText(parser, normalized).trim();
}

/** The oids of the roles a log named, by name; a name this server does not have is left out. */
async function roleOids(client: pg.Client, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const { rows } = await client.query<{ name: string; oid: string }>(
    `${ADVISOR_MARKER} SELECT rolname AS name, oid::text AS oid FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, r.oid]));
}

/** The same statement from another source: calls and times add up; a known runner beats an unknown one. */
function mergeInto(statement: CapturedStatement, s: Incoming): void {
  statement.calls += s.calls;
  statement.totalMs += s.totalMs ?? 0;
  statement.meanMs = statement.calls > 0 ? statement.totalMs / statement.calls : 0;
  const known = [...(statement.userIds ?? []), ...s.userIds].filter((id) => id !== UNKNOWN_RUNNER);
  statement.userIds = known.length > 0 ? [...new Set(known)] : [UNKNOWN_RUNNER];
}
