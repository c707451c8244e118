/**
 * A workload profile generated from what the database really runs: the busiest reads of pg_stat_statements (by
 * total execution time), each a template weighted by its calls, each `$n` drawn from the statistics of the
 * column it is compared to (profile-from-stats-sampler.ts). So Optimize can measure p95 before and after on the
 * user's own statements (`hotpath optimize --workload FILE`), not only on the demo.
 *
 * The steps for each statement, busiest first, until `top` are included:
 *   1. typed literals repaired (`date $1` → `$1::date`, main/sql/typed-parameters.ts);
 *   2. reads only, and only the connecting role's own (profile-from-stats-filter.ts);
 *   3. every `$n` bound to a column from the parse tree (profile-from-stats-binding.ts), the column found in the
 *      catalog; a `$n` added to a bound one (`+ $2::interval`) gets its type's zero, and one outside every predicate
 *      (the select list) a neutral constant, since pg_stat_statements keeps no values;
 *   4. the parameter types, the server's own answer (PREPARE in the rolled-back read-only transaction); when it
 *      cannot type them once normalized (`$1 - $2`), asked again with the bound ones cast as their columns
 *      (profile-from-stats-casts.ts);
 *   5. values from pg_stats, each checked by the parameter type's input function, the ones it rejects dropped.
 * A statement that fails a step is listed in `skipped` with the reason, and the profile is checked by the profile
 * loader before it is returned. Everything runs in one READ ONLY transaction that is rolled back, and nothing
 * leaves an error in the server's log (profile-from-stats-catalog.ts).
 */
import type pg from 'pg';
import type { z } from 'zod';
import { loadSqlParser } from '../sql/pg-parser.ts';
import { repairTypedParameters } from '../sql/typed-parameters.ts';
import { bindParameters, COLUMNLESS_ROLES, type ParamBinding } from './profile-from-stats-binding.ts';
import { castParameters } from './profile-from-stats-casts.ts';
import {
  HIDDEN_TEXT,
  ProfileFromStatsError,
  invalidValues,
  probeParameterTypes,
  readColumnStats,
  readSessionRole,
  readStatementCounters,
  resolveTable,
  roleNames,
  type ResolvedTable,
  type SessionRole,
  type StatementCounters,
} from './profile-from-stats-catalog.ts';
import { readVerdict, whyNotReplayed } from './profile-from-stats-filter.ts';
import { limitFromCounters, neutralValue, sampleFromStats, scaledWeights } from './profile-from-stats-sampler.ts';
import { MAX_TEMPLATES } from './profile-limits.ts';
import { loadSqlCheck, parseWorkloadProfile } from './profile-loader.ts';
import { TemplateSpecSchema, type ParamSpec, type WorkloadProfile, type WorkloadProfileSchema } from './profile-schema.ts';

export { ProfileFromStatsError } from './profile-from-stats-catalog.ts';

export const DEFAULT_PROFILE_TOP = 20;

export interface ProfileFromStatsOptions {
  /** How many statements to include at most (the busiest first). */
  top?: number;
  /** The profile's name (default: says where it came from). */
  name?: string;
  /** Wall clock for the description; Date.now unless a test pins it. */
  now?: () => number;
}

export interface IncludedStatement {
  template: string;
  query: string;
  calls: number;
  meanMs: number;
  /** How each `$n` is drawn, in order. */
  params: string[];
}

export interface ProfileFromStats {
  /** The profile as it is written to a file (JSON), already checked by the profile loader. */
  document: z.input<typeof WorkloadProfileSchema>;
  /** The same, as the loader reads it. */
  profile: WorkloadProfile;
  included: IncludedStatement[];
  skipped: { query: string; reason: string }[];
}

type Template = z.input<typeof WorkloadProfileSchema>['templates'][number];

