import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';
import { DEMO_SCHEMA, DEMO_TABLES, createTableStatement, demoTable, expectedColumns } from './schema.ts';

/**
 * Seeding truncates the demo tables, so it must only ever run on objects Hotpath created. Hotpath marks what it
 * creates with a COMMENT (the schema and each table), and before seeding it takes an inventory of the `unified`
 * schema: anything else there (a table, view, sequence, function, type, extension …, a column or trigger added
 * to a demo table, a demo table replaced by one of the same name) stops the seed with the objects named, and
 * nothing is changed. A schema made by a Hotpath from before the marks (exactly the three demo tables with
 * their exact columns, nothing else) is adopted: marked, then used as before.
 *
 * The caller holds the seeding advisory lock, so no other Hotpath seeds meanwhile.
 */
export const DEMO_MARK = 'Created by Hotpath for its demo data: Hotpath re-seeds (truncates) it. Do not keep your own objects here.';

export class DemoSchemaNotOursError extends Error {
  override readonly name = 'DemoSchemaNotOursError';
  readonly code = 'demo-schema-not-ours';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const RELATION_KINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
  i: 'index',
  I: 'partitioned index',
};

interface Relation {
  oid: number;
  name: string;
  kind: string;
  comment: string | null;
  indexOf: number | null;
}

