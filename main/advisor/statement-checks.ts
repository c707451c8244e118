import type pg from 'pg';
import { quoteIdent, quoteQualified } from '../sql/identifiers.ts';
import { loadSqlParser, SqlSyntaxError } from '../sql/pg-parser.ts';
import { columnsOfRelation, statementReferences, type RelationReference } from '../sql/statement-references.ts';
import { extractFieldParameters } from '../sql/extract-field.ts';
import { untypedArithmeticParameters, untypedNullTests } from '../sql/untyped-parameters.ts';
import { ADVISOR_MARKER } from './advisor-marker.ts';

/**
 * Whether the server would accept a statement for planning, asked with catalog reads that cannot fail, so that a
 * statement it would reject is reported with a reason instead of leaving an error in the server's log (an EXPLAIN
 * that fails is logged as an ERROR, with the statement, for every DBA to find).
 *
 * Run as the role the statement is planned as (inside `inRolledBackReadOnlyTransaction`), so privileges and name
 * resolution are that role's:
 * - every relation it names exists now: `to_regclass` of the name as written, quoted (`quoteQualified`); an
 *   unqualified name resolves through the search_path of the analysis session as that role (its `"$user"` is the
 *   planning role), which is the one EXPLAIN will use; the search_path the statement ran with is not recorded
 *   anywhere, so a name that resolved elsewhere then is reported as missing rather than guessed. A schema-qualified
 *   name's schema is looked up first (to_regclass raises an error for a schema the role may not use);
 * - the role holds the privileges planning checks: SELECT on what it reads (on the table, or on every column the
 *   statement names that the table has, `*` meaning all of them), INSERT / UPDATE / DELETE on the target it writes,
 *   UPDATE on some column of a table it locks with FOR UPDATE / SHARE;
 * - every function it calls by a name outside pg_catalog exists (by name: an existing function with other argument
 *   types still fails);
 * - no parameter is left where the server cannot type or accept it (arithmetic between two, a sum of a CASE of
 *   them, EXTRACT's field): the repairs of normalized-repairs.ts did not apply.
 * CTE names are not relations (statement-references.ts). A dropped column is not detected.
 */

/** A statement the advisor will not send to the server, with the reason (a sentence for people). */
export class NotPlannableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotPlannableError';
  }
}

/** Why the server would reject planning `sql` as the current role, or null when nothing the checks can see stands in the way. */
export async function whyNotPlannable(client: pg.Client, sql: string): Promise<string | null> {
  const parser = await loadSqlParser();
  let tree: unknown;
  try {
    tree = parser.parse(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return `could not be parsed: ${error.message}`;
    throw error;
  }
  if (untypedArithmeticParameters(tree).length > 0) {
    return 'it has arithmetic between two parameters ($1 - $2, once two constants) or a sum of a CASE of parameters, whose types the server cannot tell';
  }
  if (untypedNullTests(tree).length > 0) return 'it tests a parameter alone for NULL ($1 IS NULL), whose type the server cannot tell';
  if (extractFieldParameters(tree).length > 0) return 'it has EXTRACT($1 FROM …), a syntax error to the server (once a field name)';
  const references = statementReferences(tree);
  for (const relation of references.relations) {
    const problem = await relationProblem(client, relation, columnsOfRelation(references, relation));
    if (problem) return problem;
  }
  for (const fn of references.functions) {
    if (fn.schema === 'pg_catalog') continue;
    const { rows } = await client.query<{ found: boolean }>(
      fn.schema === null
        ? `${ADVISOR_MARKER} SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.proname = $1 AND pg_catalog.pg_function_is_visible(p.oid)) AS found`
        : `${ADVISOR_MARKER} SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = $1 AND n.nspname = $2 AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')) AS found`,
      fn.schema === null ? [fn.name] : [fn.name, fn.schema],
    );
    if (!rows[0]!.found) return `calls ${shown(fn.schema, fn.name)}(), which does not exist now (or is not visible to the planning role)`;
  }
  return null;
}

function shown(schema: string | null, name: string): string {
  return schema === null ? quoteIdentIfNeeded(name) : `${quoteIdentIfNeeded(schema)}.${quoteIdentIfNeeded(name)}`;
}

/** The name as a person would write it: bare when that reads back the same. */
function quoteIdentIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}

async function relationProblem(
  client: pg.Client,
  relation: RelationReference,
  columns: { names: string[]; star: boolean },
): Promise<string | null> {
  const name = shown(relation.schema, relation.name);
  if (relation.schema !== null) {
    const { rows } = await client.query<{ usable: boolean }>(
      `${ADVISOR_MARKER} SELECT pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS usable FROM pg_catalog.pg_namespace n WHERE n.nspname = $1`,
      [relation.schema],
    );
    if (rows.length === 0) return `refers to ${name}, whose schema does not exist now (dropped since it ran?)`;
    if (!rows[0]!.usable) return `refers to ${name}, but the planning role may not use schema ${quoteIdentIfNeeded(relation.schema)}`;
  }
  const qualified = relation.schema === null ? quoteIdent(relation.name) : quoteQualified(relation.schema, relation.name);
  const { rows } = await client.query<{ oid: string | null }>(`${ADVISOR_MARKER} SELECT pg_catalog.to_regclass($1)::oid::text AS oid`, [
    qualified,
  ]);
  const oid = rows[0]?.oid ?? null;
  if (oid === null) {
    return relation.schema === null
      ? `refers to ${name}, which does not exist now (dropped since it ran?), looked up through the planning session's search_path`
      : `refers to ${name}, which does not exist now (dropped since it ran?)`;
  }
  for (const privilege of relation.privileges) {
    const allowed = await mayUse(client, oid, privilege, columns);
    if (!allowed) return `refers to ${name}, on which the planning role lacks the ${privilege} privilege planning it needs`;
  }
  return null;
}

/**
 * The privilege on the table, or on the columns: for SELECT every named column the table has (all of them for a
 * `*`); for INSERT and UPDATE some column (the columns a SET or an INSERT list names are not matched here).
 */
async function mayUse(client: pg.Client, oid: string, privilege: string, columns: { names: string[]; star: boolean }): Promise<boolean> {
  const { rows } = await client.query<{ allowed: boolean }>(
    `${ADVISOR_MARKER} SELECT pg_catalog.has_table_privilege($1::oid, $2) OR CASE
        WHEN $2 = 'DELETE' THEN false
        WHEN $2 <> 'SELECT' THEN pg_catalog.has_any_column_privilege($1::oid, $2)
        WHEN $4 THEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
                                  AND NOT pg_catalog.has_column_privilege($1::oid, a.attnum, 'SELECT'))
        ELSE pg_catalog.has_any_column_privilege($1::oid, 'SELECT') AND NOT EXISTS (
               SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attname = ANY($3::text[]) AND NOT pg_catalog.has_column_privilege($1::oid, a.attnum, 'SELECT'))
      END AS allowed`,
    [oid, privilege, columns.names, columns.star],
  );
  return rows[0]!.allowed;
}