/** Builds the profile from `client`'s database; the client is left as it was (its transaction rolled back). */
export async function profileFromStats(client: pg.Client, options: ProfileFromStatsOptions = {}): Promise<ProfileFromStats> {
  const top = Math.min(options.top ?? DEFAULT_PROFILE_TOP, MAX_TEMPLATES);
  const parser = await loadSqlParser();
  await loadSqlCheck();
  await client.query('BEGIN READ ONLY');
  try {
    // A statement whose table is locked for a schema change is skipped, not waited for.
    await client.query(`SET LOCAL lock_timeout = '2s'`);
    const counters = await readStatementCounters(client);
    const session = await readSessionRole(client);
    const names = await roleNames(client, [...new Set(counters.flatMap((c) => c.userIds))]);
    const tables = new TableCache(client);
    const included: IncludedStatement[] = [];
    const templates: Template[] = [];
    const skipped: ProfileFromStats['skipped'] = [];
    for (const row of counters) {
      if (included.length >= top) break;
      if (row.query === HIDDEN_TEXT) {
        skipped.push({ query: HIDDEN_TEXT, reason: hiddenReason(row.entries, session.name) });
        continue;
      }
      const query = repairTypedParameters(parser, row.query) ?? row.query;
      const verdict = readVerdict(parser, query);
      if ('ignore' in verdict) continue;
      const reason = 'skip' in verdict ? verdict.skip : (whyNotReplayed(row.userIds, names, session) ?? null);
      const built = reason === null ? await buildTemplate(client, parser, query, row, tables) : { reason };
      if ('reason' in built) {
        skipped.push({ query, reason: built.reason });
        continue;
      }
      const same = templates.findIndex((t) => t.sql === built.sql);
      if (same >= 0) {
        // The same text under another queryid (another search_path, or parameter types): one template, calls summed.
        templates[same]!.weight += row.calls;
        included[same]!.calls += row.calls;
        continue;
      }
      const template = {
        name: templateName(included.length + 1, built.table),
        description: describe(row),
        sql: built.sql,
        weight: row.calls,
        params: built.params,
      };
      // Checked one by one, so that one statement the profile format cannot hold is skipped, not the whole profile.
      const problem = templateProblem(template);
      if (problem) {
        skipped.push({ query, reason: problem });
        continue;
      }
      templates.push(template);
      included.push({
        template: template.name,
        query: built.sql,
        calls: row.calls,
        meanMs: row.totalMs / row.calls,
        params: built.params.map(describeParam),
      });
    }
    if (templates.length === 0) throw noStatements(skipped, session);
    const weights = scaledWeights(templates.map((t) => t.weight));
    templates.forEach((t, i) => (t.weight = weights[i]!));
    const document = {
      name: options.name ?? `pg_stat_statements: the ${templates.length === 1 ? 'busiest read' : `${templates.length} busiest reads`}`,
      description: profileDescription(session, new Date((options.now ?? Date.now)())),
      templates,
    };
    // The loader's own check: what is written is what `--workload FILE` will accept.
    const profile = parseWorkloadProfile(JSON.stringify(document), document.name);
    return { document, profile, included, skipped };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Tables by the name a statement used, each looked up once. */
class TableCache {
  private readonly byName = new Map<string, Promise<ResolvedTable | null>>();
  constructor(private readonly client: pg.Client) {}
  get(schema: string | null, name: string): Promise<ResolvedTable | null> {
    const key = JSON.stringify([schema, name]);
    let table = this.byName.get(key);
    if (!table) this.byName.set(key, (table = resolveTable(this.client, schema, name)));
    return table;
  }
}

/** The column a binding means: the first candidate table (in SQL's lookup order) that has it. */
async function columnOf(binding: ParamBinding, tables: TableCache): Promise<{ table: ResolvedTable; column: string } | null> {
  for (const candidate of binding.columns) {
    const table = await tables.get(candidate.schema, candidate.table);
    if (table?.columns.has(candidate.column)) return { table, column: candidate.column };
  }
  return null;
}

async function buildTemplate(
  client: pg.Client,
  parser: Awaited<ReturnType<typeof loadSqlParser>>,
  query: string,
  row: StatementCounters,
  tables: TableCache,
): Promise<{ sql: string; params: ParamSpec[]; table: string } | { reason: string }> {
  const { bindings, unbound } = bindParameters(parser, query);
  if (unbound.length > 0) return { reason: unboundReason(unbound) };
  const columns = new Map<number, { table: ResolvedTable; column: string }>();
  for (const binding of bindings) {
    if (COLUMNLESS_ROLES.has(binding.role)) continue;
    const found = await columnOf(binding, tables);
    if (!found) {
      const named = binding.columns.map((c) => `${c.schema ? `${c.schema}.` : ''}${c.table}`).join(' or ');
      return { reason: `$${binding.number}: no column ${binding.columns[0]!.column} in ${named} (as this role sees the catalog)` };
    }
    columns.set(binding.number, found);
  }
  let sql = query;
  let probe = await probeParameterTypes(client, sql);
  if ('error' in probe) {
    // Constants typed by their own text before normalization: cast as their columns, and asked once more.
    const casts = new Map([...columns].map(([n, c]) => [n, c.table.columns.get(c.column)!]));
    const cast = castParameters(parser, query, casts);
    const retried = cast === null ? null : await probeParameterTypes(client, cast);
    if (retried === null || 'error' in retried) return { reason: `PostgreSQL cannot prepare it: ${probe.error}` };
    [sql, probe] = [cast!, retried];
  }
  const params: ParamSpec[] = [];
  for (const binding of bindings) {
    const type = probe.types[binding.number - 1] ?? 'text';
    if (binding.role === 'limit' || binding.role === 'offset') {
      params.push(limitFromCounters(binding.role, row.rows, row.calls));
      continue;
    }
    if (binding.role === 'shift' || binding.role === 'constant') {
      const neutral = neutralValue(binding.role, type);
      if ('reason' in neutral) return { reason: `$${binding.number}: ${neutral.reason}` };
      params.push(neutral.spec);
      continue;
    }
    const { table, column } = columns.get(binding.number)!;
    const label = `${table.schema}.${table.name}.${column}`;
    const stats = await readColumnStats(client, table.schema, table.name, column);
    const sampled = sampleFromStats(binding.role, binding.paired, stats, type, label);
    if ('reason' in sampled) return { reason: `$${binding.number}: ${sampled.reason}` };
    const checked = await withoutInvalidValues(client, sampled.spec, type);
    if (!checked) return { reason: `$${binding.number}: none of ${label}'s values in pg_stats is a valid ${type}` };
    params.push(checked);
  }
  const firstTable = [...columns.values()][0]?.table.name ?? bindings[0]?.columns[0]?.table ?? 'statement';
  return { sql, params, table: firstTable };
}

/** The choice param without the values the parameter type's input function rejects; null when none is left. */
async function withoutInvalidValues(client: pg.Client, spec: ParamSpec, type: string): Promise<ParamSpec | null> {
  if (spec.kind !== 'choice') return spec;
  const bad = await invalidValues(client, type, spec.values as (string | number)[]);
  if (bad.size === 0) return spec;
  const keep = spec.values.map((v) => !bad.has(String(v)));
  const values = spec.values.filter((_, i) => keep[i]);
  if (values.length === 0) return null;
  const weights = spec.weights?.filter((_, i) => keep[i]);
  return { ...spec, values, ...(weights ? { weights } : {}) };
}

/** Why the profile format refuses a template (the loader's message), or null. */
function templateProblem(template: Template): string | null {
  const result = TemplateSpecSchema.safeParse(template);
  if (result.success) return null;
  return result.error.issues.map((issue) => `${issue.path.join('.') || 'template'}: ${issue.message}`).join('; ');
}

/** The unbound parameters grouped by reason: `$1, $2: not compared to a column (…)`. */
function unboundReason(unbound: readonly { number: number; reason: string }[]): string {
  const byReason = new Map<string, number[]>();
  for (const u of unbound) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.number]);
  return [...byReason].map(([reason, numbers]) => `${numbers.map((n) => `$${n}`).join(', ')}: ${reason}`).join('; ');
}