/** Every object in the schema (and every addition to a demo table) that Hotpath would not have made. */
async function strangers(
  client: pg.ClientBase,
  schemaOid: number,
  trust: 'marked' | 'unmarked' | 'nothing',
): Promise<{ found: string[]; missing: string[] }> {
  const q = (name: string): string => `${DEMO_SCHEMA}.${name}`;
  const { rows: relations } = await client.query<Relation>(
    `SELECT c.oid::int8::float8 AS oid, c.relname AS name, c.relkind::text AS kind, obj_description(c.oid, 'pg_class') AS comment,
            i.indrelid::int8::float8 AS "indexOf"
       FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relnamespace = $1 ORDER BY c.relname`,
    [schemaOid],
  );
  const ours = new Map<number, string>();
  const found: string[] = [];
  for (const relation of relations) {
    const demoTableName = (DEMO_TABLES as readonly string[]).includes(relation.name) && relation.kind === 'r';
    if (demoTableName && (trust === 'unmarked' || (trust === 'marked' && relation.comment === DEMO_MARK)))
      ours.set(relation.oid, relation.name);
  }
  for (const relation of relations) {
    if (ours.has(relation.oid)) continue;
    // Indexes on the demo tables: their primary keys and the advisor's hp_ indexes.
    if (relation.indexOf !== null && ours.has(relation.indexOf)) continue;
    found.push(`${RELATION_KINDS[relation.kind] ?? `relation (relkind ${relation.kind})`} ${q(relation.name)}`);
  }
  const oids = [...ours.keys()];
  const { rows: attributes } = await client.query<{ table: number; name: string; type: string; notNull: boolean }>(
    `SELECT attrelid::int8::float8 AS table, attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS "notNull"
       FROM pg_attribute WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped ORDER BY attrelid, attnum`,
    [oids],
  );
  for (const [oid, table] of ours) {
    const actual = attributes.filter((a) => a.table === oid);
    const expected = expectedColumns(table);
    for (const column of actual) {
      const want = expected.find((e) => e.name === column.name);
      if (!want) found.push(`table ${q(table)}: column ${JSON.stringify(column.name)} ${column.type}, which the demo does not have`);
      else if (want.type !== column.type || want.notNull !== column.notNull) {
        found.push(
          `table ${q(table)}: column ${JSON.stringify(column.name)} is ${column.type}${column.notNull ? ' NOT NULL' : ''}, the demo's is ${want.type}${want.notNull ? ' NOT NULL' : ''}`,
        );
      }
    }
    for (const want of expected) {
      if (!actual.some((a) => a.name === want.name)) found.push(`table ${q(table)}: lacks the demo's column ${JSON.stringify(want.name)}`);
    }
  }
  const { rows: others } = await client.query<{ what: string }>(
    `SELECT 'trigger "' || tgname || '" on ${DEMO_SCHEMA}.' || (SELECT relname FROM pg_class WHERE oid = tgrelid) AS what
       FROM pg_trigger WHERE tgrelid = ANY($2::oid[]) AND NOT tgisinternal
     UNION ALL SELECT 'rule "' || rulename || '" on ${DEMO_SCHEMA}.' || (SELECT relname FROM pg_class WHERE oid = ev_class) FROM pg_rewrite WHERE ev_class = ANY($2::oid[])
     UNION ALL SELECT 'policy "' || polname || '" on ${DEMO_SCHEMA}.' || (SELECT relname FROM pg_class WHERE oid = polrelid) FROM pg_policy WHERE polrelid = ANY($2::oid[])
     UNION ALL SELECT (CASE prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END) || '${DEMO_SCHEMA}.' || proname FROM pg_proc WHERE pronamespace = $1
     UNION ALL SELECT 'type ${DEMO_SCHEMA}.' || typname FROM pg_type WHERE typnamespace = $1 AND typrelid = 0 AND NOT (typcategory = 'A' AND typelem <> 0)
     UNION ALL SELECT 'operator ${DEMO_SCHEMA}.' || oprname FROM pg_operator WHERE oprnamespace = $1
     UNION ALL SELECT 'collation ${DEMO_SCHEMA}.' || collname FROM pg_collation WHERE collnamespace = $1
     UNION ALL SELECT 'conversion ${DEMO_SCHEMA}.' || conname FROM pg_conversion WHERE connamespace = $1
     UNION ALL SELECT 'text search configuration ${DEMO_SCHEMA}.' || cfgname FROM pg_ts_config WHERE cfgnamespace = $1
     UNION ALL SELECT 'text search dictionary ${DEMO_SCHEMA}.' || dictname FROM pg_ts_dict WHERE dictnamespace = $1
     UNION ALL SELECT 'statistics object ${DEMO_SCHEMA}.' || stxname FROM pg_statistic_ext WHERE stxnamespace = $1
     UNION ALL SELECT 'extension ' || extname || ' (its objects live in ${DEMO_SCHEMA})' FROM pg_extension WHERE extnamespace = $1`,
    [schemaOid, oids],
  );
  found.push(...others.map((o) => o.what));
  // TRUNCATE ONLY spares them, but a table inheriting from a demo table (or one it inherits from, or is a
  // partition of) shows the demo rows in its own queries, or its rows in ours: either way it is not ours to seed.
  const { rows: kin } = await client.query<{ what: string }>(
    `SELECT format('table %I.%I inherits from %I.%I', cn.nspname, c.relname, pn.nspname, p.relname) AS what
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE i.inhparent = ANY($1::oid[]) OR i.inhrelid = ANY($1::oid[])
      ORDER BY 1`,
    [oids],
  );
  found.push(...kin.map((k) => k.what));
  const missing = DEMO_TABLES.filter((table) => ![...ours.values()].includes(table));
  return { found, missing };
}

const LISTED = 8;
function list(found: string[]): string {
  return found.slice(0, LISTED).join('; ') + (found.length > LISTED ? `; and ${found.length - LISTED} more` : '');
}

/**
 * Makes sure the `unified` schema is Hotpath's, creating it (and any missing demo table) when it is, refusing with
 * `DemoSchemaNotOursError` when it is not. Runs in one transaction: a refusal leaves the database as it was.
 */
export async function createDemoSchema(runner: pg.ClientBase | pg.Pool): Promise<void> {
  if (!('release' in runner) && 'connect' in runner && 'totalCount' in runner) {
    const client = await runner.connect();
    try {
      return await createDemoSchema(client);
    } finally {
      client.release();
    }
  }
  const client = runner as pg.ClientBase;
  await client.query('BEGIN');
  try {
    await ensureDemoSchemaInTransaction(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** createDemoSchema's work, inside the caller's open transaction (which a refusal leaves to the caller to roll back). */
export async function ensureDemoSchemaInTransaction(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ oid: number; comment: string | null }>(
    `SELECT oid::int8::float8 AS oid, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1`,
    [DEMO_SCHEMA],
  );
  const schema = rows[0];
  if (!schema) {
    await client.query(`CREATE SCHEMA ${quoteIdent(DEMO_SCHEMA)}`);
    await mark(client, `SCHEMA ${quoteIdent(DEMO_SCHEMA)}`);
    for (const table of DEMO_TABLES) await createTable(client, table);
    return;
  }
  const marked = schema.comment === DEMO_MARK;
  const { found, missing } = await strangers(client, schema.oid, marked ? 'marked' : 'unmarked');
  await refuseStrangers(client, schema.oid, marked, { found, missing });
  if (!marked) {
    // Adopted only when it is exactly what an earlier Hotpath made: the three demo tables and nothing else.
    await mark(client, `SCHEMA ${quoteIdent(DEMO_SCHEMA)}`);
    for (const table of DEMO_TABLES) await mark(client, `TABLE ${demoTable(table)}`);
  } else {
    for (const table of missing) await createTable(client, table);
  }
}

/**
 * Before a TRUNCATE, in the transaction that ran ensureDemoSchemaInTransaction and will run the TRUNCATE: locks the
 * demo tables ACCESS EXCLUSIVE until that transaction ends, then checks again. Anything that would change what the
 * first check saw (a child table, a column, a trigger) needs a lock on a demo table, so it either committed before
 * this check (and is refused, named) or waits until the TRUNCATE has committed.
 */
export async function lockDemoTablesForTruncate(client: pg.ClientBase): Promise<void> {
  await client.query(`LOCK TABLE ${DEMO_TABLES.map((table) => `ONLY ${demoTable(table)}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  const { rows } = await client.query<{ oid: number }>(`SELECT oid::int8::float8 AS oid FROM pg_namespace WHERE nspname = $1`, [
    DEMO_SCHEMA,
  ]);
  await refuseStrangers(client, rows[0]!.oid, true, await strangers(client, rows[0]!.oid, 'marked'));
}

async function refuseStrangers(
  client: pg.ClientBase,
  schemaOid: number,
  marked: boolean,
  { found, missing }: { found: string[]; missing: string[] },
): Promise<void> {
  if (!marked && (found.length > 0 || missing.length > 0)) throw notOurSchema((await strangers(client, schemaOid, 'nothing')).found);
  if (marked && found.length > 0) {
    throw new DemoSchemaNotOursError(
      `The demo schema "${DEMO_SCHEMA}" holds objects Hotpath did not create: ${list(found)}. Seeding empties the demo tables, so it stopped before changing anything.`,
      `Move or drop those objects yourself (Hotpath never changes what it did not create), or seed another database.`,
    );
  }
}

function notOurSchema(found: string[]): DemoSchemaNotOursError {
  const holds = found.length > 0 ? `it holds ${list(found)}` : 'it is empty';
  return new DemoSchemaNotOursError(
    `The schema "${DEMO_SCHEMA}" was not created by Hotpath (it has no Hotpath mark; ${holds}). Hotpath keeps its demo data there and seeding empties it, so it stopped before changing anything.`,
    `Rename your schema (ALTER SCHEMA ${DEMO_SCHEMA} RENAME TO …) or drop it if it is disposable, or point Hotpath at another database for the demo data.`,
  );
}

async function createTable(client: pg.ClientBase, table: string): Promise<void> {
  await client.query(createTableStatement(table));
  await mark(client, `TABLE ${demoTable(table)}`);
}

/** COMMENT takes no parameters; the mark is our own constant, quoted as a literal. */
function mark(client: pg.ClientBase, object: string): Promise<unknown> {
  return client.query(`COMMENT ON ${object} IS '${DEMO_MARK.replaceAll("'", "''")}'`);
}