function templateName(rank: number, table: string): string {
  const word = table.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return `q${rank}${word ? `_${word}` : ''}`.slice(0, 63);
}

function describe(row: StatementCounters): string {
  return `pg_stat_statements queryid ${row.queryId}: ${row.calls} calls, mean ${(row.totalMs / row.calls).toFixed(3)} ms`;
}

function describeParam(spec: ParamSpec): string {
  if (spec.kind === 'constant') return `${spec.name ?? 'constant'} = ${JSON.stringify(spec.value)}`;
  if (spec.kind === 'choice') return `${spec.name ?? 'choice'}: ${spec.description ?? 'a choice'} (${spec.values.length} values)`;
  return spec.kind;
}

function profileDescription(session: SessionRole, now: Date): string {
  return (
    `Generated by hotpath profile from-stats at ${now.toISOString()} as role ${session.name}: the busiest reads of ` +
    `pg_stat_statements (by total time), weighted by calls, parameters drawn from the column statistics (pg_stats). ` +
    `SELECTs only; run it as ${session.name}.`
  );
}

function hiddenReason(hidden: number, role: string): string {
  return (
    `${hidden} statement${hidden === 1 ? '' : 's'} of other roles ${hidden === 1 ? 'is' : 'are'} hidden from ${role} ` +
    `(pg_stat_statements shows their text only to superusers and members of pg_read_all_stats).`
  );
}

function noStatements(skipped: ProfileFromStats['skipped'], session: SessionRole): ProfileFromStatsError {
  const why = skipped.length === 0 ? 'pg_stat_statements holds no reads of application tables yet' : `${skipped.length} were skipped`;
  const detail = skipped
    .slice(0, 5)
    .map((s) => `  ${s.query.replace(/\s+/g, ' ').slice(0, 100)}\n     ${s.reason}`)
    .join('\n');
  return new ProfileFromStatsError(
    `No statement could be included in the profile (${why}).`,
    `${detail ? `${detail}\n` : ''}Let the application run a while as ${session.name} (with pg_stat_statements on), and ANALYZE its tables.`,
  );
}
